import type { KnownBlock } from '@slack/types';
import { formatUtc } from './format.ts';
import { buildMessage, clean, mrkdwn, type SlackMessage } from './limits.ts';
import { principalMention } from './links.ts';
import { NO_LABEL, YES_LABEL } from './verify-question.ts';

/** Where asking the alert's user stands, as the card shows it. */
export interface VerificationView {
  state:
    | 'pending'
    | 'resolving'
    | 'queued'
    | 'asked'
    | 'not_asked'
    | 'confirming'
    | 'confirmed'
    | 'unproven'
    | 'denied'
    | 'timed_out';
  name?: string;
  at?: number;
  reason?: string;
  proof?: string;
}

const at = (v: VerificationView) => (v.at === undefined ? '' : ` at ${formatUtc(new Date(v.at))}`);

/** The card's verification line, escaped mrkdwn. */
function verificationText(v: VerificationView): string {
  const name = clean(v.name ?? 'the user', 60);
  switch (v.state) {
    case 'pending':
    case 'resolving':
      return '🕓 *Was this you?* Finding the user in Slack to ask them.';
    case 'queued':
      return `🕓 *Was this you?* ${name} will be asked in a DM shortly.`;
    case 'asked':
      return `💬 *Was this you?* Asked ${name}${at(v)}; waiting for the answer.`;
    case 'not_asked':
      return `➖ *Was this you?* Not asked: ${clean(v.reason ?? 'unknown reason', 300)}.`;
    case 'confirming':
      return `📲 ${name} answered *${YES_LABEL}*${at(v)}; waiting for the Duo Push.`;
    case 'confirmed':
      return `✅ ${name} confirmed it was them${v.proof ? ` (${clean(v.proof, 100)})` : ' (not proven: no Duo Push)'}${at(v)}.`;
    case 'unproven':
      return `⚠️ ${name} answered *${YES_LABEL}*${at(v)}, but it is not proven: ${clean(v.reason ?? 'Duo did not confirm', 300)}.`;
    case 'denied':
      return `❌ ${name} says it wasn't them (*${NO_LABEL}*)${at(v)}.`;
    case 'timed_out':
      return `⏳ ${name}: ${clean(v.reason ?? 'no answer', 200)}.`;
  }
}

/** The line as a block, placed beside the card's decision. */
export function verificationBlock(v: VerificationView): KnownBlock {
  return { type: 'context', elements: [mrkdwn(verificationText(v))] };
}

/** The thread reply when the user says it was not them. */
export function escalationReply(input: { name: string; login: string; at: number; mention?: string }): SlackMessage {
  const who = `${clean(input.name, 60)} (${clean(input.login, 150)})`;
  const mention = input.mention ? `${principalMention(input.mention)} ` : '';
  return buildMessage(`${input.name} says this was not them: please look at it now`, [
    {
      type: 'section',
      text: mrkdwn(
        `${mention}🚨 ${who} answered *${NO_LABEL}* at ${formatUtc(new Date(input.at))}: someone else may be using their account. Please look at this alert now.`,
      ),
    },
  ]);
}
