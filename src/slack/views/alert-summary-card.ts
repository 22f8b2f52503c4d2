import type { KnownBlock } from '@slack/types';
import type { Severity } from '../../alerts/finding.ts';
import { explain, publishedText } from './alert-text.ts';
import { severityBadge, severityWord } from './format.ts';
import { ACTION_IDS } from './action-ids.ts';
import { buildMessage, bulletsWithMore, clean, code, LIMITS, mrkdwn, plainText, type SlackMessage } from './limits.ts';
import { mrkdwnLink } from './links.ts';

/** Where one thread user's alert stands (`open`, `in_progress`, `approved`, `blocked`, `failed`, `unblocked`). */
export interface SummaryUserView {
  name: string;
  state: string;
  /** The user's page in CII, when known. */
  referenceUrl?: string;
}

export interface AlertSummaryInput {
  /** Carried by "Approve all open", the summary's only button. */
  findingId: string;
  checkId: string;
  title: string;
  severity: Severity;
  severityLabel: string;
  /** The users in the thread, in thread order. */
  users: SummaryUserView[];
  description: string[];
  recommendedActions: string[];
  published: string;
  now: Date;
}

const SHOWN_NAMES = 10;
const SHOWN_RECOMMENDATIONS = 3;

/** Progress words, in the order the line reads. */
const PROGRESS: ReadonlyArray<readonly [string, string]> = [
  ['blocked', 'blocked'],
  ['failed', 'failed'],
  ['in_progress', 'in progress'],
  ['approved', 'approved'],
  ['unblocked', 'unblocked'],
  ['open', 'open'],
];

/** "8 users · 3 blocked · 2 approved · 3 open": only the states some user is in, `open` always. */
export function progressLine(users: readonly SummaryUserView[]): string {
  const counts = new Map<string, number>();
  for (const u of users) counts.set(u.state, (counts.get(u.state) ?? 0) + 1);
  const parts = PROGRESS.filter(([state]) => state === 'open' || counts.has(state)).map(
    ([state, word]) => `${counts.get(state) ?? 0} ${word}`,
  );
  return [`${users.length} user${users.length === 1 ? '' : 's'}`, ...parts].join(' · ');
}

const MARK: Record<string, string> = {
  blocked: '⛔',
  approved: '✅',
  failed: '⚠️',
  in_progress: '⏳',
  unblocked: '↩️',
};

/** For noisy, low-risk findings: approves every open alert of the finding at once (after a modal with a reason). */
function approveAllActions(findingId: string): KnownBlock {
  return {
    type: 'actions',
    elements: [
      {
        type: 'button',
        action_id: ACTION_IDS.alertApproveAll,
        text: plainText('Approve all open'),
        value: findingId.slice(0, LIMITS.buttonValue),
      },
    ],
  };
}

/** One card for a check failed by many users at once; each user's card goes in its thread. */
export function alertSummaryCard(input: AlertSummaryInput): SlackMessage {
  const badge = severityBadge(input.severity, input.severityLabel);
  const shown = input.users.slice(0, SHOWN_NAMES).map((u) => {
    const mark = MARK[u.state];
    return `${mark ? `${mark} ` : ''}${mrkdwnLink(u.referenceUrl, clean(u.name, 80))}`;
  });
  const hidden = input.users.length - shown.length;
  const names = [shown.join(', '), hidden > 0 && `+${hidden} more`].filter((p) => !!p).join(' ');
  const why = explain(input.description, []).lines.map((l) => clean(l, 500));
  const recommendations = explain(input.recommendedActions, []).lines;

  const blocks: KnownBlock[] = [
    { type: 'header', text: plainText(`${badge} · ${input.title}`, LIMITS.header) },
    { type: 'section', text: mrkdwn(`*${progressLine(input.users)}*`) },
  ];
  if (why.length > 0) blocks.push({ type: 'section', text: mrkdwn(why.join('\n')) });
  if (recommendations.length > 0) {
    const list = bulletsWithMore(recommendations, SHOWN_RECOMMENDATIONS, (a) => clean(a, 300));
    blocks.push({ type: 'section', text: mrkdwn(`*Recommended*\n${list}`) });
  }
  if (names) blocks.push({ type: 'section', text: mrkdwn(`*Users* (links open CII): ${names}`) });
  const footer: KnownBlock[] = [
    approveAllActions(input.findingId),
    {
      type: 'context',
      elements: [
        mrkdwn(
          `Check ${code(input.checkId, 100)} · published by CII ${publishedText(input.published, input.now)} · one card per user in the thread`,
        ),
      ],
    },
  ];
  const users = `${input.users.length} user${input.users.length === 1 ? '' : 's'}`;
  return buildMessage(
    `CII alert (${severityWord(input.severity, input.severityLabel)}): ${input.title} — ${users}`,
    blocks,
    footer,
  );
}
