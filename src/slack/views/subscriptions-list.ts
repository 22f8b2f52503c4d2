import type { KnownBlock } from '@slack/types';
import type { Severity } from '../../alerts/finding.ts';
import { formatRelative, formatWhen, severityBadge } from './format.ts';
import {
  buildMessage,
  chunkLines,
  clean,
  code,
  escapeMrkdwn,
  LIMITS,
  listWithMore,
  mrkdwn,
  plainText,
  type SlackMessage,
} from './limits.ts';
import { ACTION_IDS } from './action-ids.ts';
import { channelMention, userMention } from './links.ts';

export interface SubscriptionView {
  id: string;
  channelId: string;
  /** Empty means every check. */
  checkIds: string[];
  minSeverity: Severity;
  /** Slack user id of whoever subscribed. */
  createdBy: string;
  /** Why alerts can no longer be posted (e.g. the bot was removed from the channel). */
  brokenReason?: string;
}

/** A channel Slack refused, and what waits for its repair. */
export interface BrokenChannelView {
  channelId: string;
  reason: string;
  since: Date;
  waitingFindings: number;
  /** No subscription names the channel (the fallback channel): it is tried again then. */
  retryAt?: Date;
}

export interface SubscriptionsListInput {
  subscriptions: SubscriptionView[];
  /** The listed channels Slack refused, as of `now`. */
  broken?: { now: Date; channels: BrokenChannelView[] };
  /** `channel`: the current channel's subscriptions; `all`: every channel's, with the channel shown. */
  scope: 'channel' | 'all';
  /** How to add and remove one, as raw text. */
  usage: { subscribe: string; unsubscribe: string };
  /** The viewer may add one here: the list offers **Add subscription…**. */
  canAdd?: boolean;
}

const addButton = (canAdd: boolean | undefined): KnownBlock[] =>
  canAdd
    ? [
        {
          type: 'actions',
          elements: [
            {
              type: 'button',
              action_id: ACTION_IDS.subscriptionAdd,
              text: plainText('Add subscription…'),
              style: 'primary',
            },
          ],
        },
      ]
    : [];

const SHOWN_CHECKS = 5;

export function subscriptionLine(sub: SubscriptionView, scope: SubscriptionsListInput['scope']): string {
  const checks =
    sub.checkIds.length === 0 ? 'all checks' : listWithMore(sub.checkIds, SHOWN_CHECKS, (c) => code(c, 100));
  return [
    `• ${code(sub.id, 100)}`,
    checks,
    `${severityBadge(sub.minSeverity)} and above`,
    scope === 'all' && `in ${channelMention(sub.channelId)}`,
    `by ${userMention(sub.createdBy)}`,
    sub.brokenReason !== undefined && `⚠️ broken: ${clean(sub.brokenReason, 300) || 'unknown reason'}`,
  ]
    .filter((p): p is string => !!p)
    .join(' · ');
}

/** `broken since …: N findings waiting`, for the status card and the subscriptions list. */
export function brokenChannelLine(channel: BrokenChannelView, now: Date): string {
  const n = channel.waitingFindings;
  const line = `⚠️ ${channelMention(channel.channelId)} broken since ${formatWhen(channel.since, now)} (${code(channel.reason, 100)}): ${n} finding${n === 1 ? '' : 's'} waiting`;
  if (!channel.retryAt) return line;
  const next =
    channel.retryAt.getTime() - now.getTime() < 45_000 ? 'in a moment' : formatRelative(channel.retryAt, now);
  return `${line}. No subscription names it (the fallback channel): it is tried again ${next}, and its cards are posted once the app is invited there`;
}

function brokenBlocks(input: SubscriptionsListInput): KnownBlock[] {
  const { broken } = input;
  if (!broken || broken.channels.length === 0) return [];
  const lines = broken.channels.map((c) => brokenChannelLine(c, broken.now));
  const repairable = broken.channels.some((c) => !c.retryAt);
  const how = repairable
    ? `Their cards are kept and posted once the channel is repaired: invite the app back (or unarchive the channel) and they go out at once; \`${escapeMrkdwn(input.usage.subscribe)}\` there repairs it too.`
    : 'The cards are kept and posted once the app is invited to the channel (or the channel unarchived).';
  return [
    ...chunkLines(lines).map((text): KnownBlock => ({ type: 'section', text: mrkdwn(text) })),
    { type: 'context', elements: [mrkdwn(how)] },
  ];
}

/** The answer to `/cii subscriptions`. */
export function subscriptionsList(input: SubscriptionsListInput): SlackMessage {
  const { subscriptions, scope, usage } = input;
  const where = scope === 'channel' ? 'in this channel' : 'in any channel';
  if (subscriptions.length === 0) {
    const blocks: KnownBlock[] = [
      {
        type: 'section',
        text: mrkdwn(`No CII alert subscriptions ${where}. Add one with \`${escapeMrkdwn(usage.subscribe)}\`.`),
      },
      // The fallback channel can be refused with no subscription anywhere.
      ...brokenBlocks(input),
    ];
    return buildMessage(`No CII alert subscriptions ${where}`, blocks, addButton(input.canAdd));
  }
  const count = `${subscriptions.length} CII alert subscription${subscriptions.length === 1 ? '' : 's'}`;
  const blocks: KnownBlock[] = [
    {
      type: 'header',
      text: plainText(
        scope === 'channel' ? 'Alert subscriptions in this channel' : 'All alert subscriptions',
        LIMITS.header,
      ),
    },
    ...chunkLines(subscriptions.map((s) => subscriptionLine(s, scope))).map((text): KnownBlock => ({
      type: 'section',
      text: mrkdwn(text),
    })),
    ...brokenBlocks(input),
  ];
  const footer: KnownBlock[] = [
    ...addButton(input.canAdd),
    { type: 'context', elements: [mrkdwn(`Remove one with \`${escapeMrkdwn(usage.unsubscribe)}\``)] },
  ];
  return buildMessage(`${count} ${where}`, blocks, footer);
}
