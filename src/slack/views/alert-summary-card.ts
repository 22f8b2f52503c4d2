import type { KnownBlock } from '@slack/types';
import type { Severity } from '../../alerts/finding.ts';
import { publishedText } from './alert-text.ts';
import { severityBadge, severityWord } from './format.ts';
import { buildMessage, clean, code, LIMITS, mrkdwn, plainText, type SlackMessage } from './limits.ts';

export interface AlertSummaryInput {
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
