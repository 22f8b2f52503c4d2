// No duplicate when Slack posted but its answer never came (a client timeout, or a crash with posts in flight):
// before posting again, the app looks for the card in the channel by its metadata. The app runs as its own process.
// Run alone: npx vitest run test/reliability/duplicates.test.ts
// The Slack client timeout is shortened to 2 s (SLACK_TIMEOUT_SECONDS); RELIABILITY_SLACK_TIMEOUT_SECONDS=10 runs the
// same scenario at the default timeout (how the figures before the fix were measured: that app ignored the setting).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FakeChannel } from '../../sim/slack/fake-slack.ts';
import { startDeliveryWorld, tally, until, type DeliveryWorld } from '../support/delivery-world.ts';

const TIMEOUT_S = Number(process.env.RELIABILITY_SLACK_TIMEOUT_SECONDS ?? 2);
const CHANNELS: FakeChannel[] = [1, 2, 3, 4].map((n) => ({ id: `C0DUP${n}`, name: `dup-${n}` }));

async function subscribeAll(world: DeliveryWorld): Promise<void> {
  for (const { id } of CHANNELS) expect(await world.command('subscribe no-mfa', id)).toContain('now gets');
}

describe('Slack answering after the client gave up', () => {
  let world: DeliveryWorld;

  beforeAll(async () => {
    world = await startDeliveryWorld({ channels: CHANNELS, env: { SLACK_TIMEOUT_SECONDS: String(TIMEOUT_S) } });
    await subscribeAll(world);
  });
  afterAll(() => world.stop());

  test('8 cards posted but answered after the timeout are not posted again', async () => {
    // Every card is posted at once, and its answer comes 2 s after the client stopped waiting.
    world.slack.script('chat.postMessage', { answerAfterMs: (TIMEOUT_S + 2) * 1000, times: 8 });
    const ids = ['late-1', 'late-2'];
    for (const id of ids) await world.finding(id);
    // 2 findings × 4 channels = 8 cards.
    await until(() => tally(world.cardsByFinding(), ids, 4).lost === 0, 60_000);
    // Long enough for the retries of every timed-out post (backoff, then the lookup or a second post).
    await new Promise((resolve) => setTimeout(resolve, (TIMEOUT_S + 8) * 1000));
    const result = tally(world.cardsByFinding(), ids, 4);
    console.log(`late answers: ${result.lost} of 8 lost, ${result.duplicated} of 8 duplicated`);
    expect(result).toEqual({ lost: 0, duplicated: 0, posted: 8 });
    // Each timed-out post was looked for in its channel rather than posted again.
    expect(world.slack.callsTo('conversations.history').length).toBeGreaterThanOrEqual(8);
  }, 120_000);
});

describe('kill -9 with posts in flight, then a restart', () => {
  let world: DeliveryWorld;

  beforeAll(async () => {
    world = await startDeliveryWorld({ channels: CHANNELS });
    await subscribeAll(world);
  });
  afterAll(() => world.stop());

  test('every card is in Slack exactly once after the restart', async () => {
    // Slack takes the first posts but has not answered when the process dies.
    world.slack.script('chat.postMessage', { answerAfterMs: 60_000, times: 4 });
    const ids = ['crash-1', 'crash-2', 'crash-3'];
    for (const id of ids) await world.finding(id);
    await world.slack.waitForCalls('chat.postMessage', 4, 15_000);
    await world.restart();
    world.slack.clearScripts();

    // The posts in flight are leased for 30 s: the restarted app takes them over once the lease ends.
    await until(() => tally(world.cardsByFinding(), ids, 4).lost === 0, 75_000);
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    const result = tally(world.cardsByFinding(), ids, 4);
    console.log(`kill -9: ${result.lost} of 12 lost, ${result.duplicated} duplicated`);
    expect(result).toEqual({ lost: 0, duplicated: 0, posted: 12 });
    expect(world.slack.callsTo('conversations.history').length).toBeGreaterThanOrEqual(4);
  }, 150_000);
});
