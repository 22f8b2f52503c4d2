import type { KnownBlock } from '@slack/types';
import type { Severity } from '../../alerts/finding.ts';
import { severityBadge } from './format.ts';
import { ACTION_IDS } from './action-ids.ts';
import { buildMessage, code, LIMITS, listWithMore, mrkdwn, plainText, type SlackMessage } from './limits.ts';
import { channelMention } from './links.ts';

export interface SubscriptionSummary {
  id: string;
  channelId: string;
  checkIds: string[];
  minSeverity: Severity;
}

/** Alerts of the last days the filter matches that this channel never got a card of. */
export interface Backlog {
  count: number;
  days: number;
}

/** The channel was broken (Slack refused it) and this subscribe repaired it: `waitingFindings` are posted now. */
interface Repair {
  waitingFindings: number;
}

export type SubscriptionChange =
  | { kind: 'subscribed'; subscription: SubscriptionSummary; backlog?: Backlog; repair?: Repair }
  | {
      kind: 'already_subscribed';
      subscription: SubscriptionSummary;
      repaired: boolean;
      backlog?: Backlog;
      repair?: Repair;
    }
  | { kind: 'unsubscribed'; channelId: string; count: number; target: string }
  | { kind: 'nothing_to_unsubscribe'; channelId: string; target: string };

function filterText(s: SubscriptionSummary): string {
  const checks = s.checkIds.length === 0 ? 'every check' : listWithMore(s.checkIds, 5, (c) => code(c, 100));
  return `${checks}, ${severityBadge(s.minSeverity)} and above`;
}

/** The answer to `/cii subscribe` and `/cii unsubscribe`. */
export function subscriptionResult(change: SubscriptionChange): SlackMessage {
  let text: string;
  let fallback: string;
  switch (change.kind) {
    case 'subscribed':
      text = `✅ ${channelMention(change.subscription.channelId)} now gets CII alerts for ${filterText(change.subscription)} (subscription ${code(change.subscription.id, 100)}).`;
      fallback = `Subscribed this channel to CII alerts (subscription ${change.subscription.id})`;
      break;
    case 'already_subscribed':
      text = change.repaired
        ? `🔧 Subscription ${code(change.subscription.id, 100)} (${filterText(change.subscription)}) was broken and is active again.`
        : `ℹ️ This channel already has subscription ${code(change.subscription.id, 100)} for ${filterText(change.subscription)}: nothing changed.`;
      fallback = change.repaired
        ? `Subscription ${change.subscription.id} is active again`
        : `Already subscribed (subscription ${change.subscription.id}): nothing changed`;
      break;
    case 'unsubscribed':
      text =
        change.target === 'all'
          ? `✅ Removed all ${change.count} subscription${change.count === 1 ? '' : 's'} of ${channelMention(change.channelId)}.`
          : `✅ Removed subscription ${code(change.target, 100)} from ${channelMention(change.channelId)}.`;
      fallback = `Removed ${change.count} subscription${change.count === 1 ? '' : 's'}`;
      break;
    case 'nothing_to_unsubscribe':
      text =
        change.target === 'all'
          ? `ℹ️ ${channelMention(change.channelId)} has no subscriptions: nothing changed.`
          : `⚠️ This channel has no subscription ${code(change.target, 100)} (see \`/cii subscriptions\`): nothing changed.`;
      fallback = 'No such subscription: nothing changed';
      break;
  }
  const blocks: KnownBlock[] = [{ type: 'section', text: mrkdwn(text) }];
  if ((change.kind === 'subscribed' || change.kind === 'already_subscribed') && change.repair) {
    blocks.push({ type: 'section', text: mrkdwn(repairText(change.repair)) });
  }
  if ((change.kind === 'subscribed' || change.kind === 'already_subscribed') && change.backlog) {
    blocks.push(...backlogBlocks(change.subscription, change.backlog));
  }
  return buildMessage(fallback, blocks);
}

function repairText({ waitingFindings }: Repair): string {
  const waited =
    waitingFindings === 0
      ? 'no finding was waiting for it'
      : `the cards of ${waitingFindings} finding${waitingFindings === 1 ? '' : 's'} that waited for it are being posted now, once each`;
  return `🔧 Slack had refused this channel; its subscriptions are active again and ${waited}.`;
}

function backlogBlocks(subscription: SubscriptionSummary, backlog: Backlog): KnownBlock[] {
  const { count, days } = backlog;
  if (count === 0) {
    return [
      { type: 'context', elements: [mrkdwn(`No alert of the last ${days} days matches it that this channel missed.`)] },
    ];
  }
  const alerts = `${count} alert${count === 1 ? '' : 's'}`;
  return [
    {
      type: 'section',
      text: mrkdwn(`📬 ${alerts} of the last ${days} days match this filter and were never posted in this channel.`),
    },
    {
      type: 'actions',
      elements: [
        {
          type: 'button',
          action_id: ACTION_IDS.postBacklog,
          text: plainText('Post them here', LIMITS.buttonText),
          value: subscription.id,
          style: 'primary',
        },
      ],
    },
  ];
}

/** The answer to a **Post them here** click. */
export function backlogPosted(input: { count: number; channelId: string }): SlackMessage {
  const text =
    input.count === 0
      ? `ℹ️ Nothing left to post: ${channelMention(input.channelId)} already has every matching alert.`
      : `📬 Posting ${input.count} alert${input.count === 1 ? '' : 's'} in ${channelMention(input.channelId)}, oldest first, at Slack's pace.`;
  return buildMessage(input.count === 0 ? 'Nothing left to post' : `Posting ${input.count} alerts`, [
    { type: 'section', text: mrkdwn(text) },
  ]);
}
