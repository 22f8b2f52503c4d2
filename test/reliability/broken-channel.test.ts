// No silent loss on a broken channel: findings that arrive while Slack refuses a channel wait for it and are posted
// once, after the repair; an app-wide refusal (invalid_auth) pauses delivery instead of breaking a subscription.
// The app runs as its own process. Run alone: npx vitest run test/reliability/broken-channel.test.ts
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startDeliveryWorld, tally, until, type DeliveryWorld } from '../support/delivery-world.ts';

const CHANNEL = 'C0SECALERT';
const WHILE_BROKEN = Array.from({ length: 10 }, (_, i) => `broken-${i + 1}`);

describe('a channel Slack refuses, then repaired', () => {
  let world: DeliveryWorld;

  beforeAll(async () => {
    world = await startDeliveryWorld({});
    expect(await world.command('subscribe no-mfa', CHANNEL)).toContain('now gets');
  });
  afterAll(() => world.stop());

  test('10 findings arriving while the channel is broken are all posted once after re-subscribing', async () => {
    // The bot was removed from the channel: Slack refuses the first card.
    world.slack.script('chat.postMessage', { error: 'channel_not_found', channel: CHANNEL });
    await world.finding('trigger');
    await world.slack.waitForCalls('chat.postMessage', 1, 10_000);
    expect(await until(async () => (await world.command('subscriptions', CHANNEL)).includes('broken'), 10_000)).toBe(
      true,
    );

    for (const id of WHILE_BROKEN) await world.finding(id);
    // Time for anything the app would (wrongly) try to post meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const listed = await world.command('subscriptions', CHANNEL);
    expect.soft(listed).toMatch(/broken since .*: 11 findings waiting/);
    expect.soft(await world.command('status', CHANNEL)).toContain('11 findings waiting');
    expect(tally(world.cardsByFinding(), WHILE_BROKEN).posted).toBe(0);

    // Invited back: subscribing again is the repair.
    expect(await world.command('subscribe no-mfa', CHANNEL)).toContain('active again');
    const all = [...WHILE_BROKEN, 'trigger'];
    await until(() => tally(world.cardsByFinding(), all).lost === 0, 30_000);
    // Long enough for a duplicate to show up (the worker paces 1 s per channel and polls every 500 ms).
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const result = tally(world.cardsByFinding(), WHILE_BROKEN);
    console.log(`broken channel: ${result.lost} of 10 lost, ${result.duplicated} duplicated`);
    expect(result).toEqual({ lost: 0, duplicated: 0, posted: 10 });
    expect(tally(world.cardsByFinding(), ['trigger'])).toEqual({ lost: 0, duplicated: 0, posted: 1 });
    expect(await world.command('subscriptions', CHANNEL)).not.toContain('broken');
  }, 90_000);
});

describe('Slack refusing the app itself (invalid_auth), then accepting its token again', () => {
  let world: DeliveryWorld;
  const IDS = Array.from({ length: 10 }, (_, i) => `auth-${i + 1}`);

  beforeAll(async () => {
    world = await startDeliveryWorld({});
    expect(await world.command('subscribe no-mfa', CHANNEL)).toContain('now gets');
  });
  afterAll(() => world.stop());

  test('pauses delivery for every channel, breaks nothing, and posts all 10 once the token works', async () => {
    world.slack.script('chat.postMessage', { error: 'invalid_auth', times: Infinity });
    world.slack.script('auth.test', { error: 'invalid_auth', times: Infinity });
    for (const id of IDS) await world.finding(id);
    await world.slack.waitForCalls('chat.postMessage', 1, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect.soft(await world.command('subscriptions', CHANNEL)).not.toContain('broken');
    expect.soft(await world.command('status', CHANNEL)).toContain('paused');

    world.slack.clearScripts();
    await until(() => tally(world.cardsByFinding(), IDS).lost === 0, 60_000);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const result = tally(world.cardsByFinding(), IDS);
    console.log(`invalid_auth: ${result.lost} of 10 lost, ${result.duplicated} duplicated`);
    expect(result).toEqual({ lost: 0, duplicated: 0, posted: 10 });
    expect(await world.command('subscriptions', CHANNEL)).not.toContain('broken');
    expect(await world.command('status', CHANNEL)).not.toContain('paused');
  }, 120_000);
});
