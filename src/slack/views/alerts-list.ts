import type { KnownBlock } from '@slack/types';
import type { Severity } from '../../alerts/finding.ts';
import { formatWhen, severityBadge } from './format.ts';
import { buildMessage, clean, code, LIMITS, mrkdwn, type SlackMessage } from './limits.ts';
import { channelMention, mrkdwnLink } from './links.ts';

/** One card of an alert in one channel. */
export interface AlertCopyView {
  channelId: string;
  state: 'pending' | 'sent' | 'failed';
  /** The link to the posted card. */
  link?: string;
  /** When the card was queued. */
  since: Date;
  lastError?: string;
  /** Pending in a channel Slack refused: why; the card waits for the repair. */
  channelBroken?: string;
}

export interface AlertListItem {
  severity: Severity;
  severityLabel: string;
  title: string;
  checkId: string;
  login: string;
  displayName?: string;
  /** The decision state (`open`, `approved`, `blocked`, …). */
  state: string;
  routing: 'routed' | 'unrouted' | 'muted';
  arrivedAt: Date;
  copies: AlertCopyView[];
}

export interface AlertsListInput {
  now: Date;
  only?: 'open' | 'pending' | 'unrouted';
  login?: string;
  alerts: AlertListItem[];
}

function copyText(copy: AlertCopyView, now: Date): string {
  const where = channelMention(copy.channelId);
  switch (copy.state) {
    case 'sent':
      return `✅ posted in ${where}${copy.link ? ` (${mrkdwnLink(copy.link, 'card')})` : ''}`;
    case 'pending':
      if (copy.channelBroken !== undefined) {
        return `⏸ waiting in ${where}: channel broken (${clean(copy.channelBroken, 100)}), posted once it is repaired`;
      }
      return `⏳ waiting for Slack in ${where} since ${formatWhen(copy.since, now)}${copy.lastError ? ` (${clean(copy.lastError, 100)})` : ''}`;
    case 'failed':
      return `❌ not posted in ${where}: ${clean(copy.lastError, 150) || 'channel broken'}`;
  }
}

function whereText(alert: AlertListItem, now: Date): string {
  const copies = alert.copies.map((c) => copyText(c, now));
  if (alert.routing === 'muted') copies.unshift('🔇 muted: not posted');
  if (alert.routing === 'unrouted') {
    copies.unshift(
      alert.copies.length > 0
        ? '⚠️ unrouted: no subscription matched, sent to the fallback channel'
        : '⚠️ unrouted: no subscription matched (subscribe a channel, then *Post them here*)',
    );
  }
  return copies.length > 0 ? copies.join('\n') : 'no card';
}

export function alertSection(alert: AlertListItem, now: Date): KnownBlock {
  const user = alert.displayName
    ? `${clean(alert.displayName, 80)} (${code(alert.login, 150)})`
    : code(alert.login, 150);
  const head = [
    severityBadge(alert.severity, alert.severityLabel),
    `*${clean(alert.title, 150)}* (${code(alert.checkId, 80)})`,
    user,
    clean(alert.state.replace(/_/g, ' '), 20),
    `arrived ${formatWhen(alert.arrivedAt, now)}`,
  ].join(' · ');
  return { type: 'section', text: mrkdwn(`${head}\n${whereText(alert, now)}`, LIMITS.sectionText) };
}

const WHICH: Record<NonNullable<AlertsListInput['only']>, string> = {
  open: 'waiting for a decision',
  pending: 'waiting to be posted',
  unrouted: 'unrouted',
};

/** `/cii alerts [open|pending|unrouted] [<login>]`: recent alerts, newest first, with where each card went. */
export function alertsList(input: AlertsListInput): SlackMessage {
  const which = input.only ? ` ${WHICH[input.only]}` : '';
  const about = input.login ? ` about ${code(input.login, 200)}` : '';
  if (input.alerts.length === 0) {
    return buildMessage(`No recent alerts${which}`, [
      { type: 'section', text: mrkdwn(`No recent alerts${which}${about}.`) },
    ]);
  }
  const blocks: KnownBlock[] = [
    { type: 'section', text: mrkdwn(`*Recent alerts${which}${about}* (newest first)`) },
    ...input.alerts.slice(0, LIMITS.blocksPerMessage - 1).map((a) => alertSection(a, input.now)),
  ];
  return buildMessage(`${input.alerts.length} recent alerts${which}`, blocks);
}
