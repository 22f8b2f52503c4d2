import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSubscriptionService, type SubscriptionService } from '../../src/services/subscriptions.ts';
import type { InspectableStore } from '../../src/store/types.ts';
import { alertFor } from '../store/records.ts';
import { tempDatabase } from './alerts/fixtures.ts';

describe('subscription service', () => {
  let db: Awaited<ReturnType<typeof tempDatabase>>;
  let store: InspectableStore;
  let service: SubscriptionService;
  let now: number;

  beforeEach(async () => {
    db = await tempDatabase();
    store = await db.open();
    now = Date.UTC(2026, 0, 1);
    service = createSubscriptionService({ store, clock: { now: () => now }, cacheTtlMs: 5_000 });
  });
  afterEach(() => db.cleanup());

  it('normalizes the check filter so the same filter twice changes nothing', async () => {
    const first = await service.subscribe({
      channelId: 'C1',
      checkIds: [' No-MFA', 'impossible-travel', 'no-mfa'],
      minSeverity: 'high',
      userId: 'U1',
    });
    expect(first.created).toBe(true);
    if (!first.created) return;
    expect(first.subscription).toMatchObject({
      channelId: 'C1',
      checkIds: ['impossible-travel', 'no-mfa'],
      minSeverity: 'high',
      createdBy: 'U1',
      createdAt: now,
    });
    const again = await service.subscribe({
      channelId: 'C1',
      checkIds: ['impossible-travel', 'no-mfa'],
      minSeverity: 'high',
      userId: 'U2',
    });
    expect(again).toEqual({ created: false, existing: first.subscription, repaired: false, waitingFindings: 0 });
    expect(await service.list()).toHaveLength(1);
  });

  it('treats another severity or another channel as another subscription', async () => {
    await service.subscribe({ channelId: 'C1', checkIds: [], minSeverity: 'high', userId: 'U1' });
    expect((await service.subscribe({ channelId: 'C1', checkIds: [], minSeverity: 'low', userId: 'U1' })).created).toBe(
      true,
    );
    expect(
      (await service.subscribe({ channelId: 'C2', checkIds: [], minSeverity: 'high', userId: 'U1' })).created,
    ).toBe(true);
    expect(await service.list({ channelId: 'C1' })).toHaveLength(2);
  });

  /** Breaks the channel's subscriptions as the worker does when Slack refuses the channel. */
  async function breakChannel(channelId: string, reason: string): Promise<void> {
    await store.recordFinding({
      envelopeId: `e-${channelId}`,
      findingId: `f-${channelId}`,
      receivedAt: now,
      alerts: [alertFor(`f-${channelId}`, 'a@example.com')],
      planDeliveries: (created) => created.map((a) => ({ kind: 'alert', alertId: a.id, channelId })),
    });
    const [delivery] = await store.listDeliveries({ channelId });
    await store.waitForRepair(delivery!.id, { channelId, reason, at: now, retryAt: now });
  }

  it('repairs a broken channel when it subscribes again, with any filter, and wakes the delivery worker', async () => {
    let kicks = 0;
    service = createSubscriptionService({ store, clock: { now: () => now }, onRepaired: () => (kicks += 1) });
    const first = await service.subscribe({ channelId: 'C1', checkIds: [], minSeverity: 'low', userId: 'U1' });
    if (!first.created) throw new Error('expected a new subscription');
    await breakChannel('C1', 'not_in_channel');
    // A broken channel still gets its cards queued: they wait for the repair.
    expect(await service.matching('no-mfa', 'high')).toHaveLength(1);
    const again = await service.subscribe({ channelId: 'C1', checkIds: [], minSeverity: 'low', userId: 'U1' });
    expect(again).toMatchObject({
      created: false,
      repaired: true,
      waitingFindings: 1,
      existing: { id: first.subscription.id, brokenReason: undefined },
    });
    expect(kicks).toBe(1);
    await breakChannel('C1', 'is_archived');
    const other = await service.subscribe({ channelId: 'C1', checkIds: ['no-mfa'], minSeverity: 'low', userId: 'U1' });
    expect(other).toMatchObject({ created: true, repaired: true });
    expect((await service.list()).every((s) => s.brokenReason === undefined)).toBe(true);
    expect(kicks).toBe(2);
  });

  it('repairs a refused channel Slack reopened, waking the delivery worker once, and leaves a healthy one alone', async () => {
    let kicks = 0;
    service = createSubscriptionService({ store, clock: { now: () => now }, onRepaired: () => (kicks += 1) });
    await service.subscribe({ channelId: 'C1', checkIds: [], minSeverity: 'low', userId: 'U1' });
    expect(await service.channelReopened('C1')).toEqual({ repaired: false, waitingFindings: 0 });
    await breakChannel('C1', 'not_in_channel');

    expect(await service.channelReopened('C1')).toEqual({ repaired: true, waitingFindings: 1 });
    expect(await service.brokenChannels()).toEqual([]);
    expect(await service.channelReopened('C1')).toEqual({ repaired: false, waitingFindings: 0 });
    expect(kicks).toBe(1);
  });

  it('does not remove a subscription of another channel by id', async () => {
    const other = await service.subscribe({ channelId: 'C2', checkIds: [], minSeverity: 'low', userId: 'U1' });
    if (!other.created) throw new Error('expected a new subscription');
    expect(await service.unsubscribe({ channelId: 'C1', id: other.subscription.id })).toBe(0);
    expect(await service.list({ channelId: 'C2' })).toHaveLength(1);
    expect(await service.unsubscribe({ channelId: 'C2', id: other.subscription.id })).toBe(1);
    expect(await service.list()).toEqual([]);
  });

  it('removes every subscription of one channel with "all"', async () => {
    await service.subscribe({ channelId: 'C1', checkIds: [], minSeverity: 'low', userId: 'U1' });
    await service.subscribe({ channelId: 'C1', checkIds: ['no-mfa'], minSeverity: 'low', userId: 'U1' });
    await service.subscribe({ channelId: 'C2', checkIds: [], minSeverity: 'low', userId: 'U1' });
    expect(await service.unsubscribe({ channelId: 'C1', id: 'all' })).toBe(2);
    expect((await service.list()).map((s) => s.channelId)).toEqual(['C2']);
  });

  it('matches on check id (empty filter = every check) and minimum severity', async () => {
    await service.subscribe({ channelId: 'C-mfa', checkIds: ['no-mfa'], minSeverity: 'medium', userId: 'U1' });
    await service.subscribe({ channelId: 'C-all', checkIds: [], minSeverity: 'high', userId: 'U1' });
    await service.subscribe({
      channelId: 'C-travel',
      checkIds: ['impossible-travel'],
      minSeverity: 'low',
      userId: 'U1',
    });

    const channels = async (checkId: string, severity: 'low' | 'medium' | 'high' | 'critical') =>
      (await service.matching(checkId, severity)).map((s) => s.channelId).sort();
    expect(await channels('no-mfa', 'medium')).toEqual(['C-mfa']);
    expect(await channels('NO-MFA', 'critical')).toEqual(['C-all', 'C-mfa']);
    expect(await channels('no-mfa', 'low')).toEqual([]);
    expect(await channels('impossible-travel', 'low')).toEqual(['C-travel']);
    expect(await channels('inactive-users', 'high')).toEqual(['C-all']);
  });

  it('sees its own changes at once and other processes’ changes after the cache lifetime', async () => {
    expect(await service.matching('no-mfa', 'high')).toEqual([]);
    await service.subscribe({ channelId: 'C1', checkIds: [], minSeverity: 'low', userId: 'U1' });
    expect(await service.matching('no-mfa', 'high')).toHaveLength(1);

    await store.addSubscription({ channelId: 'C2', checkIds: [], minSeverity: 'low', createdBy: 'U9', createdAt: now });
    expect(await service.matching('no-mfa', 'high')).toHaveLength(1);
    now += 5_000;
    expect(await service.matching('no-mfa', 'high')).toHaveLength(2);

    await service.unsubscribe({ channelId: 'C1', id: 'all' });
    expect((await service.matching('no-mfa', 'high')).map((s) => s.channelId)).toEqual(['C2']);
  });
});
