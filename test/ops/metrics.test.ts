import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  CACHE_RESULTS,
  CII_OPERATIONS,
  CII_OUTCOMES,
  DECISION_ACTIONS,
  DECISION_OUTCOMES,
  POST_OUTCOMES,
  PROVIDER_OUTCOMES,
  PROVIDERS,
  WEBHOOK_OUTCOMES,
} from '../../src/metrics/metrics.ts';
import type { RecordedCall } from '../../sim/slack/fake-slack.ts';
import { startStack, type Stack } from '../support/stack.ts';
import { postWebhook, registerAppWebhook } from '../support/webhook.ts';
import { until } from '../support/until.ts';

const CHANNEL = 'C0SECALERT';
const ALLOWED_LABELS: Record<string, readonly string[]> = {
  outcome: [...WEBHOOK_OUTCOMES, ...POST_OUTCOMES, ...DECISION_OUTCOMES, ...PROVIDER_OUTCOMES, ...CII_OUTCOMES],
  action: DECISION_ACTIONS,
  provider: PROVIDERS,
  operation: CII_OPERATIONS,
  result: CACHE_RESULTS,
  state: ['open', 'in_progress', 'approved', 'blocked', 'failed', 'unblocked'],
};

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parse(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!m) throw new Error(`not a Prometheus sample: ${line}`);
      const labels = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1]!, l[2]!]));
      return { name: m[1]!, labels, value: Number(m[3]) };
    });
}

describe('metrics after a scripted run', () => {
  let stack: Stack;
  let samples: Sample[];
  const value = (name: string, labels: Record<string, string> = {}) =>
    samples
      .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
      .reduce((sum, s) => sum + s.value, 0);

  beforeAll(async () => {
    stack = await startStack({
      idp: { autoCreateUsers: true },
      env: { CII_RESPONDERS: 'UADMIN', CII_ADMINS: 'UADMIN' },
      app: {
        delivery: { perChannelIntervalMs: 20, pollIntervalMs: 50, backoff: { baseMs: 50, maxMs: 100 } },
        cii: { retryBaseMs: 10, retryMaxMs: 50, maxRetries: 1 },
      },
    });
    await registerAppWebhook(stack, ['no-mfa']);
    await stack.driver.command('subscribe no-mfa', { userId: 'UADMIN', channelId: CHANNEL });

    // One finding, two users: two cards, the first answered 429 once (then posted on the retry).
    stack.slack.script('chat.postMessage', { status: 429, retryAfterSeconds: 0, channel: CHANNEL });
    const logins = ['grace.kim@example.com', 'ethan.brooks@example.com'];
    await stack.cii.deliverFailedCheck({ checkId: 'no-mfa', severity: 'high', logins });
    const cards = () =>
      stack.slack
        .callsTo('chat.postMessage')
        .filter((c) => (c.response as { ok?: boolean }).ok && c.args.metadata !== undefined);
    await until(() => cards().length === 2, 'two cards');
    // A webhook with a wrong secret.
    expect(
      (await postWebhook(stack, '{}', { 'content-type': 'application/json', 'x-api-client-token': 'no' })).status,
    ).toBe(401);
    // The same lookup twice: CII once, then the cache.
    for (let i = 0; i < 2; i++)
      await stack.driver.command('user priya.raman@example.com', { userId: 'UANALYST', channelId: CHANNEL });
    // Approve one card, Block the other (every provider the user has an account at), each through its modal.
    const decide = async (card: RecordedCall, actionId: string, method: 'views.open' | 'views.update') => {
      const before = stack.slack.callsTo(method).length;
      await stack.driver.click({ message: card, actionId, userId: 'UADMIN', channelId: CHANNEL });
      const shown = (await stack.slack.waitForCalls(method, before + 1)).at(-1)!;
      await stack.driver.submitView({ userId: 'UADMIN', view: shown, values: {} });
    };
    const [first, second] = cards();
    await decide(first!, 'alert_approve', 'views.open');
    // Block's modal opens loading; the preview replaces it (views.update) before it can be submitted.
    await decide(second!, 'alert_block', 'views.update');
    // The Block finishes after its click is answered: read the metrics until it is counted.
    const deadline = Date.now() + 10_000;
    do {
      const res = await fetch(stack.app.metricsUrl!);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      samples = parse(await res.text());
    } while (value('cii_slack_decisions_total', { action: 'block' }) === 0 && Date.now() < deadline);
  }, 30_000);
  afterAll(() => stack?.stop());

  test('counts webhooks by outcome and the findings they brought', () => {
    expect(value('cii_slack_webhook_requests_total', { outcome: 'accepted' })).toBe(1);
    expect(value('cii_slack_webhook_requests_total', { outcome: 'unauthorized' })).toBe(1);
    expect(value('cii_slack_findings_ingested_total')).toBe(1);
  });

  test('counts posts by outcome, the 429 and its retry, and reads the outbox and alerts from the database', () => {
    expect(value('cii_slack_slack_posts_total', { outcome: 'posted' })).toBe(2);
    expect(value('cii_slack_slack_posts_total', { outcome: 'rate_limited' })).toBe(1);
    expect(value('cii_slack_slack_post_retries_total')).toBe(1);
    expect(value('cii_slack_outbox_pending')).toBe(0);
    expect(value('cii_slack_outbox_oldest_pending_age_seconds')).toBe(0);
    expect(value('cii_slack_alerts', { state: 'approved' })).toBe(1);
    expect(value('cii_slack_alerts', { state: 'blocked' })).toBe(1);
    expect(value('cii_slack_alerts', { state: 'open' })).toBe(0);
    expect(value('cii_slack_broken_subscriptions')).toBe(0);
    expect(value('cii_slack_outbox_waiting_broken_channel')).toBe(0);
    expect(value('cii_slack_delivery_paused')).toBe(0);
  });

  test('counts decisions, provider calls with their latency, CII calls with theirs, and cache hits', () => {
    expect(value('cii_slack_decisions_total', { action: 'approve', outcome: 'done' })).toBe(1);
    expect(value('cii_slack_decisions_total', { action: 'block', outcome: 'done' })).toBe(1);
    const providerCalls = value('cii_slack_provider_calls_total', { outcome: 'ok' });
    expect(providerCalls).toBeGreaterThan(0);
    expect(value('cii_slack_provider_call_duration_seconds_count')).toBe(providerCalls);
    expect(value('cii_slack_cii_calls_total', { operation: 'getEndUser', outcome: 'ok' })).toBe(
      stack.cii.graphqlCalls('getEndUser').length,
    );
    expect(value('cii_slack_cii_call_duration_seconds_count', { operation: 'getEndUser' })).toBe(
      value('cii_slack_cii_calls_total', { operation: 'getEndUser' }),
    );
    expect(value('cii_slack_lookup_cache_total', { result: 'hit' })).toBeGreaterThanOrEqual(1);
    expect(value('cii_slack_lookup_cache_total', { result: 'miss' })).toBeGreaterThanOrEqual(1);
  });

  test('includes the process metrics, and every label value comes from a fixed set', () => {
    expect(value('process_cpu_seconds_total')).toBeGreaterThan(0);
    expect(value('nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    for (const s of samples.filter((x) => x.name.startsWith('cii_slack_'))) {
      for (const [label, v] of Object.entries(s.labels)) {
        if (label === 'le') continue;
        expect(ALLOWED_LABELS[label], `${s.name}{${label}}`).toContain(v);
      }
    }
  });

  test('serves metrics on their own port only', async () => {
    expect(new URL(stack.app.metricsUrl!).port).not.toBe(new URL(stack.app.url).port);
    expect((await fetch(`${stack.app.url}/metrics`)).status).toBe(404);
    expect((await fetch(stack.app.metricsUrl!.replace('/metrics', '/other'))).status).toBe(404);
  });
});
