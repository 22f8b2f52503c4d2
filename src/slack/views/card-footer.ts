import type { ActionsBlock, Button, ContextBlock, KnownBlock } from '@slack/types';
import { ACTION_IDS } from './action-ids.ts';
import { formatWhen } from './format.ts';
import { mrkdwn, plainText } from './limits.ts';
import { safeUrl, userMention } from './links.ts';

export interface CardFooterInput {
  fetchedAt: Date;
  now: Date;
  /** Deep link into the CII console, when there is one. */
  openUrl?: string | null;
  share?: { value: string };
  /** Slack user id of whoever shared the card into the channel. */
  sharedBy?: string;
}

/** The buttons (Open in CII, Share in channel) and the provenance line shared by lookup cards. */
export function cardFooter(input: CardFooterInput): KnownBlock[] {
  const buttons: Button[] = [];
  const url = safeUrl(input.openUrl);
  if (url) buttons.push({ type: 'button', action_id: ACTION_IDS.openInCii, text: plainText('Open in CII'), url });
  if (input.share) {
    buttons.push({
      type: 'button',
      action_id: ACTION_IDS.shareCard,
      text: plainText('Share in channel'),
      value: input.share.value,
    });
  }
  const context: ContextBlock = {
    type: 'context',
    elements: [mrkdwn(`Fetched ${formatWhen(input.fetchedAt, input.now)}`)],
  };
  if (input.sharedBy) context.elements.push(mrkdwn(`Shared by ${userMention(input.sharedBy)}`));
  const actions: ActionsBlock[] = buttons.length > 0 ? [{ type: 'actions', elements: buttons }] : [];
  return [...actions, context];
}
