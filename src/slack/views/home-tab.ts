import type { KnownBlock } from '@slack/types';
import { alertSection, type AlertListItem } from './alerts-list.ts';
import { formatWhen } from './format.ts';
import { chunkLines, clean, code, LIMITS, mrkdwn, plainText } from './limits.ts';
import { channelMention } from './links.ts';
import { subscriptionLine, type SubscriptionView } from './subscriptions-list.ts';

/** The health line of `/cii status`, in short. */
export interface HomeHealth {
  cii: { ok: true; latencyMs: number } | { ok: false; error: string };
  lastWebhookTest?: Date;
  pendingDeliveries: number;
  pendingSince?: Date;
  brokenSubscriptions: number;
  unroutedLastDay: number;
}

export interface HomeDecision {
  at: Date;
  action: string;
  outcome: string;
  login?: string;
  channelId?: string;
}

export interface HomeTabInput {
  now: Date;
  health: HomeHealth;
  /** Alerts waiting for a decision, newest first; absent when the viewer may not see them. */
  waiting?: AlertListItem[];
  /** The viewer's own recent decisions, newest first. */
  decisions: HomeDecision[];
  /** Every channel's subscriptions: for admins only. */
  subscriptions?: SubscriptionView[];
}

const SHOWN_WAITING = 15;
const SHOWN_DECISIONS = 10;
const SHOWN_SUBSCRIPTIONS = 100;

function healthLine(h: HomeHealth, now: Date): string {
  return [
    h.cii.ok
      ? `✅ CII reachable (${Math.round(h.cii.latencyMs)} ms)`
      : `❌ CII unreachable: ${clean(h.cii.error, 200)}`,
    `last webhook test ${h.lastWebhookTest ? formatWhen(h.lastWebhookTest, now) : 'never'}`,
    h.pendingDeliveries > 0 && h.pendingSince
      ? `⏳ ${h.pendingDeliveries} waiting for Slack since ${formatWhen(h.pendingSince, now)}`
      : '0 waiting for Slack',
    h.brokenSubscriptions > 0 ? `⚠️ ${h.brokenSubscriptions} broken subscriptions` : 'no broken subscription',
    h.unroutedLastDay > 0 ? `⚠️ ${h.unroutedLastDay} unrouted in 24 h` : '0 unrouted in 24 h',
  ].join(' · ');
}

const header = (text: string): KnownBlock => ({ type: 'header', text: plainText(text, LIMITS.header) });

/** The app's Home tab for one user: health, alerts waiting for a decision, own decisions, subscriptions (admins). */
export function homeTab(input: HomeTabInput): KnownBlock[] {
  const { now } = input;
  const blocks: KnownBlock[] = [
    header('CII'),
    { type: 'context', elements: [mrkdwn(healthLine(input.health, now))] },
    header('Waiting for a decision'),
  ];
  if (!input.waiting) {
    blocks.push({ type: 'section', text: mrkdwn('Only CII responders and admins see the alerts here.') });
  } else if (input.waiting.length === 0) {
    blocks.push({ type: 'section', text: mrkdwn('✅ No alert is waiting for a decision.') });
  } else {
    blocks.push(...input.waiting.slice(0, SHOWN_WAITING).map((a) => alertSection(a, now)));
    if (input.waiting.length > SHOWN_WAITING) {
      blocks.push({
        type: 'context',
        elements: [mrkdwn(`+${input.waiting.length - SHOWN_WAITING} more: \`/cii alerts open\``)],
      });
    }
  }
  blocks.push(header('Your recent decisions'));
  const decisions = input.decisions
    .slice(0, SHOWN_DECISIONS)
    .map((d) =>
      [
        `• ${formatWhen(d.at, now)} — *${clean(d.action, 20)}* → ${clean(d.outcome.replace(/_/g, ' '), 60)}`,
        d.login && code(d.login, 150),
        d.channelId && `in ${channelMention(d.channelId)}`,
      ]
        .filter((p): p is string => !!p)
        .join(' · '),
    );
  blocks.push({ type: 'section', text: mrkdwn(decisions.length > 0 ? decisions.join('\n') : 'None yet.') });
  if (input.subscriptions) {
    blocks.push(header('Subscriptions of every channel'));
    const shown = input.subscriptions.slice(0, SHOWN_SUBSCRIPTIONS).map((s) => subscriptionLine(s, 'all'));
    const hidden = input.subscriptions.length - shown.length;
    const lines = hidden > 0 ? [...shown, `+${hidden} more: \`/cii subscriptions\` in a channel`] : shown;
    const texts =
      lines.length > 0 ? chunkLines(lines) : ['No channel is subscribed: alerts are only kept and counted.'];
    blocks.push(...texts.map((text): KnownBlock => ({ type: 'section', text: mrkdwn(text) })));
  }
  return blocks.slice(0, LIMITS.blocksPerModal);
}
