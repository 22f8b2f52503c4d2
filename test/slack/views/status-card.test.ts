import { describe, expect, it } from 'vitest';
import { statusCard, type StatusCardInput } from '../../../src/slack/views/status-card.ts';
import { allText, limitViolations } from './slack-limits.ts';

const NOW = new Date('2026-11-24T16:30:00Z');
const min = (m: number) => new Date(NOW.getTime() + m * 60_000);

const healthy: StatusCardInput = {
  now: NOW,
  ping: { ok: true, latencyMs: 123.4 },
  token: { obtainedAt: min(-5), expiresAt: min(55) },
  integrations: {
    kind: 'ok',
    items: [
      { integrationId: 'i-1', integrationName: 'Okta production', status: 'SUCCESS', date: '2026-11-24T14:30:00Z' },
      {
        integrationId: 'i-2',
        integrationName: 'Duo',
        status: 'FAILURE',
        date: '2026-11-24T16:00:00Z',
        error: 'Invalid integration key',
      },
      { integrationId: 'i-3', integrationName: 'Workday', status: 'PARTIAL_SUCCESS', date: '2026-11-23T16:30:00Z' },
      { integrationId: 'i-4', integrationName: 'Entra ID', status: 'RETRYING', date: 'not a date' },
    ],
  },
  lastWebhookTest: min(-3 * 24 * 60),
  delivery: { brokenChannels: [] },
};

describe('statusCard', () => {
  it('shows CII reachable with latency, token age and expiry, and webhook test time', () => {
    const message = statusCard(healthy);
    const text = allText(message);
    expect(text).toContain('✅ Reachable (123 ms)');
    expect(text).toContain('obtained 5 minutes ago, expires in 55 minutes (2026-11-24 17:25 UTC)');
    expect(text).toContain('*Last webhook test*\n3 days ago · 2026-11-21 16:30 UTC');
    expect(text).toContain('✅ none broken');
    expect(message.text).toBe('CII status: reachable (123 ms)');
  });

  it('shows each integration’s name, status word and date, with the error when there is one', () => {
    const text = allText(statusCard(healthy));
    expect(text).toContain('• ✅ *Okta production* · `SUCCESS` · 2 hours ago · 2026-11-24 14:30 UTC');
    expect(text).toContain('• ❌ *Duo* · `FAILURE` · 30 minutes ago · 2026-11-24 16:00 UTC · Invalid integration key');
    expect(text).toContain('• ⚠️ *Workday* · `PARTIAL_SUCCESS` · 1 day ago');
    expect(text).toContain('• ❔ *Entra ID* · `RETRYING` · not a date');
  });

  it('says where each CII URL came from, flagging a region preset as unverified', () => {
    const text = allText(
      statusCard({
        ...healthy,
        endpoints: {
          apiUrl: { url: 'https://api.eu.oort.io/graphql', source: 'CII_REGION preset (eu)' },
          tokenUrl: { url: 'https://login.oort.io/oauth/token', source: 'CII_CREDENTIALS' },
        },
      }),
    );
    expect(text).toContain(
      'API URL: https://api.eu.oort.io/graphql (from CII_REGION preset (eu), an unverified default)',
    );
    expect(text).toContain('Token URL: https://login.oort.io/oauth/token (from CII_CREDENTIALS)');
  });

  it('reports CII unreachable, no token, a never-tested webhook, broken channels with their waiting findings and a paused delivery', () => {
    const message = statusCard({
      now: NOW,
      ping: { ok: false, error: 'connect ECONNREFUSED <internal>' },
      integrations: { kind: 'error', error: 'timeout' },
      delivery: {
        brokenChannels: [
          { channelId: 'C0SOC', reason: 'not_in_channel', since: min(-30), waitingFindings: 11 },
          { channelId: 'C0OLD', reason: 'is_archived', since: min(-90), waitingFindings: 1 },
        ],
        paused: { reason: 'invalid_auth', since: min(-5) },
      },
    });
    const text = allText(message);
    expect(text).toContain('❌ Unreachable: connect ECONNREFUSED &lt;internal&gt;');
    expect(text).toContain('none yet');
    expect(text).toContain('*Last webhook test*\nnever');
    expect(text).toContain('⚠️ <#C0SOC> broken since 30 minutes ago');
    expect(text).toContain('(`not_in_channel`): 11 findings waiting');
    expect(text).toContain('(`is_archived`): 1 finding waiting');
    expect(text).toMatch(/⏸ paused for every channel since 5 minutes ago.*\(`invalid_auth`\)/);
    expect(text).toContain('could not be read: timeout');
    expect(message.text).toBe('CII status: unreachable');
    expect(text).not.toMatch(/undefined|null|NaN/);
  });

  it('says when the token has expired', () => {
    expect(allText(statusCard({ ...healthy, token: { obtainedAt: min(-70), expiresAt: min(-10) } }))).toContain(
      '⚠️ expired 10 minutes ago',
    );
  });

  it('says when the tenant does not report integration health, and omits unknown subscription health', () => {
    const text = allText(
      statusCard({ now: NOW, ping: { ok: true, latencyMs: 5 }, integrations: { kind: 'unsupported' } }),
    );
    expect(text).toContain('does not report integration health');
    expect(text).not.toContain('Subscriptions');
  });

  it('stays within every Slack limit with hundreds of integrations and long errors', () => {
    const long = 'e'.repeat(10_000);
    const items = Array.from({ length: 300 }, (_, i) => ({
      integrationId: long,
      integrationName: `${long}${i}`,
      status: long,
      date: long,
      error: long,
    }));
    const message = statusCard({ ...healthy, ping: { ok: false, error: long }, integrations: { kind: 'ok', items } });
    expect(limitViolations(message)).toEqual([]);
    expect(allText(message)).toContain('+280 more');
  });
});
