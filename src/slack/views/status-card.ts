import type { KnownBlock } from '@slack/types';
import type { IntegrationStatus } from './identity.ts';
import { formatRelative, formatUtc, formatWhen, labeled, parseDate } from './format.ts';
import { brokenChannelLine, type BrokenChannelView } from './subscriptions-list.ts';
import {
  buildMessage,
  bulletsWithMore,
  chunkLines,
  clean,
  code,
  fieldsOf,
  LIMITS,
  mrkdwn,
  plainText,
  type SlackMessage,
} from './limits.ts';

export interface StatusCardInput {
  now: Date;
  ping: { ok: true; latencyMs: number } | { ok: false; error: string };
  token?: { obtainedAt: Date; expiresAt: Date };
  integrations: { kind: 'ok'; items: IntegrationStatus[] } | { kind: 'unsupported' } | { kind: 'error'; error: string };
  lastWebhookTest?: Date;
  /** How cards reach Slack: channels Slack refused, and a pause while it refuses the app itself. */
  delivery?: DeliveryHealthView;
  /** The CII URLs in use and where each came from (a variable, or the region preset). */
  endpoints?: CiiEndpointsView;
  /** What became of the alerts of the last 24 hours and 7 days. */
  alerts?: { day: AlertCountsView; week: AlertCountsView };
}

interface DeliveryHealthView {
  brokenChannels: BrokenChannelView[];
  /** Slack refuses the app's token: nothing is posted anywhere until auth.test succeeds again. */
  paused?: { reason: string; since: Date };
}

const SHOWN_BROKEN = 5;

function deliveryFields(delivery: DeliveryHealthView, now: Date): Array<string | undefined> {
  const { brokenChannels, paused } = delivery;
  const broken =
    brokenChannels.length === 0
      ? '✅ none broken'
      : `${bulletsWithMore(brokenChannels, SHOWN_BROKEN, (c) => brokenChannelLine(c, now))}
(see \`/cii subscriptions\`)`;
  const posting = paused
    ? `⏸ paused for every channel since ${formatWhen(paused.since, now)}: Slack refuses the app's token (${code(paused.reason, 60)}). Nothing is lost; it resumes by itself once Slack accepts the token again.`
    : '✅ running';
  return [labeled('Subscriptions', broken), labeled('Posting to Slack', posting)];
}

/** Counts of alerts (one user of one finding) that arrived in a period. */
export interface AlertCountsView {
  arrived: number;
  posted: number;
  pending: number;
  pendingSince?: Date;
  unrouted: number;
  muted: number;
  failed: number;
}

function countsLine(label: string, c: AlertCountsView, now: Date): string {
  return [
    `*${label}:* ${c.arrived} arrived`,
    `${c.posted} posted`,
    c.pending > 0 && c.pendingSince
      ? `⏳ ${c.pending} waiting for Slack since ${formatWhen(c.pendingSince, now)}`
      : '0 waiting for Slack',
    c.unrouted > 0 ? `⚠️ ${c.unrouted} unrouted (\`/cii alerts unrouted\`)` : '0 unrouted',
    c.muted > 0 && `🔇 ${c.muted} muted (\`/cii mutes\`)`,
    c.failed > 0 && `❌ ${c.failed} not posted (\`/cii alerts\`)`,
  ]
    .filter((p): p is string => !!p)
    .join(' · ');
}

function alertsText(alerts: NonNullable<StatusCardInput['alerts']>, now: Date): string {
  return `*Alerts*\n${countsLine('Last 24 hours', alerts.day, now)}\n${countsLine('Last 7 days', alerts.week, now)}`;
}

export interface CiiEndpointsView {
  apiUrl: { url: string; source?: string };
  tokenUrl: { url: string; source?: string };
}

const SHOWN_INTEGRATIONS = 20;
// CII's ActivityResultType; a value added later gets the neutral marker and is still shown as sent.
const STATUS_MARKERS: Record<string, string> = {
  SUCCESS: '✅',
  PARTIAL_SUCCESS: '⚠️',
  FAILURE: '❌',
  TIMEOUT: '❌',
  BLOCKED: '❌',
  STARTED: '🔄',
  INFO: '⚪',
  NONE: '⚪',
};

function integrationLine(item: IntegrationStatus, now: Date): string {
  const status = item.status.trim().toUpperCase();
  const date = parseDate(item.date);
  return [
    `${STATUS_MARKERS[status] ?? '❔'} *${clean(item.integrationName, 80) || clean(item.integrationId, 80)}*`,
    code(status || 'NONE', 40),
    date ? formatWhen(date, now) : clean(item.date, 40),
    item.error && clean(item.error, 150),
  ]
    .filter((p): p is string => !!p)
    .join(' · ');
}

function integrationsText(integrations: StatusCardInput['integrations'], now: Date): string {
  switch (integrations.kind) {
    case 'ok':
      return integrations.items.length > 0
        ? `*Integrations:*\n${bulletsWithMore(integrations.items, SHOWN_INTEGRATIONS, (i) => integrationLine(i, now))}`
        : '*Integrations:* CII reports none.';
    case 'unsupported':
      return '*Integrations:* ⚪ this CII tenant’s API does not report integration health.';
    case 'error':
      return `*Integrations:* ❌ could not be read: ${clean(integrations.error, 300)}`;
  }
}

function endpointLine(label: string, endpoint: { url: string; source?: string }): string {
  const source = endpoint.source?.trim();
  const preset = source?.startsWith('CII_REGION') ? ', an unverified default' : '';
  return `${label}: ${clean(endpoint.url, 200)}${source ? ` (from ${clean(source, 60)}${preset})` : ''}`;
}

function tokenText(token: StatusCardInput['token'], now: Date): string {
  if (!token) return '⚪ none yet';
  const obtained = `obtained ${formatRelative(token.obtainedAt, now)}`;
  if (token.expiresAt.getTime() <= now.getTime())
    return `⚠️ expired ${formatRelative(token.expiresAt, now)} (${obtained})`;
  return `✅ ${obtained}, expires ${formatRelative(token.expiresAt, now)} (${formatUtc(token.expiresAt)})`;
}

/** The answer to `/cii status`: is CII reachable, is the app's token fresh, are integrations healthy. */
export function statusCard(input: StatusCardInput): SlackMessage {
  const { ping, now } = input;
  const cii = ping.ok ? `✅ Reachable (${Math.round(ping.latencyMs)} ms)` : `❌ Unreachable: ${clean(ping.error, 300)}`;
  const blocks: KnownBlock[] = [
    { type: 'header', text: plainText('CII status', LIMITS.header) },
    {
      type: 'section',
      fields: fieldsOf(
        labeled('CII API', cii),
        labeled('Access token', tokenText(input.token, now)),
        labeled('Last webhook test', input.lastWebhookTest ? formatWhen(input.lastWebhookTest, now) : 'never'),
        ...(input.delivery ? deliveryFields(input.delivery, now) : []),
      ),
    },
    ...(input.endpoints
      ? [
          {
            type: 'context',
            elements: [
              mrkdwn(
                `${endpointLine('API URL', input.endpoints.apiUrl)}\n${endpointLine('Token URL', input.endpoints.tokenUrl)}`,
              ),
            ],
          } satisfies KnownBlock,
        ]
      : []),
    ...(input.alerts ? [{ type: 'section', text: mrkdwn(alertsText(input.alerts, now)) } satisfies KnownBlock] : []),
    ...chunkLines(integrationsText(input.integrations, now).split('\n')).map((text): KnownBlock => ({
      type: 'section',
      text: mrkdwn(text),
    })),
  ];
  const fallback = ping.ok ? `CII status: reachable (${Math.round(ping.latencyMs)} ms)` : 'CII status: unreachable';
  return buildMessage(fallback, blocks);
}
