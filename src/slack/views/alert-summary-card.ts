import type { KnownBlock } from '@slack/types';
import type { Severity } from '../../alerts/finding.ts';
import { publishedText } from './alert-text.ts';
import { severityBadge, severityWord } from './format.ts';
import { ACTION_IDS } from './action-ids.ts';
import { buildMessage, clean, code, LIMITS, mrkdwn, plainText, type SlackMessage } from './limits.ts';

export interface AlertSummaryInput {
  /** Carried by "Approve all open", the summary's only button. */
  findingId: string;
  checkId: string;
  title: string;
  severity: Severity;
  severityLabel: string;
  userCount: number;
  /** Names of the first users (a prefix of the `userCount` users is enough). */
  names: string[];
  published: string;
  now: Date;
}

const SHOWN_NAMES = 10;

/** For noisy, low-risk findings: approves every open alert of the finding at once (after a modal with a reason). */
function approveAllActions(findingId: string): KnownBlock {
  return {
    type: 'actions',
    elements: [
      {
        type: 'button',
        action_id: ACTION_IDS.alertApproveAll,
        text: plainText('Approve all open…'),
        value: findingId.slice(0, LIMITS.buttonValue),
      },
    ],
  };
}

/** One card for a check failed by many users at once; each user's card goes in its thread. */
export function alertSummaryCard(input: AlertSummaryInput): SlackMessage {
  const badge = severityBadge(input.severity, input.severityLabel);
  const shown = input.names.slice(0, SHOWN_NAMES).map((n) => clean(n, 80));
  const hidden = Math.max(0, input.userCount - shown.length);
  const users = `${input.userCount} user${input.userCount === 1 ? '' : 's'}`;
  const names = [shown.join(', '), hidden > 0 && `+${hidden} more`].filter((p) => !!p).join(' ');
  const blocks: KnownBlock[] = [
    { type: 'header', text: plainText(`${badge} · ${input.title}`, LIMITS.header) },
    {
      type: 'section',
      text: mrkdwn(
        `*${users}* failing ${code(input.checkId, 100)} (${clean(input.title, 200)})${names ? `: ${names}` : ''}`,
      ),
    },
  ];
  const footer: KnownBlock[] = [
    approveAllActions(input.findingId),
    {
      type: 'context',
      elements: [mrkdwn(`Published by CII ${publishedText(input.published, input.now)} · details in thread`)],
    },
  ];
  return buildMessage(
    `CII alert (${severityWord(input.severity, input.severityLabel)}): ${input.title} — ${users}`,
    blocks,
    footer,
  );
}
