import type { KnownBlock } from '@slack/types';
import type { IntegrationStatus } from '../../cii/schemas.ts';
import { formatRelative, formatUtc, formatWhen, humanize, labeled, parseDate } from './format.ts';
import {
  buildMessage,
  bulletsWithMore,
  chunkLines,
  clean,
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
  brokenSubscriptions?: number;
}

const SHOWN_INTEGRATIONS = 20;
// Integration status words are not documented: these are the ones older schemas and consoles use.
const HEALTHY = new Set(['HEALTHY', 'OK', 'ACTIVE', 'CONNECTED', 'SUCCESS', 'SYNCED', 'ENABLED', 'RUNNING']);
const FAILING = new Set([
  'ERROR',
  'FAILED',
  'FAILURE',
  'UNHEALTHY',
  'DISCONNECTED',
  'DISABLED',
  'EXPIRED',
  'INVALID',
  'BROKEN',
]);

function integrationMarker(status: string): string {
  const key = status.trim().toUpperCase();
  if (HEALTHY.has(key)) return '✅';
  if (FAILING.has(key)) return '❌';
  return '⚠️';
}

function integrationLine(item: IntegrationStatus, now: Date): string {
  const synced = parseDate(item.lastSyncedAt);
  return [
    `${integrationMarker(item.status)} *${clean(item.name, 80)}*`,
    item.provider && clean(humanize(item.provider), 40),
    clean(humanize(item.status) || 'Unknown', 40),
    synced && `synced ${formatRelative(synced, now)}`,
    item.message && clean(item.message, 150),
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
  const broken = input.brokenSubscriptions;
  const blocks: KnownBlock[] = [
    { type: 'header', text: plainText('CII status', LIMITS.header) },
    {
      type: 'section',
      fields: fieldsOf(
        labeled('CII API', cii),
        labeled('Access token', tokenText(input.token, now)),
        labeled('Last webhook test', input.lastWebhookTest ? formatWhen(input.lastWebhookTest, now) : 'never'),
        broken !== undefined &&
          labeled('Subscriptions', broken > 0 ? `⚠️ ${broken} broken (see \`/cii subscriptions\`)` : '✅ none broken'),
      ),
    },
    ...chunkLines(integrationsText(input.integrations, now).split('\n')).map((text): KnownBlock => ({
      type: 'section',
      text: mrkdwn(text),
    })),
  ];
  const fallback = ping.ok ? `CII status: reachable (${Math.round(ping.latencyMs)} ms)` : 'CII status: unreachable';
  return buildMessage(fallback, blocks);
}
