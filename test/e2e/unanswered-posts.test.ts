import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { seedUsers } from '../../sim/cii/seed.ts';
import { startStack, type Stack } from '../support/stack.ts';
import { until } from '../support/until.ts';
import { registerAppWebhook } from '../support/webhook.ts';

const fastDelivery = { perChannelIntervalMs: 20, pollIntervalMs: 50, backoff: { baseMs: 200, maxMs: 400 } };
const CHANNEL = 'C0SECALERT';

describe('posts whose answer never came, and a token Slack refuses', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ env: { SLACK_TIMEOUT_SECONDS: '1' }, app: { delivery: fastDelivery } });
    await registerAppWebhook(stack, ['no-mfa']);
    await stack.driver.command('subscribe no-mfa', { userId: 'UADMIN', channelId: CHANNEL });
  });
  afterAll(() => stack.stop());

  test('a card Slack took but answered after the client timeout is found by its metadata, not posted twice', async () => {
    stack.slack.script('chat.postMessage', { answerAfterMs: 2_000, times: 2 });
    const logins = seedUsers.slice(0, 2).map((u) => u.login);
    await stack.cii.deliverFailedCheck({ checkId: 'no-mfa', severity: 'high', logins });
    await until(() => stack.slack.callsTo('conversations.history').length >= 2, 'two lookups');
    await new Promise((resolve) => setTimeout(resolve, 2_500));

    const cards = stack.slack.messages(CHANNEL);
    expect(cards).toHaveLength(2);
    const payloads = cards.map((m) => (m.metadata as { event_payload: Record<string, unknown> }).event_payload);
    expect(new Set(payloads.map((p) => p.delivery_id)).size).toBe(2);
    expect(stack.slack.callsTo('chat.postMessage')).toHaveLength(2);
    const lookups = stack.slack.callsTo('conversations.history');
    expect(lookups.every((c) => c.args.channel === CHANNEL && String(c.args.include_all_metadata) === 'true')).toBe(
      true,
    );
    expect(stack.logs.some((l) => l.includes('found in Slack a card whose post was never answered'))).toBe(true);
  });

  test('invalid_auth pauses delivery (status, readiness, metrics) without breaking the subscription', async () => {
    stack.slack.script('chat.postMessage', { error: 'invalid_auth', times: Infinity });
    stack.slack.script('auth.test', { error: 'invalid_auth', times: Infinity });
    const before = stack.slack.messages(CHANNEL).length;
    await stack.cii.deliverFailedCheck({ checkId: 'no-mfa', severity: 'high', logins: [seedUsers[2]!.login] });
    await until(
      () => stack.slack.callsTo('chat.postMessage').some((c) => !(c.response as { ok: boolean }).ok),
      'a refused post',
    );
    await new Promise((resolve) => setTimeout(resolve, 300));

    const status = (await stack.driver.command('status', { userId: 'UADMIN', channelId: CHANNEL })).body;
    expect(status).toContain('paused for every channel');
    expect(status).toContain('invalid_auth');
    const ready = (await (await fetch(`${stack.app.url}/readyz`)).json()) as { details: { delivery: string } };
    expect(ready.details.delivery).toBe('paused: Slack refuses the token (invalid_auth)');
    expect(await (await fetch(stack.app.metricsUrl!)).text()).toMatch(/^cii_slack_delivery_paused 1$/m);
    expect((await stack.driver.command('subscriptions', { userId: 'UADMIN', channelId: CHANNEL })).body).not.toContain(
      'broken',
    );

    stack.slack.clearScripts();
    await until(() => stack.slack.messages(CHANNEL).length === before + 1, 'the card after the pause', 20_000);
    const after = (await (await fetch(`${stack.app.url}/readyz`)).json()) as { details: { delivery: string } };
    expect(after.details.delivery).toBe('running');
  }, 40_000);
});
