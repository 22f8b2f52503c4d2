import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../../src/logger.ts';
import { createAlertIngest } from '../../../src/services/alerts/ingest.ts';
import type { CardRenderer } from '../../../src/services/delivery/compose.ts';
import { SlackPostError, type SlackPoster } from '../../../src/services/delivery/poster.ts';
import {
  createDeliveryWorker,
  type DeliveryWorker,
  type DeliveryWorkerDeps,
} from '../../../src/services/delivery/worker.ts';
import { createSubscriptionService } from '../../../src/services/subscriptions.ts';
import type { UserContext } from '../../../src/services/user-context.ts';
import type { InspectableStore } from '../../../src/store/types.ts';
import { finding, tempDatabase, userLogins } from '../alerts/fixtures.ts';

type Message = Parameters<SlackPoster['post']>[0];
interface Post {
  at: number;
  message: Message;
  ts: string;
}

const T0 = Date.UTC(2026, 0, 5, 9);

/** What the fake Slack does on a call: `lost` posts but its answer never comes (a timeout after Slack took it). */
type Outcome = Error | 'lost' | undefined;

/**
 * Records every call; `fail` decides per call whether (and how) it throws; `access` answers auth.test; `find`
 * answers a look for an earlier post (by default, like Slack: among the posts, by delivery id).
 */
function recordingPoster(
  fail: (message: Message, call: number) => Outcome = () => undefined,
  access: () => Error | undefined = () => undefined,
  find: (call: number) => Error | undefined = () => undefined,
) {
  const calls: Array<{ at: number; message: Message }> = [];
  const posts: Post[] = [];
  const accessChecks: number[] = [];
  const finds: Array<{ at: number; since: number; deliveryId: unknown }> = [];
  const poster: SlackPoster = {
    checkAccess() {
      accessChecks.push(Date.now());
      const error = access();
      return error ? Promise.reject(error) : Promise.resolve();
    },
    findPosted({ channel, since, metadata }) {
      finds.push({ at: Date.now(), since, deliveryId: metadata.event_payload.delivery_id });
      const error = find(finds.length);
      if (error) return Promise.reject(error);
      const posted = posts.find(
        (p) =>
          p.message.channel === channel &&
          p.at >= since &&
          p.message.metadata?.event_payload.delivery_id === metadata.event_payload.delivery_id,
      );
      return Promise.resolve(posted && { ts: posted.ts });
    },
    post(message) {
      calls.push({ at: Date.now(), message });
      const outcome = fail(message, calls.length);
      if (outcome instanceof Error) return Promise.reject(outcome);
      const ts = `${Math.floor(Date.now() / 1000)}.${String(calls.length).padStart(6, '0')}`;
      posts.push({ at: Date.now(), message, ts });
      if (outcome === 'lost') return Promise.reject(new SlackPostError('timeout', { kind: 'transient' }));
      return Promise.resolve({ ts });
    },
  };
  return { poster, calls, posts, accessChecks, finds };
}

const noAccessCheck = { checkAccess: () => Promise.resolve(), findPosted: () => Promise.resolve(undefined) };

const render: CardRenderer = {
  alert: (alert, options) => ({
    text: `alert ${alert.login} ${alert.displayName ?? '-'}${options?.contextUnavailable ? ' (no CII context)' : ''}`,
    blocks: [{ type: 'section' }],
  }),
  summary: (s) => ({
    text: `summary ${s.checkId} ${s.users.length}: ${s.users.map((u) => u.name).join(',')}`,
    blocks: [{ type: 'header' }],
  }),
  refused: (c) => ({ text: `refused ${c.reason} ${c.checkId} ${c.logins.join(',')}`, blocks: [{ type: 'section' }] }),
};

/** What CII answers about a user, reduced to a name and a link. */
function contextFor(login: string, displayName: string, referenceUrl = 'https://cii.example/u'): UserContext {
  return {
    user: {
      endUserDetails: { id: login, login, displayName, status: 'ACTIVE', referenceUrl },
      providerEndUserDetails: [],
    },
    fetchedAt: T0,
  };
}

const alertIdOf = (m: Message) => m.metadata?.event_payload.alert_id;

async function advanceUntil(done: () => boolean | Promise<boolean>, maxMs = 120_000, stepMs = 50): Promise<void> {
  for (let waited = 0; !(await done()); waited += stepMs) {
    if (waited > maxMs) throw new Error(`condition not met after ${maxMs} ms of simulated time`);
    await vi.advanceTimersByTimeAsync(stepMs);
  }
}

describe('delivery worker', () => {
  let db: Awaited<ReturnType<typeof tempDatabase>>;
  let store: InspectableStore;
  const workers: DeliveryWorker[] = [];

  beforeEach(async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: T0 });
    db = await tempDatabase();
    store = await db.open();
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop()));
    vi.useRealTimers();
    await db.cleanup();
  });

  async function setup(
    channels: Array<{ id: string; checkIds?: string[]; minSeverity?: 'low' | 'high' }>,
    s: InspectableStore = store,
  ) {
    const subscriptions = createSubscriptionService({ store: s });
    const ids: Record<string, number> = {};
    for (const c of channels) {
      const r = await subscriptions.subscribe({
        channelId: c.id,
        checkIds: c.checkIds ?? [],
        minSeverity: c.minSeverity ?? 'low',
        userId: 'U1',
      });
      ids[c.id] = r.created ? r.subscription.id : r.existing.id;
    }
    const ingest = createAlertIngest({ store: s, subscriptions, logger: silentLogger });
    return { subscriptions, ingest, ids };
  }

  function startWorker(
    deps: Partial<DeliveryWorkerDeps> & Pick<DeliveryWorkerDeps, 'poster'>,
    s: InspectableStore = store,
  ): DeliveryWorker {
    const worker = createDeliveryWorker({
      store: s,
      render,
      logger: silentLogger,
      pollIntervalMs: 200,
      backoff: { baseMs: 1_000, maxMs: 60_000 },
      random: () => 1,
      ...deps,
    });
    workers.push(worker);
    worker.start();
    return worker;
  }

  it('posts each card once to the routed channels and records its ts', async () => {
    const { ingest } = await setup([
      { id: 'C-mfa', checkIds: ['no-mfa'] },
      { id: 'C-high', minSeverity: 'high' },
      { id: 'C-travel', checkIds: ['impossible-travel'] },
    ]);
    await ingest.ingest(finding({ checkId: 'no-mfa', severity: 'high', logins: ['a@example.com', 'b@example.com'] }));
    await ingest.ingest(finding({ checkId: 'inactive-users', severity: 'low', logins: ['c@example.com'] }));
    const slack = recordingPoster();
    startWorker({ poster: slack.poster });
    await advanceUntil(() => slack.posts.length === 4);
    await vi.advanceTimersByTimeAsync(5_000);

    expect(slack.posts.map((p) => `${p.message.channel} ${p.message.text}`).sort()).toEqual([
      'C-high alert a@example.com -',
      'C-high alert b@example.com -',
      'C-mfa alert a@example.com -',
      'C-mfa alert b@example.com -',
    ]);
    const sent = await store.listDeliveries({ state: 'sent' });
    expect(sent.map((d) => d.postedTs).sort()).toEqual(slack.posts.map((p) => p.ts).sort());
    expect(await store.listDeliveries({ state: 'pending' })).toEqual([]);
  });

  it('turns a burst of webhook kicks into a few claims, not one claim per kick', async () => {
    const { ingest } = await setup([{ id: 'C1' }]);
    let claims = 0;
    const counted: InspectableStore = {
      ...store,
      claimDueDeliveries: (o) => ((claims += 1), store.claimDueDeliveries(o)),
    };
    const worker = startWorker({ poster: recordingPoster().poster, pollIntervalMs: 10_000 }, counted);
    await vi.advanceTimersByTimeAsync(10);
    const before = claims;
    for (let i = 0; i < 100; i++) {
      await ingest.ingest(finding({ logins: [`u${i}@example.com`] }));
      worker.kick();
      await vi.advanceTimersByTimeAsync(1);
    }
    // 100 kicks over ~100 ms of simulated time: one claim per 25 ms at most.
    expect(claims - before).toBeLessThanOrEqual(6);
    expect(claims - before).toBeGreaterThan(0);
  });

  it('paces a channel from when Slack took the previous post, not from when it was claimed', async () => {
    const { ingest } = await setup([{ id: 'C1' }]);
    await ingest.ingest(finding({ logins: userLogins(3) }));
    const slow: SlackPoster = {
      ...noAccessCheck,
      async post(message) {
        await new Promise((r) => setTimeout(r, 400));
        return slack.poster.post(message);
      },
    };
    const slack = recordingPoster();
    startWorker({ poster: slow });
    await advanceUntil(() => slack.posts.length === 3);
    const gaps = slack.posts.slice(1).map((p, i) => p.at - slack.posts[i]!.at);
    // Each post takes 400 ms to be accepted; the next one starts at least 1 s after acceptance.
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(1_400);
  });

  it('posts a summary first and then every user card in its thread', async () => {
    const { ingest } = await setup([{ id: 'C1' }]);
    await ingest.ingest(finding({ logins: userLogins(30) }));
    const slack = recordingPoster();
    startWorker({ poster: slack.poster });
    await advanceUntil(() => slack.posts.length === 31);

    const [summary, ...cards] = slack.posts;
    expect(summary?.message.text).toBe(`summary no-mfa 30: ${userLogins(30).join(',')}`);
    expect(summary?.message.threadTs).toBeUndefined();
    expect(cards).toHaveLength(30);
    expect(cards.every((c) => c.message.threadTs === summary?.ts)).toBe(true);
    expect(cards.map((c) => c.message.text)).toEqual(userLogins(30).map((l) => `alert ${l} -`));
  });

  it('runs the after-post step once per card, after the card is recorded as sent', async () => {
    const { ingest } = await setup([{ id: 'C1' }]);
    await ingest.ingest(finding({ logins: userLogins(2) }));
    const seen: string[] = [];
    const slack = recordingPoster();
    startWorker({
      poster: slack.poster,
      afterPost: async (claimed) => {
        seen.push(`${claimed.kind}:${(await store.getDelivery(claimed.delivery.id))?.state}`);
      },
    });
    await advanceUntil(() => seen.length === 2);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(seen).toEqual(['alert:sent', 'alert:sent']);
  });

  it('names the first users of a summary card from the enrichment, and counts the rest', async () => {
    const { ingest } = await setup([{ id: 'C1' }]);
    await ingest.ingest(finding({ logins: userLogins(12) }));
    const slack = recordingPoster();
    startWorker({ poster: slack.poster, enrich: (login) => Promise.resolve(contextFor(login, `Name of ${login}`)) });
    await advanceUntil(() => slack.posts.length >= 1);
    const names = userLogins(12).map((l, i) => (i < 10 ? `Name of ${l}` : l));
    expect(slack.posts[0]?.message.text).toBe(`summary no-mfa 12: ${names.join(',')}`);
  });

  it('waits at least Retry-After before posting to a rate-limited channel again', async () => {
    const { ingest } = await setup([{ id: 'C1' }]);
    await ingest.ingest(finding());
    const slack = recordingPoster((_, call) =>
      call === 1 ? new SlackPostError('ratelimited', { kind: 'rate_limited', retryAfterMs: 2_000 }) : undefined,
    );
    startWorker({ poster: slack.poster });
    await advanceUntil(() => slack.posts.length === 1);

    expect(slack.calls).toHaveLength(2);
    expect(slack.calls[1]!.at - slack.calls[0]!.at).toBeGreaterThanOrEqual(2_000);
    expect((await store.listDeliveries())[0]).toMatchObject({ state: 'sent', attempts: 2 });
  });

  const refused = (code: string, scope: 'message' | 'channel' | 'app') =>
    new SlackPostError(code, { kind: 'permanent', code, scope });

  it('keeps the cards of a channel Slack refuses waiting, breaks its subscriptions, and posts them once repaired', async () => {
    const { ingest, subscriptions } = await setup([{ id: 'C-gone' }, { id: 'C-ok' }]);
    // A second subscription of the same channel breaks with it.
    await subscriptions.subscribe({ channelId: 'C-gone', checkIds: ['no-mfa'], minSeverity: 'high', userId: 'U1' });
    await ingest.ingest(finding());
    let gone = true;
    const slack = recordingPoster((m) =>
      gone && m.channel === 'C-gone' ? refused('channel_not_found', 'channel') : undefined,
    );
    startWorker({ poster: slack.poster });
    await advanceUntil(() => slack.posts.length === 1);
    for (let i = 0; i < 3; i++) await ingest.ingest(finding({ logins: [`later${i}@example.com`] }));
    await vi.advanceTimersByTimeAsync(60_000);

    // One refusal, no retry, nothing given up: 4 cards wait in the channel, the other channel got its 4.
    expect(slack.calls.filter((c) => c.message.channel === 'C-gone')).toHaveLength(1);
    expect(slack.posts.filter((p) => p.message.channel === 'C-ok')).toHaveLength(4);
    const waiting = await store.listDeliveries({ channelId: 'C-gone' });
    expect(waiting.map((d) => d.state)).toEqual(['pending', 'pending', 'pending', 'pending']);
    expect(waiting[0]).toMatchObject({ lastError: 'channel_not_found' });
    expect((await subscriptions.list({ channelId: 'C-gone' })).map((s) => s.brokenReason)).toEqual([
      'channel_not_found',
      'channel_not_found',
    ]);
    expect(await subscriptions.brokenChannels()).toEqual([
      { channelId: 'C-gone', reason: 'channel_not_found', since: expect.any(Number) as number, waitingFindings: 4 },
    ]);

    gone = false;
    const repair = await subscriptions.subscribe({
      channelId: 'C-gone',
      checkIds: [],
      minSeverity: 'low',
      userId: 'U1',
    });
    expect(repair).toMatchObject({ created: false, repaired: true, waitingFindings: 4 });
    await advanceUntil(() => slack.posts.filter((p) => p.message.channel === 'C-gone').length === 4);
    await vi.advanceTimersByTimeAsync(10_000);
    const posted = slack.posts.filter((p) => p.message.channel === 'C-gone').map((p) => alertIdOf(p.message));
    expect(new Set(posted).size).toBe(4);
    expect(posted).toHaveLength(4);
    expect(await subscriptions.brokenChannels()).toEqual([]);
  });

  it('keeps the cards of a refused fallback channel and posts them all once a later try of the channel succeeds', async () => {
    const subscriptions = createSubscriptionService({ store });
    const ingest = createAlertIngest({ store, subscriptions, fallbackChannel: 'C-fallback', logger: silentLogger });
    await ingest.ingest(finding());
    await ingest.ingest(finding());
    let archived = true;
    const slack = recordingPoster(() => (archived ? refused('is_archived', 'channel') : undefined));
    startWorker({ poster: slack.poster, refusedChannelRetryMs: 60_000 });
    await vi.advanceTimersByTimeAsync(59_000);
    expect(slack.calls).toHaveLength(1);
    expect((await store.listDeliveries()).map((d) => [d.state, d.lastError])).toEqual([
      ['pending', 'is_archived'],
      ['pending', undefined],
    ]);
    expect(await subscriptions.brokenChannels()).toMatchObject([{ channelId: 'C-fallback', reason: 'is_archived' }]);

    await vi.advanceTimersByTimeAsync(2_000);
    expect(slack.calls).toHaveLength(2);
    archived = false;
    await vi.advanceTimersByTimeAsync(60_000);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(slack.calls).toHaveLength(4);
    expect((await store.listDeliveries()).map((d) => d.state)).toEqual(['sent', 'sent']);
    expect(await subscriptions.brokenChannels()).toEqual([]);
  });

  it('gives up no card of a fallback channel refused for longer than its attempts would last', async () => {
    const subscriptions = createSubscriptionService({ store });
    const ingest = createAlertIngest({ store, subscriptions, fallbackChannel: 'C-fallback', logger: silentLogger });
    await ingest.ingest(finding());
    let refusals = 5;
    let failures = 1;
    const slack = recordingPoster(() => {
      if (refusals > 0) return (refusals--, refused('not_in_channel', 'channel'));
      if (failures > 0) return (failures--, new SlackPostError('socket hang up', { kind: 'transient' }));
      return undefined;
    });
    startWorker({ poster: slack.poster, refusedChannelRetryMs: 1_000, maxAttempts: 2 });
    await advanceUntil(async () => (await store.listDeliveries({ state: 'sent' })).length === 1);
    expect(slack.calls).toHaveLength(7);
    expect(slack.posts).toHaveLength(1);
  });

  it('fails a card Slack finds invalid without breaking its subscription, and posts a short notice in its place', async () => {
    const { ingest } = await setup([{ id: 'C1' }]);
    await ingest.ingest(finding({ logins: ['ann@example.com'] }));
    const slack = recordingPoster((message) =>
      message.text.startsWith('alert') ? refused('invalid_blocks', 'message') : undefined,
    );
    startWorker({ poster: slack.poster });
    await vi.advanceTimersByTimeAsync(30_000);

    expect(slack.calls.map((c) => [c.message.channel, c.message.text])).toEqual([
      ['C1', 'alert ann@example.com -'],
      ['C1', 'refused invalid_blocks no-mfa ann@example.com'],
    ]);
    expect((await store.listDeliveries())[0]).toMatchObject({ state: 'failed', lastError: 'invalid_blocks' });
    expect((await store.listSubscriptions())[0]?.brokenReason).toBeUndefined();
  });

  it('names every user of a refused summary card in its notice, and tries nothing more when the notice is refused too', async () => {
    const { ingest } = await setup([{ id: 'C1' }]);
    await ingest.ingest(finding({ logins: userLogins(6) }));
    const slack = recordingPoster(() => refused('invalid_blocks', 'message'));
    startWorker({ poster: slack.poster });
    await vi.advanceTimersByTimeAsync(30_000);

    expect(slack.calls.map((c) => c.message.text)).toEqual([
      expect.stringMatching(/^summary no-mfa 6/),
      `refused invalid_blocks no-mfa ${userLogins(6).join(',')}`,
    ]);
    expect((await store.listDeliveries()).every((d) => d.state === 'failed')).toBe(true);
  });

  it('pauses every channel while Slack refuses the app, breaks nothing, and resumes once auth.test succeeds', async () => {
    const { ingest, subscriptions } = await setup([{ id: 'C1' }, { id: 'C2' }]);
    await ingest.ingest(finding({ logins: userLogins(2) }));
    let revoked = true;
    const slack = recordingPoster(
      () => (revoked ? refused('invalid_auth', 'app') : undefined),
      () => (revoked ? refused('invalid_auth', 'app') : undefined),
    );
    const worker = startWorker({ poster: slack.poster, accessProbeBackoff: { baseMs: 2_000, maxMs: 16_000 } });
    await advanceUntil(() => worker.paused() !== undefined);
    expect(worker.paused()).toEqual({ reason: 'invalid_auth', since: expect.any(Number) as number });
    const refusedCalls = slack.calls.length;
    await vi.advanceTimersByTimeAsync(60_000);

    // Paused: no more posts, only auth.test at growing intervals (2, 4, 8, 16, 16 s...).
    expect(slack.calls).toHaveLength(refusedCalls);
    const gaps = slack.accessChecks.slice(1).map((t, i) => t - slack.accessChecks[i]!);
    expect(gaps.slice(0, 3)).toEqual([4_000, 8_000, 16_000]);
    expect((await subscriptions.list()).every((s) => s.brokenReason === undefined)).toBe(true);
    expect((await store.listDeliveries()).every((d) => d.state === 'pending')).toBe(true);

    revoked = false;
    await advanceUntil(() => slack.posts.length === 4);
    expect(worker.paused()).toBeUndefined();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(slack.posts).toHaveLength(4);
    expect(await store.listDeliveries({ state: 'sent' })).toHaveLength(4);
  });

  it('records the card an unanswered post left in Slack instead of posting it again', async () => {
    const { ingest } = await setup([{ id: 'C1' }]);
    await ingest.ingest(finding({ logins: userLogins(2) }));
    const slack = recordingPoster((_, call) => (call === 1 ? 'lost' : undefined));
    startWorker({ poster: slack.poster });
    await advanceUntil(async () => (await store.listDeliveries({ state: 'sent' })).length === 2);
    await vi.advanceTimersByTimeAsync(10_000);

    // Slack holds each card once; the lost answer's card was found by its delivery id and its ts recorded.
    expect(slack.posts).toHaveLength(2);
    expect(slack.calls).toHaveLength(2);
    const [first] = await store.listDeliveries();
    expect(first).toMatchObject({ state: 'sent', postedTs: slack.posts[0]!.ts, postingSince: undefined });
    expect(slack.finds.map((f) => f.deliveryId)).toEqual([first!.id]);
    // The look starts a margin before the lost attempt began.
    expect(slack.finds[0]!.since).toBeLessThanOrEqual(slack.calls[0]!.at - 60_000);
  });

  it('looks again later when the look fails, never posting blindly meanwhile; after 5 failed looks it posts', async () => {
    const { ingest } = await setup([{ id: 'C1' }]);
    await ingest.ingest(finding());
    const slack = recordingPoster(
      (_, call) => (call === 1 ? new SlackPostError('socket hang up', { kind: 'transient' }) : undefined),
      () => undefined,
      () => new SlackPostError('Slack answered HTTP 503', { kind: 'transient' }),
    );
    startWorker({ poster: slack.poster });
    await advanceUntil(() => slack.finds.length === 4);
    expect(slack.calls).toHaveLength(1);
    expect((await store.listDeliveries())[0]).toMatchObject({ state: 'pending', lookupsFailed: 4 });
    await advanceUntil(() => slack.posts.length === 1);
    expect(slack.finds).toHaveLength(5);
    expect(slack.calls).toHaveLength(2);
    expect((await store.listDeliveries())[0]).toMatchObject({ state: 'sent', lookupsFailed: 0 });
  });

  it('posts at once when Slack will not let the channel be read (the look cannot tell)', async () => {
    const { ingest } = await setup([{ id: 'C1' }]);
    await ingest.ingest(finding());
    const slack = recordingPoster(
      (_, call) => (call === 1 ? new SlackPostError('socket hang up', { kind: 'transient' }) : undefined),
      () => undefined,
      () => new SlackPostError('missing_scope', { kind: 'permanent', code: 'missing_scope', scope: 'message' }),
    );
    startWorker({ poster: slack.poster });
    await advanceUntil(() => slack.posts.length === 1);
    expect(slack.finds).toHaveLength(1);
  });

  it('does not look for a post Slack answered with a refusal (429): nothing of it can be there', async () => {
    const { ingest } = await setup([{ id: 'C1' }]);
    await ingest.ingest(finding());
    const slack = recordingPoster((_, call) =>
      call === 1 ? new SlackPostError('ratelimited', { kind: 'rate_limited', retryAfterMs: 1_000 }) : undefined,
    );
    startWorker({ poster: slack.poster });
    await advanceUntil(() => slack.posts.length === 1);
    expect(slack.finds).toEqual([]);
  });

  it('backs off exponentially on transient errors and then posts', async () => {
    const { ingest } = await setup([{ id: 'C1' }]);
    await ingest.ingest(finding());
    const slack = recordingPoster((_, call) =>
      call <= 2 ? new SlackPostError('socket hang up', { kind: 'transient' }) : undefined,
    );
    startWorker({ poster: slack.poster });
    await advanceUntil(() => slack.posts.length === 1);

    const at = slack.calls.map((c) => c.at);
    expect(at).toHaveLength(3);
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(1_000);
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(2_000);
    expect((await store.listDeliveries())[0]).toMatchObject({ state: 'sent', attempts: 3 });
  });

  it('gives up after the maximum number of attempts', async () => {
    const { ingest } = await setup([{ id: 'C1' }]);
    await ingest.ingest(finding());
    const slack = recordingPoster(() => new Error('ECONNRESET'));
    startWorker({ poster: slack.poster, maxAttempts: 3 });
    await vi.advanceTimersByTimeAsync(120_000);

    expect(slack.calls).toHaveLength(3);
    expect((await store.listDeliveries())[0]).toMatchObject({
      state: 'failed',
      lastError: expect.stringContaining('ECONNRESET') as string,
    });
  });

  it('posts at most one card per second to a channel while channels interleave', async () => {
    const { ingest } = await setup([
      { id: 'C-a', checkIds: ['check-a'] },
      { id: 'C-b', checkIds: ['check-b'] },
    ]);
    for (let i = 0; i < 10; i += 1) {
      await ingest.ingest(finding({ checkId: 'check-a', logins: [`a${i}@example.com`] }));
      await ingest.ingest(finding({ checkId: 'check-b', logins: [`b${i}@example.com`] }));
    }
    const slack = recordingPoster();
    startWorker({ poster: slack.poster, perChannelIntervalMs: 1_000 });
    await advanceUntil(() => slack.posts.length === 20);

    for (const channel of ['C-a', 'C-b']) {
      const times = slack.posts.filter((p) => p.message.channel === channel).map((p) => p.at);
      expect(times).toHaveLength(10);
      expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(9_000);
      for (let i = 1; i < times.length; i += 1) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(1_000);
    }
    const channels = slack.posts.map((p) => p.message.channel);
    expect(channels.slice(0, 2).sort()).toEqual(['C-a', 'C-b']);
    // Both channels done in about 10 s, not 20 s: they were served side by side.
    expect(slack.posts.at(-1)!.at - slack.posts[0]!.at).toBeLessThan(15_000);
  });

  it('keeps no more posts in flight than its concurrency', async () => {
    const { ingest } = await setup(Array.from({ length: 10 }, (_, i) => ({ id: `C${i}` })));
    await ingest.ingest(finding());
    let inFlight = 0;
    let peak = 0;
    let done = 0;
    const poster: SlackPoster = {
      ...noAccessCheck,
      async post() {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 3_000));
        inFlight -= 1;
        done += 1;
        return { ts: `1.${done}` };
      },
    };
    startWorker({ poster, concurrency: 3 });
    await advanceUntil(() => done === 10);
    expect(peak).toBe(3);
  });

  it('never double-posts with two workers on one database', async () => {
    const other = await db.open();
    const { ingest } = await setup(Array.from({ length: 5 }, (_, i) => ({ id: `C${i}` })));
    for (let i = 0; i < 4; i += 1) await ingest.ingest(finding({ logins: [`u${i}@example.com`] }));
    const one = recordingPoster();
    const two = recordingPoster();
    startWorker({ poster: one.poster, owner: 'replica-1' });
    startWorker({ poster: two.poster, owner: 'replica-2' }, other);
    await advanceUntil(() => one.posts.length + two.posts.length >= 20);
    await vi.advanceTimersByTimeAsync(40_000);

    const posted = [...one.posts, ...two.posts].map((p) => `${p.message.channel}/${alertIdOf(p.message)}`);
    expect(posted).toHaveLength(20);
    expect(new Set(posted).size).toBe(20);
    expect(one.posts.length).toBeGreaterThan(0);
    expect(two.posts.length).toBeGreaterThan(0);
  });

  it('posts without waiting for an enrichment that does not answer', async () => {
    const { ingest } = await setup([{ id: 'C1' }]);
    await ingest.ingest(finding({ logins: ['slow@example.com'] }));
    const slack = recordingPoster();
    startWorker({ poster: slack.poster, enrich: () => new Promise(() => {}), enrichTimeoutMs: 1_500 });
    await advanceUntil(() => slack.posts.length === 1, 10_000);

    expect(slack.posts[0]!.message.text).toBe('alert slow@example.com - (no CII context)');
    expect(slack.posts[0]!.at - T0).toBeGreaterThanOrEqual(1_500);
  });

  it('uses and stores what enrichment found, and survives an enrichment that throws', async () => {
    const { ingest } = await setup([{ id: 'C1' }]);
    await ingest.ingest(finding({ logins: ['ann@example.com', 'bad@example.com'] }));
    const slack = recordingPoster();
    const enrich = (login: string) => {
      if (login === 'bad@example.com') return Promise.reject(new Error('CII down'));
      return Promise.resolve(contextFor(login, 'Ann Example', 'https://cii.example/u/ann'));
    };
    startWorker({ poster: slack.poster, enrich });
    await advanceUntil(() => slack.posts.length === 2);

    expect(slack.posts.map((p) => p.message.text)).toEqual([
      'alert ann@example.com Ann Example',
      'alert bad@example.com - (no CII context)',
    ]);
    const alertId = alertIdOf(slack.posts[0]!.message);
    expect(await store.getAlert(String(alertId))).toMatchObject({
      displayName: 'Ann Example',
      referenceUrl: 'https://cii.example/u/ann',
      userContext: { value: { user: contextFor('ann@example.com', 'Ann Example', 'https://cii.example/u/ann').user } },
    });
    expect((await store.getAlert(String(alertIdOf(slack.posts[1]!.message))))?.userContext).toBeUndefined();
  });

  it('has a new worker on the same database file post what a crashed one left, exactly once', async () => {
    const { ingest } = await setup([{ id: 'C1' }, { id: 'C2' }]);
    await ingest.ingest(finding({ logins: ['a@example.com', 'b@example.com'] }));
    // The crashed replica had leased one card per channel and never posted them.
    const crashed = await db.open();
    const leased = await crashed.claimDueDeliveries({
      now: Date.now(),
      limit: 10,
      leaseMs: 30_000,
      owner: 'crashed',
      channelIntervalMs: 1_000,
    });
    expect(leased).toHaveLength(2);
    await crashed.close();
    await store.close();

    const fresh = await db.open();
    const slack = recordingPoster();
    startWorker({ poster: slack.poster, leaseMs: 30_000 }, fresh);
    await advanceUntil(() => slack.posts.length === 4, 60_000);
    await vi.advanceTimersByTimeAsync(60_000);

    expect(slack.posts).toHaveLength(4);
    const posted = slack.posts.map((p) => `${p.message.channel}/${alertIdOf(p.message)}`);
    expect(new Set(posted).size).toBe(4);
    const leasedKeys = leased.map((c) => `${c.delivery.channelId}/${c.delivery.alertId}`);
    for (const post of slack.posts.filter((p) => leasedKeys.includes(`${p.message.channel}/${alertIdOf(p.message)}`))) {
      expect(post.at - T0).toBeGreaterThanOrEqual(30_000);
    }
    expect(await fresh.listDeliveries({ state: 'sent' })).toHaveLength(4);
  });

  it('stops after the posts in flight finish', async () => {
    const { ingest } = await setup([{ id: 'C1' }]);
    await ingest.ingest(finding());
    let finished = false;
    const poster: SlackPoster = {
      ...noAccessCheck,
      async post() {
        await new Promise((resolve) => setTimeout(resolve, 2_000));
        finished = true;
        return { ts: '1.1' };
      },
    };
    const worker = startWorker({ poster });
    await vi.advanceTimersByTimeAsync(100);
    const stopped = worker.stop();
    await vi.advanceTimersByTimeAsync(2_000);
    await stopped;
    expect(finished).toBe(true);
    expect((await store.listDeliveries())[0]?.state).toBe('sent');
  });
});
