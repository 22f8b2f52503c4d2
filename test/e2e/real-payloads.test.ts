import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RecordedCall } from '../../sim/slack/fake-slack.ts';
import { webhookFixture } from '../fixtures/cii-webhooks.ts';
import { startStack, type Stack } from '../support/stack.ts';
import { postWebhook } from '../support/webhook.ts';

const fastDelivery = { perChannelIntervalMs: 20, pollIntervalMs: 50, backoff: { baseMs: 50, maxMs: 200 } };

function postsTo(stack: Stack, channel: string): RecordedCall[] {
  return stack.slack
    .callsTo('chat.postMessage')
    .filter((c) => c.args.channel === channel && (c.response as { ok?: boolean } | undefined)?.ok);
}

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('the payload shapes CII is known to send, end to end', () => {
  let stack: Stack;
  const cardsIn = (channel: string) => postsTo(stack, channel).map((c) => JSON.stringify(c.args.blocks));

  beforeAll(async () => {
    stack = await startStack({ app: { delivery: fastDelivery } });
    await stack.driver.command('subscribe severity:medium', { userId: 'UANALYST', channelId: 'C0SECALERT' });
    await stack.driver.command('subscribe severity:high', { userId: 'UANALYST', channelId: 'C0SOC' });
  });
  afterAll(() => stack.stop());

  test('the batched FAILED_CHECK gives one card per user', async () => {
    expect((await postWebhook(stack, JSON.stringify(webhookFixture('failed-check-batched')))).status).toBe(202);
    await until(() => cardsIn('C0SOC').length === 2);
    expect(cardsIn('C0SOC').join()).toContain('hrms.serviceuser');
  });

  test('the single-user FAILED_CHECK shows the trust level, topics and frameworks, with its placeholders filled', async () => {
    stack.slack.reset();
    expect((await postWebhook(stack, JSON.stringify(webhookFixture('failed-check-single-user')))).status).toBe(202);
    await until(() => cardsIn('C0SOC').length === 1);
    const card = cardsIn('C0SOC')[0]!;
    expect(card).toContain('Trust level: *🔴 Untrusted*');
    expect(card).toContain('🔴 Untrusted');
    expect(card).toContain('*Frameworks:* NIST 800-53 IA-2, CIS Control 6.5');
    expect(card).toContain('in the last 30 days');
    // CII knows no such user: the card says so instead of waiting for an answer that will not come.
    expect(card).toContain('CII has no user with this login');
    expect(card).not.toContain('CII did not answer');
    expect(card).not.toContain('{{');
    expect(postsTo(stack, 'C0SOC')[0]!.args.text).toContain('trust level Untrusted');
  });

  test('the console’s WebhookTest is acknowledged and shows in /cii status', async () => {
    expect((await postWebhook(stack, JSON.stringify(webhookFixture('webhook-test')))).status).toBe(200);
    const status = (await stack.driver.command('status', { userId: 'UANALYST', channelId: 'C0SECALERT' })).body;
    expect(status).toContain('2026-07-14 09:12 UTC');
  });

  test('a severity CII may add later is stored as sent, shown as sent and filtered as medium', async () => {
    stack.slack.reset();
    const body = webhookFixture('failed-check-batched');
    body.id = 'envelope-urgent-1';
    Object.assign(body.detail as object, { id: 'finding-urgent-1', severity: 'urgent' });
    expect((await postWebhook(stack, JSON.stringify(body))).status).toBe(202);
    await until(() => cardsIn('C0SECALERT').length === 2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(cardsIn('C0SOC')).toHaveLength(0);
    expect(cardsIn('C0SECALERT')[0]).toContain('❔ urgent');
    expect(stack.logs.filter((l) => l.includes('severity this app does not know'))).toHaveLength(1);
  });
});
