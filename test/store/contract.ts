import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NewAlertActionResult, NewAuditEntry, InspectableStore } from '../../src/store/types.ts';
import { muteContract } from './mute-contract.ts';
import { alertFor, record } from './records.ts';
import { verificationContract } from './verification-contract.ts';

/** Opens stores on one database (every call → a new connection to the same data). */
export interface StoreHarness {
  open(): Promise<InspectableStore>;
  cleanup(): Promise<void>;
}

const T0 = Date.UTC(2026, 0, 1);
const LEASE = { leaseMs: 30_000, channelIntervalMs: 1_000, owner: 'w1' };

export function runStoreContract(
  name: string,
  setup: () => Promise<StoreHarness>,
  options: { skip?: boolean } = {},
): void {
  describe.skipIf(options.skip ?? false)(`store contract: ${name}`, () => {
    let harness: StoreHarness;
    let store: InspectableStore;
    const opened: InspectableStore[] = [];
    const open = async () => {
      const s = await harness.open();
      opened.push(s);
      return s;
    };

    beforeEach(async () => {
      harness = await setup();
      store = await open();
    });
    afterEach(async () => {
      for (const s of opened.splice(0)) await s.close();
      await harness.cleanup();
    });

    const claim = (s: InspectableStore, now: number, limit = 10, owner = LEASE.owner) =>
      s.claimDueDeliveries({ ...LEASE, owner, now, limit });

    describe('recording findings', () => {
      it('stores the alerts and their deliveries in one go', async () => {
        const result = await store.recordFinding(
          record('e1', 'f1', ['a@x.com', 'b@x.com'], { channels: ['C1', 'C2'] }),
        );
        expect(result.duplicate).toBe(false);
        expect(result.alertsCreated.map((a) => a.login)).toEqual(['a@x.com', 'b@x.com']);
        expect(result.deliveriesCreated).toBe(4);
        const deliveries = await store.listDeliveries({ findingId: 'f1' });
        expect(deliveries.map((d) => [d.channelId, d.kind, d.state])).toEqual([
          ['C1', 'alert', 'pending'],
          ['C1', 'alert', 'pending'],
          ['C2', 'alert', 'pending'],
          ['C2', 'alert', 'pending'],
        ]);
        const alert = await store.getAlert(result.alertsCreated[0]!.id);
        expect(alert).toMatchObject({
          login: 'a@x.com',
          findingId: 'f1',
          state: 'open',
          version: 1,
          createdAt: T0,
          description: ['User has no MFA'],
          recommendedActions: ['Enrol a factor'],
        });
      });

      it('keeps one alert per login of a finding whatever its letter case, spelled as it first came', async () => {
        const first = await store.recordFinding(record('e1', 'f1', ['Tom.Harris@example.com']));
        const again = await store.recordFinding(
          record('e2', 'f1', ['tom.harris@example.com', 'TOM.HARRIS@EXAMPLE.COM']),
        );
        expect(again.alertsCreated).toEqual([]);
        expect(again.deliveriesCreated).toBe(0);
        expect(await store.getAlert(first.alertsCreated[0]!.id)).toMatchObject({ login: 'Tom.Harris@example.com' });
        expect(await store.listDeliveries({ findingId: 'f1' })).toHaveLength(1);
      });

      it('keeps an unknown severity as sent, the trust level and check context of newer payloads, and the user’s details', async () => {
        const context = {
          checkTopics: ['Authentication'],
          checkScope: 'USER',
          frameworks: ['NIST 800-53 IA-2'],
          explainabilityEventIds: ['evt-1'],
          explainabilityDetails: [{ key: 'numberOfDays', value: '30' }],
        };
        const finding = record('e1', 'f1', []);
        finding.alerts = [
          alertFor('f1', 'a@x.com', {
            severity: 'medium',
            severityLabel: 'urgent',
            trustLevel: 'UNTRUSTED',
            context,
            details: [{ key: 'distanceKm', value: '7510' }],
          }),
          alertFor('f1', 'b@x.com'),
        ];
        const result = await store.recordFinding(finding);
        const [withContext, plain] = await Promise.all(result.alertsCreated.map((a) => store.getAlert(a.id)));
        expect(withContext).toMatchObject({
          severity: 'medium',
          severityLabel: 'urgent',
          trustLevel: 'UNTRUSTED',
          context,
          details: [{ key: 'distanceKm', value: '7510' }],
        });
        expect(plain).not.toHaveProperty('trustLevel');
        expect(plain).not.toHaveProperty('context');
        expect(plain).not.toHaveProperty('details');
      });

      it('reports a seen envelope id as a duplicate and writes nothing', async () => {
        await store.recordFinding(record('e1', 'f1', ['a@x.com']));
        const again = record('e1', 'f2', ['z@x.com']);
        const result = await store.recordFinding(again);
        expect(result).toEqual({ duplicate: true, alertsCreated: [], deliveriesCreated: 0 });
        expect(again.planned).toEqual([]);
        expect(await store.listDeliveries()).toHaveLength(1);
      });

      it('records the findings of webhooks that arrive together each once, and a repeat among them as a duplicate', async () => {
        const results = await Promise.all([
          store.recordFinding(record('e1', 'f1', ['a@x.com'])),
          store.recordFinding(record('e2', 'f2', ['b@x.com', 'c@x.com'])),
          store.recordFinding(record('e1', 'f1', ['a@x.com'])),
        ]);

        expect(results.map((r) => r.duplicate).sort()).toEqual([false, false, true]);
        expect(results[1]).toMatchObject({ duplicate: false, deliveriesCreated: 2 });
        expect((await store.listDeliveries()).map((d) => d.findingId).sort()).toEqual(['f1', 'f2', 'f2']);
      });

      it('creates one alert per (finding, login) even across envelopes', async () => {
        await store.recordFinding(record('e1', 'f1', ['a@x.com']));
        const later = record('e2', 'f1', ['a@x.com', 'b@x.com']);
        const result = await store.recordFinding(later);
        expect(result.duplicate).toBe(false);
        expect(later.planned).toEqual([[expect.objectContaining({ login: 'b@x.com' })]]);
        expect(result.deliveriesCreated).toBe(1);
        expect(await store.listDeliveries({ findingId: 'f1' })).toHaveLength(2);
      });

      it('stores a finding larger than one insert statement: every alert, and a thread per channel', async () => {
        const logins = Array.from({ length: 250 }, (_, i) => `u${i}@x.com`);
        await store.recordFinding(record('e0', 'f0', logins.slice(0, 3)));
        const big = record('e1', 'f0', logins, { channels: ['C1', 'C2'], threaded: true });
        const result = await store.recordFinding(big);
        expect(result.alertsCreated.map((a) => a.login)).toEqual(logins.slice(3));
        expect(result.deliveriesCreated).toBe(2 * (1 + 247));
        const deliveries = await store.listDeliveries({ findingId: 'f0', channelId: 'C2' });
        const [summary, ...cards] = deliveries;
        expect(summary?.kind).toBe('summary');
        expect(cards).toHaveLength(247);
        expect(cards.every((c) => c.parentId === summary?.id && c.kind === 'alert')).toBe(true);
        expect(new Set(cards.map((c) => c.alertId))).toEqual(new Set(result.alertsCreated.map((a) => a.id)));
      });

      it('rolls everything back when planning fails, so a retry of the envelope is processed', async () => {
        const failing = record('e1', 'f1', ['a@x.com']);
        failing.planDeliveries = () => {
          throw new Error('boom');
        };
        await expect(store.recordFinding(failing)).rejects.toThrow('boom');
        const retry = await store.recordFinding(record('e1', 'f1', ['a@x.com']));
        expect(retry.duplicate).toBe(false);
        expect(retry.alertsCreated).toHaveLength(1);
      });

      it('fills in enrichment without erasing what it did not find', async () => {
        const { alertsCreated } = await store.recordFinding(record('e1', 'f1', ['a@x.com']));
        const id = alertsCreated[0]!.id;
        await store.updateAlertEnrichment(id, { displayName: 'Ann', referenceUrl: 'https://cii/u/1' });
        await store.updateAlertEnrichment(id, { displayName: 'Ann B.' });
        expect(await store.getAlert(id)).toMatchObject({ displayName: 'Ann B.', referenceUrl: 'https://cii/u/1' });
        expect(await store.getAlert(randomUUID())).toBeUndefined();
      });

      it("keeps the user's context from CII as JSON and lists posted cards still waiting for it", async () => {
        const { alertsCreated } = await store.recordFinding(record('e1', 'f1', ['a@x.com', 'b@x.com', 'c@x.com']));
        const [a, b, c] = alertsCreated.map((x) => x.id);
        for (const i of [0, 1]) {
          const [d] = await claim(store, T0 + i * 5_000);
          await store.markDelivered(d!.delivery.id, { ts: `1.${i}` });
        }
        expect((await store.getAlert(a!))?.userContext).toBeUndefined();
        const waiting = await store.listAlertsAwaitingContext({ createdSince: T0, limit: 10 });
        // c's card is not posted yet: it gets its context when it is composed.
        expect(waiting.map((x) => x.id).sort()).toEqual([a, b].sort());
        expect(await store.listAlertsAwaitingContext({ createdSince: T0 + 1, limit: 10 })).toEqual([]);
        expect(await store.listAlertsAwaitingContext({ createdSince: T0, limit: 1 })).toHaveLength(1);

        const value = { user: { login: 'a@x.com', groups: ['Admins'] }, state: null };
        await store.updateAlertEnrichment(a!, { displayName: 'Ann', userContext: { value, fetchedAt: T0 + 5 } });
        await store.updateAlertEnrichment(a!, { displayName: 'Ann B.' });
        expect(await store.getAlert(a!)).toMatchObject({
          displayName: 'Ann B.',
          userContext: { value, fetchedAt: T0 + 5 },
        });
        expect((await store.listAlertsAwaitingContext({ createdSince: T0, limit: 10 })).map((x) => x.id)).toEqual([b]);
        expect(c).toBeDefined();
      });

      it("lists one user's alerts newest first, whatever the login's case", async () => {
        await store.recordFinding(record('e1', 'f1', ['Ann@X.com', 'bob@x.com'], { receivedAt: T0 }));
        await store.recordFinding(record('e2', 'f2', ['ann@x.com'], { receivedAt: T0 + 1_000 }));
        const listed = await store.listAlertsOfLogin({ login: 'ANN@x.com', limit: 10 });
        expect(listed.map((x) => [x.findingId, x.login])).toEqual([
          ['f2', 'ann@x.com'],
          ['f1', 'Ann@X.com'],
        ]);
        expect(await store.listAlertsOfLogin({ login: 'ann@x.com', limit: 1 })).toHaveLength(1);
        expect(await store.listAlertsOfLogin({ login: 'nobody@x.com', limit: 10 })).toEqual([]);
      });
    });

    describe('claiming deliveries', () => {
      it('leases a due delivery with its alert and counts the attempt', async () => {
        await store.recordFinding(record('e1', 'f1', ['a@x.com']));
        const [claimed] = await claim(store, T0);
        expect(claimed?.kind).toBe('alert');
        if (claimed?.kind !== 'alert') return;
        expect(claimed.alert.login).toBe('a@x.com');
        expect(claimed.threadTs).toBeUndefined();
        expect(claimed.delivery).toMatchObject({ attempts: 1, leaseUntil: T0 + LEASE.leaseMs, leaseOwner: 'w1' });
      });

      it('does not claim deliveries scheduled in the future', async () => {
        await store.recordFinding(record('e1', 'f1', ['a@x.com'], { receivedAt: T0 + 5_000 }));
        expect(await claim(store, T0)).toEqual([]);
        expect(await claim(store, T0 + 5_000)).toHaveLength(1);
      });

      it('never gives the same row to two concurrent claimers', async () => {
        const other = await open();
        const channels = Array.from({ length: 20 }, (_, i) => `C${i}`);
        await store.recordFinding(record('e1', 'f1', ['a@x.com'], { channels }));
        const seen: number[] = [];
        for (let round = 0; round < 5; round += 1) {
          const batches = await Promise.all([
            claim(store, T0, 3, 'w1'),
            claim(other, T0, 3, 'w2'),
            claim(store, T0, 3, 'w1'),
            claim(other, T0, 3, 'w2'),
          ]);
          seen.push(...batches.flat().map((c) => c.delivery.id));
        }
        expect(seen).toHaveLength(20);
        expect(new Set(seen).size).toBe(20);
      });

      it('lets an expired lease be claimed again', async () => {
        await store.recordFinding(record('e1', 'f1', ['a@x.com']));
        const [first] = await claim(store, T0);
        expect(await claim(store, T0 + LEASE.leaseMs - 1, 10, 'w2')).toEqual([]);
        const [again] = await claim(store, T0 + LEASE.leaseMs, 10, 'w2');
        expect(again?.delivery.id).toBe(first?.delivery.id);
        expect(again?.delivery).toMatchObject({ attempts: 2, leaseOwner: 'w2' });
      });

      it('hands out one delivery per channel per interval, and none while one is in flight', async () => {
        await store.recordFinding(record('e1', 'f1', ['a@x.com', 'b@x.com', 'c@x.com'], { channels: ['C1', 'C2'] }));
        const first = await claim(store, T0);
        expect(first.map((c) => c.delivery.channelId).sort()).toEqual(['C1', 'C2']);
        // Still leased: nothing more for these channels even after the interval.
        expect(await claim(store, T0 + 5_000)).toEqual([]);
        for (const c of first) await store.markDelivered(c.delivery.id, { ts: `ts-${c.delivery.id}` });
        const second = await claim(store, T0 + 5_000);
        expect(second).toHaveLength(2);
        for (const c of second) await store.markDelivered(c.delivery.id, { ts: `ts-${c.delivery.id}` });
        expect(await claim(store, T0 + 5_000 + LEASE.channelIntervalMs - 1)).toEqual([]);
        expect(await claim(store, T0 + 5_000 + LEASE.channelIntervalMs)).toHaveLength(2);
      });

      it('keeps thread cards waiting until their summary is posted, then gives them its ts', async () => {
        await store.recordFinding(record('e1', 'f1', ['a@x.com', 'b@x.com'], { threaded: true }));
        const [summary] = await claim(store, T0);
        expect(summary?.kind).toBe('summary');
        if (summary?.kind !== 'summary') return;
        expect(summary.summary).toMatchObject({
          findingId: 'f1',
          checkId: 'no-mfa',
          title: 'No MFA Configured',
          severity: 'high',
          users: [{ login: 'a@x.com' }, { login: 'b@x.com' }],
        });
        await store.reschedule(summary.delivery.id, { nextAttemptAt: T0 + 2_000, error: 'transient' });
        expect(await claim(store, T0 + 1_500)).toEqual([]);
        const [again] = await claim(store, T0 + 2_000);
        expect(again?.kind).toBe('summary');
        await store.markDelivered(summary.delivery.id, { ts: '111.222' });
        const [child] = await claim(store, T0 + 3_000);
        expect(child).toMatchObject({
          kind: 'alert',
          threadTs: '111.222',
          delivery: { parentId: summary.delivery.id },
        });
      });

      it('claims the oldest due card of each open channel among many, with statistics refreshed', async () => {
        const channels = Array.from({ length: 12 }, (_, i) => `C${String(i).padStart(2, '0')}`);
        await store.recordFinding(record('e1', 'f1', ['a@x.com', 'b@x.com', 'c@x.com'], { channels }));
        await store.refreshStatistics();
        const pending = await store.listDeliveries({ state: 'pending' });
        const oldest = (channelId: string) => pending.find((d) => d.channelId === channelId)!;
        await store.reschedule(oldest('C03').id, { nextAttemptAt: T0 + 60_000, error: 'transient' });
        await store.holdChannel('C05', T0 + 60_000);
        const [inFlight] = await claim(store, T0, 1);
        expect(inFlight?.delivery.channelId).toBe('C00');
        const claimed = await claim(store, T0, 100, 'w2');
        expect(claimed.map((c) => c.delivery.channelId)).toEqual(channels.filter((c) => c !== 'C00' && c !== 'C05'));
        const byChannel = new Map(claimed.map((c) => [c.delivery.channelId, c.delivery.id]));
        expect(byChannel.get('C03')).toBe(pending.filter((d) => d.channelId === 'C03')[1]!.id);
        expect(byChannel.get('C07')).toBe(oldest('C07').id);
      });

      it('retries a rescheduled delivery only from its next attempt time and keeps the error', async () => {
        await store.recordFinding(record('e1', 'f1', ['a@x.com']));
        const [c] = await claim(store, T0);
        await store.reschedule(c!.delivery.id, { nextAttemptAt: T0 + 4_000, error: 'socket hang up' });
        expect(await store.getDelivery(c!.delivery.id)).toMatchObject({
          state: 'pending',
          lastError: 'socket hang up',
          nextAttemptAt: T0 + 4_000,
          leaseUntil: undefined,
        });
        expect(await claim(store, T0 + 3_999)).toEqual([]);
        expect(await claim(store, T0 + 4_000)).toHaveLength(1);
      });

      it('remembers when a post whose answer never came began, across claims, until a ts is recorded', async () => {
        await store.recordFinding(record('e1', 'f1', ['a@x.com', 'b@x.com']));
        const [c] = await claim(store, T0);
        const id = c!.delivery.id;
        expect(c!.delivery).toMatchObject({ postingSince: undefined, lookupsFailed: 0 });
        await store.markPosting(id, T0 + 10);
        // A later attempt keeps the first time: the earliest post in doubt bounds the look.
        await store.markPosting(id, T0 + 20);
        await store.reschedule(id, { nextAttemptAt: T0 + 1_000, error: 'timeout' });
        await store.reschedule(id, { nextAttemptAt: T0 + 1_000, error: 'lookup: 503', lookupFailed: true });
        await store.reschedule(id, { nextAttemptAt: T0 + 1_000, error: 'lookup: 503', lookupFailed: true });
        const [again] = await claim(store, T0 + 1_000);
        expect(again!.delivery).toMatchObject({ id, postingSince: T0 + 10, lookupsFailed: 2, attempts: 2 });
        await store.markDelivered(id, { ts: '1.1' });
        expect(await store.getDelivery(id)).toMatchObject({ state: 'sent', postingSince: undefined, lookupsFailed: 0 });
        await store.markPosting(id, T0 + 30);
        expect((await store.getDelivery(id))?.postingSince).toBeUndefined();

        const [other] = (await store.listDeliveries({ state: 'pending' })).map((d) => d.id);
        await store.markPosting(other!, T0 + 40);
        await store.reschedule(other!, { nextAttemptAt: T0, error: 'rate_limited', notPosted: true });
        expect(await store.getDelivery(other!)).toMatchObject({ postingSince: undefined, lookupsFailed: 0 });
      });

      it('holds a channel until the given time without blocking other channels', async () => {
        await store.recordFinding(record('e1', 'f1', ['a@x.com'], { channels: ['C1', 'C2'] }));
        await store.holdChannel('C1', T0 + 2_000);
        expect((await claim(store, T0)).map((c) => c.delivery.channelId)).toEqual(['C2']);
        expect((await claim(store, T0 + 2_000)).map((c) => c.delivery.channelId)).toEqual(['C1']);
      });

      it('fails a summary together with its waiting thread cards', async () => {
        await store.recordFinding(record('e1', 'f1', ['a@x.com', 'b@x.com'], { threaded: true }));
        const [summary] = await claim(store, T0);
        await store.markFailed(summary!.delivery.id, 'channel_not_found');
        const deliveries = await store.listDeliveries({ findingId: 'f1' });
        expect(deliveries.map((d) => d.state)).toEqual(['failed', 'failed', 'failed']);
        expect(deliveries[0]?.lastError).toBe('channel_not_found');
        expect(await claim(store, T0 + 60_000)).toEqual([]);
      });

      it('lists the channel and ts of every posted card of an alert', async () => {
        const { alertsCreated } = await store.recordFinding(
          record('e1', 'f1', ['a@x.com'], { channels: ['C1', 'C2', 'C3'] }),
        );
        const claimed = await claim(store, T0);
        await store.markDelivered(claimed[0]!.delivery.id, { ts: '1.1' });
        await store.markDelivered(claimed[1]!.delivery.id, { ts: '2.2' });
        await store.markFailed(claimed[2]!.delivery.id, 'is_archived');
        const copies = await store.postedCopiesOf(alertsCreated[0]!.id);
        expect(copies.map(({ channelId, ts }) => ({ channelId, ts })).sort((a, b) => a.ts.localeCompare(b.ts))).toEqual(
          [
            { channelId: claimed[0]!.delivery.channelId, ts: '1.1' },
            { channelId: claimed[1]!.delivery.channelId, ts: '2.2' },
          ],
        );
      });
    });

    describe('alert decisions', () => {
      const newAlert = async (channels: string[] = ['C1']) =>
        (await store.recordFinding(record(`e-${randomUUID()}`, `f-${randomUUID()}`, ['a@x.com'], { channels })))
          .alertsCreated[0]!.id;
      const result = (overrides: Partial<NewAlertActionResult> = {}): NewAlertActionResult => ({
        action: 'block',
        provider: 'DUO',
        providerUserId: 'DU1',
        ok: true,
        steps: ['Duo user disabled'],
        actor: 'U1',
        at: T0 + 2,
        ...overrides,
      });

      it('moves an alert only from the given states, recording who, when and what, and bumping the version', async () => {
        const id = await newAlert();
        const started = await store.transitionAlert(id, {
          from: ['open'],
          to: 'in_progress',
          actor: 'U1',
          at: T0 + 1,
          action: 'block',
        });
        expect(started).toMatchObject({
          moved: true,
          alert: { state: 'in_progress', decidedBy: 'U1', decidedAt: T0 + 1, decisionAction: 'block', version: 2 },
        });
        const late = await store.transitionAlert(id, { from: ['open'], to: 'approved', actor: 'U2', at: T0 + 2 });
        expect(late).toMatchObject({ moved: false, alert: { state: 'in_progress', decidedBy: 'U1', version: 2 } });
        const failed = await store.transitionAlert(id, {
          from: ['in_progress'],
          to: 'failed',
          actor: 'U1',
          at: T0 + 3,
          error: 'CII is unreachable',
        });
        expect(failed.alert).toMatchObject({
          state: 'failed',
          decisionAction: 'block',
          decisionError: 'CII is unreachable',
          version: 3,
        });
        const retried = await store.transitionAlert(id, {
          from: ['failed'],
          to: 'in_progress',
          actor: 'U2',
          at: T0 + 4,
        });
        expect(retried.alert).toMatchObject({
          state: 'in_progress',
          decidedBy: 'U2',
          decisionAction: 'block',
          version: 4,
        });
        expect(retried.alert?.decisionError).toBeUndefined();
        expect(await store.getAlert(id)).toEqual(retried.alert);
      });

      it('lets any replica take over an action whose lease ran out, exactly once, and not one whose lease is renewed', async () => {
        const [lapsed, renewed, approved] = [await newAlert(), await newAlert(), await newAlert()];
        for (const id of [lapsed, renewed]) {
          await store.transitionAlert(id, {
            from: ['open'],
            to: 'in_progress',
            actor: 'U1',
            at: T0,
            action: 'block',
            lease: { owner: 'r1', until: T0 + 30_000 },
          });
        }
        await store.transitionAlert(approved, { from: ['open'], to: 'approved', actor: 'U1', at: T0 });
        expect(await store.renewActionLease(renewed, { owner: 'r1', until: T0 + 90_000 })).toBe(true);
        expect(await store.renewActionLease(renewed, { owner: 'r2', until: T0 + 90_000 })).toBe(false);
        expect(
          await store.claimInterruptedActions({ now: T0 + 29_000, owner: 'r2', leaseMs: 30_000, limit: 10 }),
        ).toEqual([]);

        const other = await open();
        const claims = await Promise.all(
          ['r2', 'r3', 'r4', 'r5'].map((owner, i) =>
            (i % 2 === 0 ? store : other).claimInterruptedActions({
              now: T0 + 31_000,
              owner,
              leaseMs: 30_000,
              limit: 10,
            }),
          ),
        );
        const claimed = claims.flat();
        expect(claimed.map((a) => a.id)).toEqual([lapsed]);
        // The attempt keeps its version (its journal is keyed by it); the old owner can no longer renew it.
        expect(claimed[0]).toMatchObject({ state: 'in_progress', decisionAction: 'block', version: 2 });
        expect(await store.renewActionLease(lapsed, { owner: 'r1', until: T0 + 99_000 })).toBe(false);
        const winner = ['r2', 'r3', 'r4', 'r5'][claims.findIndex((c) => c.length === 1)]!;
        expect(await store.renewActionLease(lapsed, { owner: winner, until: T0 + 99_000 })).toBe(true);
        // Leaving in_progress ends the lease.
        await store.transitionAlert(lapsed, { from: ['in_progress'], to: 'blocked', actor: 'U1', at: T0 + 40_000 });
        expect(await store.renewActionLease(lapsed, { owner: winner, until: T0 + 99_000 })).toBe(false);
      });

      it('takes an action started without a lease (an older replica) for interrupted ten minutes after it started', async () => {
        const id = await newAlert();
        await store.transitionAlert(id, { from: ['open'], to: 'in_progress', actor: 'U1', at: T0, action: 'unblock' });
        const claim = (now: number) => store.claimInterruptedActions({ now, owner: 'r2', leaseMs: 30_000, limit: 10 });
        expect(await claim(T0 + 599_000)).toEqual([]);
        expect((await claim(T0 + 601_000)).map((a) => a.id)).toEqual([id]);
      });

      it('journals each provider call of an attempt: intent first, then done or failed, one row per account', async () => {
        const id = await newAlert();
        const attempt = { alertId: id, attempt: 2, operation: 'block' as const, actor: 'U1', at: T0 + 1 };
        const accounts = [
          { provider: 'DUO', providerUserId: 'DU1' },
          { provider: 'OKTA', providerUserId: '00u1' },
        ];
        await store.planActionSteps(attempt, accounts);
        // Planned again (a recovery): the rows already there are kept as they are.
        await store.planActionSteps({ ...attempt, actor: 'U2', at: T0 + 9 }, accounts);
        await store.finishActionStep(
          { alertId: id, attempt: 2, provider: 'DUO', providerUserId: 'DU1' },
          { ok: true, steps: ['Duo user disabled'], at: T0 + 2 },
        );
        await store.finishActionStep(
          { alertId: id, attempt: 2, provider: 'OKTA', providerUserId: '00u1' },
          { ok: false, steps: [], error: 'Okta is unavailable (HTTP 503)', at: T0 + 3 },
        );
        // A finished row is not finished again.
        await store.finishActionStep(
          { alertId: id, attempt: 2, provider: 'OKTA', providerUserId: '00u1' },
          { ok: true, steps: ['Okta user suspended'], at: T0 + 4 },
        );
        const key = { alertId: id, attempt: 2, operation: 'block', actor: 'U1', startedAt: T0 + 1 };
        expect(await store.listActionSteps(id, 2)).toEqual([
          {
            ...key,
            provider: 'DUO',
            providerUserId: 'DU1',
            state: 'done',
            steps: ['Duo user disabled'],
            finishedAt: T0 + 2,
          },
          {
            ...key,
            provider: 'OKTA',
            providerUserId: '00u1',
            state: 'failed',
            steps: [],
            error: 'Okta is unavailable (HTTP 503)',
            finishedAt: T0 + 3,
          },
        ]);
        await store.planActionSteps({ ...attempt, attempt: 4, operation: 'unblock' }, accounts.slice(0, 1));
        expect(await store.listActionSteps(id, 4)).toEqual([
          {
            ...key,
            attempt: 4,
            operation: 'unblock',
            provider: 'DUO',
            providerUserId: 'DU1',
            state: 'intent',
            steps: [],
          },
        ]);
        expect(await store.listActionSteps(id, 3)).toEqual([]);
      });

      it('records the reason of a move and clears it on a move that gives none (reopen, then block)', async () => {
        const id = await newAlert();
        const approved = await store.transitionAlert(id, {
          from: ['open'],
          to: 'approved',
          actor: 'U1',
          at: T0 + 1,
          reason: 'travel booked with the help desk',
        });
        expect(approved.alert).toMatchObject({ state: 'approved', decisionReason: 'travel booked with the help desk' });
        const reopened = await store.transitionAlert(id, { from: ['approved'], to: 'open', actor: 'U2', at: T0 + 2 });
        expect(reopened.alert).toMatchObject({ state: 'open', decidedBy: 'U2', version: 3 });
        expect(reopened.alert?.decisionReason).toBeUndefined();
        expect(await store.getAlert(id)).toEqual(reopened.alert);
      });

      it('lists the alerts of one finding, oldest first, and none of another', async () => {
        const { alertsCreated } = await store.recordFinding(record('e-f1', 'f1', ['a@x.com', 'b@x.com']));
        await store.recordFinding(record('e-f2', 'f2', ['c@x.com']));
        expect((await store.listFindingAlerts('f1')).map((a) => a.login).sort()).toEqual(['a@x.com', 'b@x.com']);
        expect((await store.listFindingAlerts('f1')).map((a) => a.id).sort()).toEqual(
          alertsCreated.map((a) => a.id).sort(),
        );
        expect(await store.listFindingAlerts('nope')).toEqual([]);
      });

      it('reports a missing alert as not moved', async () => {
        expect(
          await store.transitionAlert(randomUUID(), { from: ['open'], to: 'approved', actor: 'U1', at: T0 }),
        ).toEqual({ moved: false, alert: undefined });
      });

      it('lets exactly one of many concurrent moves from the same state happen, across connections', async () => {
        const id = await newAlert();
        const other = await open();
        const attempts = Array.from({ length: 10 }, (_, i) =>
          (i % 2 === 0 ? store : other).transitionAlert(id, {
            from: ['open'],
            to: 'in_progress',
            actor: `U${i}`,
            at: T0 + i,
            action: 'block',
          }),
        );
        const outcomes = await Promise.all(attempts);
        expect(outcomes.filter((o) => o.moved)).toHaveLength(1);
        const winner = outcomes.find((o) => o.moved)!.alert.decidedBy;
        expect(outcomes.every((o) => o.alert?.state === 'in_progress' && o.alert.decidedBy === winner)).toBe(true);
        expect((await store.getAlert(id))?.version).toBe(2);
      });

      it('stores provider results with the move that wins, and none with one that loses', async () => {
        const id = await newAlert();
        await store.transitionAlert(id, {
          from: ['open'],
          to: 'in_progress',
          actor: 'U1',
          at: T0 + 1,
          action: 'block',
        });
        const results = [
          result(),
          result({
            provider: 'OKTA',
            providerUserId: '00u1',
            ok: false,
            steps: ['Okta user suspended'],
            error: 'Okta is unavailable (HTTP 503)',
          }),
        ];
        await store.transitionAlert(id, { from: ['in_progress'], to: 'failed', actor: 'U1', at: T0 + 2, results });
        await store.transitionAlert(id, {
          from: ['in_progress'],
          to: 'blocked',
          actor: 'U1',
          at: T0 + 3,
          results: [result({ provider: 'AZURE_AD' })],
        });
        const stored = await store.listAlertActions(id);
        expect(stored.map(({ id: _id, ...rest }) => rest)).toEqual(
          results.map((r) => ({ ...r, alertId: id, error: r.error })),
        );
        expect(await store.listAlertActions(randomUUID())).toEqual([]);
      });

      it('gives the summary ts of cards posted in a thread', async () => {
        const { alertsCreated } = await store.recordFinding(
          record('e1', 'f1', ['a@x.com', 'b@x.com'], { threaded: true }),
        );
        const [summary] = await claim(store, T0);
        await store.markDelivered(summary!.delivery.id, { ts: '100.1' });
        const [child] = await claim(store, T0 + 5_000);
        await store.markDelivered(child!.delivery.id, { ts: '100.2' });
        const alertId = child!.kind === 'alert' ? child!.alert.id : '';
        expect(alertsCreated.map((a) => a.id)).toContain(alertId);
        expect(await store.postedCopiesOf(alertId)).toEqual([
          { deliveryId: child!.delivery.id, channelId: 'C1', ts: '100.2', threadTs: '100.1' },
        ]);
      });

      it('gives the posted summaries a card is threaded under, with the state of every user in the thread', async () => {
        const { alertsCreated } = await store.recordFinding(
          record('e1', 'f1', ['a@x.com', 'b@x.com'], { threaded: true, channels: ['C1', 'C2'] }),
        );
        const [a, b] = alertsCreated.map((x) => x.id);
        expect(await store.postedSummariesOf(a!)).toEqual([]);
        const summaries = await claim(store, T0);
        await store.markDelivered(summaries[0]!.delivery.id, { ts: '100.1' });
        await store.transitionAlert(b!, { from: ['open'], to: 'approved', actor: 'U1', at: T0 });
        const posted = await store.postedSummariesOf(a!);
        expect(posted).toHaveLength(1);
        expect(posted[0]!.copy).toEqual({
          deliveryId: summaries[0]!.delivery.id,
          channelId: summaries[0]!.delivery.channelId,
          ts: '100.1',
        });
        expect(posted[0]!.summary).toMatchObject({ findingId: 'f1', checkId: 'no-mfa' });
        expect(posted[0]!.summary.users).toEqual([
          { login: 'a@x.com', displayName: undefined, referenceUrl: undefined, state: 'open' },
          { login: 'b@x.com', displayName: undefined, referenceUrl: undefined, state: 'approved' },
        ]);
      });
    });

    describe('audit log', () => {
      const entry = (overrides: Partial<NewAuditEntry> = {}): NewAuditEntry => ({
        at: T0,
        userId: 'U1',
        userName: 'bob',
        teamId: 'T1',
        channelId: 'C1',
        alertId: 'al1',
        login: 'Ann@X.com',
        action: 'block',
        outcome: 'blocked',
        detail: 'Duo: ok',
        ...overrides,
      });

      it('lists entries newest first, all of them or those about one user (any case), up to a limit', async () => {
        await store.recordAudit(entry());
        await store.recordAudit(
          entry({
            at: T0 + 1,
            login: 'bob@x.com',
            action: 'approve',
            outcome: 'refused_not_responder',
            detail: undefined,
          }),
        );
        await store.recordAudit(entry({ at: T0 + 2, action: 'unblock', outcome: 'unblocked', reason: 'false alarm' }));
        await store.recordAudit({ at: T0 + 3, userId: 'U9', action: 'retry', outcome: 'not_found' });
        const all = await store.listAudit({ limit: 10 });
        expect(all.map((e) => e.at)).toEqual([T0 + 3, T0 + 2, T0 + 1, T0]);
        expect(all[3]).toEqual({ ...entry(), id: all[3]!.id });
        expect(all[0]).toMatchObject({ userId: 'U9', userName: undefined, login: undefined, detail: undefined });
        expect(all[1]?.reason).toBe('false alarm');
        expect((await store.listAudit({ login: 'ann@x.COM', limit: 10 })).map((e) => e.outcome)).toEqual([
          'unblocked',
          'blocked',
        ]);
        expect(await store.listAudit({ limit: 2 })).toHaveLength(2);
        expect(await store.listAudit({ login: 'nobody@x.com', limit: 10 })).toEqual([]);
      });
    });

    describe('subscriptions', () => {
      const sub = {
        channelId: 'C1',
        checkIds: ['impossible-travel', 'no-mfa'],
        minSeverity: 'high' as const,
        createdBy: 'U1',
        createdAt: T0,
      };

      it('adds a filter once per channel and returns the existing one after', async () => {
        const first = await store.addSubscription(sub);
        expect(first.created).toBe(true);
        expect(first.subscription).toMatchObject({
          channelId: 'C1',
          checkIds: ['impossible-travel', 'no-mfa'],
          minSeverity: 'high',
        });
        const second = await store.addSubscription({ ...sub, createdBy: 'U2' });
        expect(second).toEqual({ created: false, subscription: first.subscription });
        expect((await store.addSubscription({ ...sub, channelId: 'C2' })).created).toBe(true);
        expect((await store.addSubscription({ ...sub, checkIds: [] })).created).toBe(true);
        expect(await store.listSubscriptions({ channelId: 'C1' })).toHaveLength(2);
        expect(await store.listSubscriptions()).toHaveLength(3);
      });

      it('removes only subscriptions of the given channel', async () => {
        const { subscription: s1 } = await store.addSubscription(sub);
        const { subscription: s2 } = await store.addSubscription({ ...sub, channelId: 'C2' });
        expect(await store.removeSubscriptions({ channelId: 'C1', id: s2.id })).toBe(0);
        expect(await store.removeSubscriptions({ channelId: 'C1', id: s1.id })).toBe(1);
        await store.addSubscription({ ...sub, checkIds: [] });
        await store.addSubscription({ ...sub, minSeverity: 'low' });
        expect(await store.removeSubscriptions({ channelId: 'C1' })).toBe(2);
        expect((await store.listSubscriptions()).map((s) => s.id)).toEqual([s2.id]);
      });

      it('cancels pending deliveries of a removed subscription', async () => {
        const { subscription } = await store.addSubscription(sub);
        await store.recordFinding(record('e1', 'f1', ['a@x.com'], { subscriptionId: subscription.id }));
        await store.removeSubscriptions({ channelId: 'C1', id: subscription.id });
        const [delivery] = await store.listDeliveries();
        expect(delivery).toMatchObject({ state: 'failed', lastError: 'unsubscribed' });
        expect(await claim(store, T0)).toEqual([]);
      });

      it('breaks every subscription of a refused channel and keeps its cards waiting, unclaimed, until repaired', async () => {
        const { subscription } = await store.addSubscription(sub);
        await store.addSubscription({ ...sub, checkIds: [] });
        await store.addSubscription({ ...sub, channelId: 'C2' });
        await store.recordFinding(record('e1', 'f1', ['a@x.com', 'b@x.com'], { subscriptionId: subscription.id }));
        const [first] = await claim(store, T0);
        expect(
          await store.waitForRepair(first!.delivery.id, {
            channelId: 'C1',
            reason: 'not_in_channel',
            at: T0 + 1,
            retryAt: T0 + 1,
          }),
        ).toBe('waiting');
        await store.recordFinding(
          record('e2', 'f2', ['c@x.com'], { subscriptionId: subscription.id, receivedAt: T0 + 2 }),
        );
        // Another refusal later keeps the first reason and time.
        await store.waitForRepair(first!.delivery.id, {
          channelId: 'C1',
          reason: 'is_archived',
          at: T0 + 3,
          retryAt: T0 + 3,
        });

        expect((await store.listSubscriptions({ channelId: 'C1' })).map((s) => [s.brokenReason, s.brokenAt])).toEqual([
          ['not_in_channel', T0 + 1],
          ['not_in_channel', T0 + 1],
        ]);
        expect((await store.listSubscriptions({ channelId: 'C2' }))[0]?.brokenReason).toBeUndefined();
        expect(await store.brokenChannels()).toEqual([
          { channelId: 'C1', reason: 'not_in_channel', since: T0 + 1, waitingFindings: 2 },
        ]);
        const waiting = await store.listDeliveries({ channelId: 'C1' });
        expect(waiting.map((d) => [d.state, d.leaseOwner])).toEqual([
          ['pending', undefined],
          ['pending', undefined],
          ['pending', undefined],
        ]);
        expect(waiting[0]?.lastError).toBe('is_archived');
        expect(await claim(store, T0 + 60_000)).toEqual([]);
        const copies = (await store.listRecentAlerts({ limit: 10 })).flatMap((a) => a.copies);
        expect(copies.map((c) => c.channelBroken)).toEqual(['not_in_channel', 'not_in_channel', 'not_in_channel']);

        expect(await store.repairChannel('C1', T0 + 60_000)).toEqual({ repaired: 2, waitingFindings: 2 });
        expect(await store.repairChannel('C1', T0 + 60_000)).toEqual({ repaired: 0, waitingFindings: 0 });
        expect(await store.brokenChannels()).toEqual([]);
        expect(
          (await store.listSubscriptions()).every((s) => s.brokenReason === undefined && s.brokenAt === undefined),
        ).toBe(true);
        const claimed = await claim(store, T0 + 60_000);
        expect(claimed.map((c) => c.delivery.id)).toEqual([first!.delivery.id]);
        const after = (await store.listRecentAlerts({ limit: 10 })).flatMap((a) => a.copies);
        expect(after.every((c) => c.channelBroken === undefined)).toBe(true);
      });

      it('keeps the cards of a refused channel no subscription names, and tries it again at the time given until one is posted', async () => {
        await store.recordFinding(record('e1', 'f1', ['a@x.com', 'b@x.com'], { channels: ['C-fallback'] }));
        const [claimed] = await claim(store, T0);
        const refusal = { channelId: 'C-fallback', reason: 'is_archived', at: T0, retryAt: T0 + 300_000 };
        await store.markPosting(claimed!.delivery.id, T0);
        expect(await store.waitForRepair(claimed!.delivery.id, { ...refusal, notPosted: true })).toBe('retrying');
        expect(await store.getDelivery(claimed!.delivery.id)).toMatchObject({
          state: 'pending',
          lastError: 'is_archived',
          postingSince: undefined,
          leaseOwner: undefined,
          attempts: 0,
        });
        const listed = [
          { channelId: 'C-fallback', reason: 'is_archived', since: T0, waitingFindings: 1, retryAt: T0 + 300_000 },
        ];
        expect(await store.brokenChannels()).toEqual(listed);
        const copies = (await store.listRecentAlerts({ limit: 10 })).flatMap((a) => a.copies);
        expect(copies.map((c) => c.channelBroken)).toEqual(['is_archived', 'is_archived']);
        expect(await store.operationalStats()).toMatchObject({ brokenSubscriptions: 0, waitingForRepair: 2 });
        expect(await claim(store, T0 + 299_999)).toEqual([]);

        const [again] = await claim(store, T0 + 300_000);
        expect(again?.delivery).toMatchObject({ id: claimed!.delivery.id, attempts: 1 });
        // Refused again later: still listed since the first refusal, held until the new time.
        await store.waitForRepair(again!.delivery.id, {
          ...refusal,
          reason: 'not_in_channel',
          at: T0 + 300_000,
          retryAt: T0 + 600_000,
        });
        expect(await store.brokenChannels()).toEqual([
          { ...listed[0], reason: 'not_in_channel', retryAt: T0 + 600_000 },
        ]);
        expect(await claim(store, T0 + 599_999)).toEqual([]);

        const [third] = await claim(store, T0 + 600_000);
        await store.markDelivered(third!.delivery.id, { ts: '1.1' });
        expect(await store.brokenChannels()).toEqual([]);
        const after = (await store.listRecentAlerts({ limit: 10 })).flatMap((a) => a.copies);
        expect(after.every((c) => c.channelBroken === undefined)).toBe(true);
        const next = await claim(store, T0 + 700_000);
        expect(next.map((c) => c.delivery.state)).toEqual(['pending']);
        expect((await store.listDeliveries()).filter((d) => d.state === 'failed')).toEqual([]);
      });

      it('releases the cards of a refused channel no subscription names at once when it is repaired', async () => {
        await store.recordFinding(record('e1', 'f1', ['a@x.com'], { channels: ['C-fallback'] }));
        const [claimed] = await claim(store, T0);
        const refusal = { channelId: 'C-fallback', reason: 'not_in_channel', at: T0, retryAt: T0 + 300_000 };
        await store.waitForRepair(claimed!.delivery.id, refusal);
        expect(await store.repairChannel('C-other', T0 + 1_000)).toEqual({ repaired: 0, waitingFindings: 0 });
        expect(await claim(store, T0 + 1_000)).toEqual([]);

        expect(await store.repairChannel('C-fallback', T0 + 1_000)).toEqual({ repaired: 1, waitingFindings: 1 });
        expect(await store.brokenChannels()).toEqual([]);
        expect((await claim(store, T0 + 1_000)).map((c) => c.delivery.id)).toEqual([claimed!.delivery.id]);
        expect(await store.repairChannel('C-fallback', T0 + 2_000)).toEqual({ repaired: 0, waitingFindings: 0 });
      });

      it('records no refusal for a card no longer waiting, and lists a refused channel only while cards wait and no subscription names it', async () => {
        await store.recordFinding(record('e1', 'f1', ['a@x.com'], { channels: ['C-gone'] }));
        const [claimed] = await claim(store, T0);
        await store.markFailed(claimed!.delivery.id, 'unsubscribed');
        const refusal = { channelId: 'C-gone', reason: 'not_in_channel', at: T0, retryAt: T0 + 60_000 };
        await store.waitForRepair(claimed!.delivery.id, refusal);
        expect(await store.brokenChannels()).toEqual([]);
        expect(await claim(store, T0 + 1_000)).toEqual([]);

        await store.recordFinding(record('e2', 'f2', ['b@x.com'], { channels: ['C-gone'], receivedAt: T0 + 1 }));
        const [second] = await claim(store, T0 + 2_000);
        await store.waitForRepair(second!.delivery.id, refusal);
        expect((await store.brokenChannels()).map((c) => c.channelId)).toEqual(['C-gone']);
        await store.addSubscription({ ...sub, channelId: 'C-gone' });
        expect(await store.brokenChannels()).toEqual([]);
      });

      it('leaves a card whose earlier post is in doubt marked as possibly posted when its channel is refused', async () => {
        await store.recordFinding(record('e1', 'f1', ['a@x.com'], { channels: ['C-fallback'] }));
        const [claimed] = await claim(store, T0);
        await store.markPosting(claimed!.delivery.id, T0);
        await store.waitForRepair(claimed!.delivery.id, {
          channelId: 'C-fallback',
          reason: 'not_in_channel',
          at: T0,
          retryAt: T0 + 1_000,
        });
        expect((await store.getDelivery(claimed!.delivery.id))?.postingSince).toBe(T0);
      });
    });

    describe('registrations and state', () => {
      it('saves, updates, lists and deletes webhook registrations', async () => {
        await store.saveRegistration({
          id: 'r1',
          name: 'slack',
          endpoint: 'https://a/hook',
          checkIds: ['no-mfa'],
          createdAt: T0,
        });
        await store.saveRegistration({
          id: 'r1',
          name: 'slack-2',
          endpoint: 'https://b/hook',
          checkIds: [],
          createdAt: T0 + 9,
        });
        expect(await store.listRegistrations()).toEqual([
          { id: 'r1', name: 'slack-2', endpoint: 'https://b/hook', checkIds: [], createdAt: T0 },
        ]);
        expect(await store.deleteRegistration('r1')).toBe(true);
        expect(await store.deleteRegistration('r1')).toBe(false);
        expect(await store.listRegistrations()).toEqual([]);
      });

      it('keeps key/value state', async () => {
        expect(await store.getState('k')).toBeUndefined();
        await store.setState('k', 'v1');
        await store.setState('k', 'v2');
        expect(await store.getState('k')).toBe('v2');
      });
    });

    describe('operations', () => {
      const DAY = 86_400_000;

      it('counts alerts by state, pending deliveries with the oldest, and broken subscriptions', async () => {
        expect(await store.operationalStats()).toEqual({
          alertsByState: { open: 0, in_progress: 0, approved: 0, blocked: 0, failed: 0, unblocked: 0 },
          pendingDeliveries: 0,
          oldestPendingAt: undefined,
          brokenSubscriptions: 0,
          waitingForRepair: 0,
        });
        const { alertsCreated } = await store.recordFinding(
          record('e1', 'f1', ['a@x.com', 'b@x.com'], { channels: ['C1', 'C2'] }),
        );
        await store.recordFinding(record('e2', 'f2', ['c@x.com'], { receivedAt: T0 + 5 }));
        await store.transitionAlert(alertsCreated[0]!.id, { from: ['open'], to: 'approved', actor: 'U1', at: T0 });
        const [sent] = await claim(store, T0);
        await store.markDelivered(sent!.delivery.id, { ts: '1.1' });
        const { subscription } = await store.addSubscription({
          channelId: 'C1',
          checkIds: [],
          minSeverity: 'low',
          createdBy: 'U1',
          createdAt: T0,
        });
        const [waiting] = await store.listDeliveries({ channelId: 'C1', state: 'pending' });
        await store.waitForRepair(waiting!.id, {
          channelId: subscription.channelId,
          reason: 'channel_not_found',
          at: T0,
          retryAt: T0,
        });
        expect(await store.operationalStats()).toMatchObject({
          alertsByState: { open: 2, approved: 1, in_progress: 0 },
          pendingDeliveries: 4,
          oldestPendingAt: T0,
          brokenSubscriptions: 1,
          waitingForRepair: 2,
        });
      });

      it('claims a card queued for a channel whose idle gate was pruned, and keeps the gates of waiting or paced channels', async () => {
        const prune = (now: number) => store.pruneBatch({ now, before: 0, auditBefore: 0, limit: 10 });
        await store.recordFinding(record('e1', 'f1', ['a@x.com'], { channels: ['C1', 'C2'] }));
        const [first] = await claim(store, T0, 1);
        await store.markDelivered(first!.delivery.id, { ts: '1.1' });
        // C1 still paced, C2 still waiting: neither gate goes.
        expect((await prune(T0)).idleChannels).toBe(0);
        const [second] = await claim(store, T0 + 5_000);
        await store.markDelivered(second!.delivery.id, { ts: '1.2' });
        expect((await prune(T0 + 10_000)).idleChannels).toBe(2);

        await store.recordFinding(record('e2', 'f2', ['b@x.com'], { channels: ['C2'], receivedAt: T0 + 20_000 }));
        expect((await prune(T0 + 20_000)).idleChannels).toBe(0);
        const [again] = await claim(store, T0 + 20_000);
        expect(again).toMatchObject({ delivery: { channelId: 'C2' }, alert: { login: 'b@x.com' } });
      });

      it("releases only the given owner's leases, so another replica claims those deliveries at once", async () => {
        await store.recordFinding(record('e1', 'f1', ['a@x.com'], { channels: ['C1', 'C2', 'C3'] }));
        const mine = await claim(store, T0, 2, 'w1');
        const theirs = await claim(store, T0, 1, 'w2');
        expect(await claim(store, T0 + 5_000, 10, 'w3')).toEqual([]);
        expect(await store.releaseLeases('w1')).toBe(2);
        const again = await claim(store, T0 + 5_000, 10, 'w3');
        expect(again.map((c) => c.delivery.id).sort()).toEqual(mine.map((c) => c.delivery.id).sort());
        expect((await store.getDelivery(theirs[0]!.delivery.id))?.leaseOwner).toBe('w2');
      });

      it('prunes in batches what is past retention, and keeps what is recent, pending or in progress', async () => {
        const old = T0 - 100 * DAY;
        const at = (receivedAt: number, channels: string[], threaded = false) => ({ receivedAt, channels, threaded });
        const done = await store.recordFinding(record('e-old', 'f-old', ['a@x.com'], at(old, ['C1', 'C2'])));
        const threaded = await store.recordFinding(record('e-thr', 'f-thr', ['b@x.com'], at(old, ['C3'], true)));
        const pending = await store.recordFinding(record('e-pend', 'f-pend', ['c@x.com'], at(old, ['C4'])));
        const acting = await store.recordFinding(record('e-act', 'f-act', ['d@x.com'], at(old, ['C5'])));
        // Post everything but C4's card: the summary first, its thread card once the channel's gate reopens.
        for (const now of [old, old + 5_000]) {
          for (const c of await claim(store, now)) {
            if (c.delivery.channelId !== 'C4') await store.markDelivered(c.delivery.id, { ts: `${now}.1` });
          }
        }
        const transition = { from: ['open' as const], to: 'in_progress' as const, actor: 'U1', at: old };
        await store.transitionAlert(acting.alertsCreated[0]!.id, { ...transition, action: 'block' });
        const recent = await store.recordFinding(record('e-new', 'f-new', ['e@x.com'], at(T0, ['C1'])));
        const audit = { userId: 'U1', action: 'block', outcome: 'blocked' } as const;
        await store.recordAudit({ ...audit, at: T0 - 500 * DAY });
        await store.recordAudit({ ...audit, at: old });

        const options = { now: T0, before: T0 - 90 * DAY, auditBefore: T0 - 400 * DAY, limit: 1 };
        const total = { alerts: 0, summaries: 0, seenEvents: 0, audit: 0, idleChannels: 0 };
        const batches = [];
        for (;;) {
          const batch = await store.pruneBatch(options);
          if (Object.values(batch).every((n) => n === 0)) break;
          batches.push(batch);
          for (const key of Object.keys(total) as Array<keyof typeof total>) total[key] += batch[key];
        }
        expect(batches.every((b) => Object.values(b).every((n) => n <= 1))).toBe(true);
        // The two decided-or-open alerts with all cards posted, the summary after its thread, four envelope ids, the
        // gates of the channels with no card waiting (C2, C3, C5).
        expect(total).toEqual({ alerts: 2, summaries: 1, seenEvents: 4, audit: 1, idleChannels: 3 });
        for (const r of [done, threaded]) expect(await store.getAlert(r.alertsCreated[0]!.id)).toBeUndefined();
        expect(await store.getAlert(pending.alertsCreated[0]!.id)).toBeDefined();
        expect(await store.getAlert(acting.alertsCreated[0]!.id)).toMatchObject({ state: 'in_progress' });
        expect(await store.postedCopiesOf(acting.alertsCreated[0]!.id)).toHaveLength(1);
        expect(await store.getAlert(recent.alertsCreated[0]!.id)).toBeDefined();
        expect((await store.listDeliveries()).map((d) => d.channelId).sort()).toEqual(['C1', 'C4', 'C5']);
        expect(await store.listAudit({ limit: 10 })).toHaveLength(1);
        expect((await store.recordFinding(record('e-new', 'f-new', ['e@x.com'], at(T0, ['C1'])))).duplicate).toBe(true);
      });
    });

    describe('Slack request signatures', () => {
      const remembered = async (on: InspectableStore, signature: string, at: number, forgetBefore: number) =>
        (await on.rememberSignatures([signature], at, forgetBefore)).has(signature);

      it('remembers a signature once, across stores on the same database, and forgets it after the window', async () => {
        expect(await remembered(store, 'v0=aa', T0, T0 - 300_000)).toBe(true);
        expect(await remembered(store, 'v0=aa', T0 + 1_000, T0 - 299_000)).toBe(false);
        const replica = await open();
        expect(await remembered(replica, 'v0=aa', T0 + 2_000, T0 - 298_000)).toBe(false);
        expect(await remembered(replica, 'v0=bb', T0 + 2_000, T0 - 298_000)).toBe(true);
        expect(await remembered(store, 'v0=aa', T0 + 301_000, T0 + 1_000)).toBe(true);
      });

      it('counts a forgotten signature as new even before its row is deleted, then refuses it again', async () => {
        expect(await remembered(store, 'v0=cc', T0, T0 - 300_000)).toBe(true);
        // 10 s later: too soon for this replica to delete old rows, yet the signature is past its window.
        expect(await remembered(store, 'v0=cc', T0 + 10_000, T0 + 1)).toBe(true);
        expect(await remembered(store, 'v0=cc', T0 + 11_000, T0 + 1)).toBe(false);
      });

      it('answers a batch in one call: each new signature once, a repeated or known one refused', async () => {
        expect(await remembered(store, 'v0=known', T0, T0 - 300_000)).toBe(true);
        const many = Array.from({ length: 450 }, (_, i) => `v0=${i.toString(16).padStart(4, '0')}`);
        const added = await store.rememberSignatures(['v0=known', 'v0=dd', 'v0=dd', ...many], T0 + 1_000, T0 - 299_000);
        expect([...added].sort()).toEqual(['v0=dd', ...many].sort());
        expect(await store.rememberSignatures(['v0=dd', many[449]!], T0 + 2_000, T0 - 298_000)).toEqual(new Set());
      });
    });
    verificationContract(() => store, open);
    muteContract(() => store, open);

    describe('finding accounting', () => {
      const HOUR = 3_600_000;
      const unrouted = (
        envelopeId: string,
        findingId: string,
        login: string,
        receivedAt: number,
        severity = 'high',
      ) => {
        const r = record(envelopeId, findingId, [login], { receivedAt });
        r.alerts = r.alerts.map((a) => ({ ...a, routing: 'unrouted' as const, severity: severity as 'high' }));
        r.planDeliveries = () => [];
        return r;
      };

      it('keeps an alert no subscription matched, marked unrouted, and counts what became of each alert', async () => {
        await store.recordFinding(record('e1', 'f1', ['a@x.com', 'b@x.com'], { receivedAt: T0 - 2 * HOUR }));
        await store.recordFinding(unrouted('e2', 'f2', 'c@x.com', T0 - HOUR));
        await store.recordFinding(unrouted('e3', 'f3', 'd@x.com', T0 - 3 * 24 * HOUR));
        const [first] = await claim(store, T0);
        await store.markDelivered(first!.delivery.id, { ts: '1.1' });
        const alert = (await store.listRecentAlerts({ only: 'unrouted', limit: 10 }))[0]!;
        expect(alert).toMatchObject({ login: 'c@x.com', routing: 'unrouted', copies: [] });
        expect(await store.countAlerts(T0 - 24 * HOUR)).toEqual({
          arrived: 3,
          posted: 1,
          pending: 1,
          pendingSince: T0 - 2 * HOUR,
          unrouted: 1,
          muted: 0,
          failed: 0,
        });
        expect(await store.countAlerts(T0 - 7 * 24 * HOUR)).toMatchObject({ arrived: 4, unrouted: 2 });
        expect(await store.countAlerts(T0 + 1)).toEqual({
          arrived: 0,
          posted: 0,
          pending: 0,
          unrouted: 0,
          muted: 0,
          failed: 0,
        });
      });

      it('lists recent alerts newest first with their cards, by state, by pending card and by login', async () => {
        await store.recordFinding(record('e1', 'f1', ['a@x.com'], { receivedAt: T0 - 2 * HOUR, channels: ['C1'] }));
        await store.recordFinding(unrouted('e2', 'f2', 'B@x.com', T0 - HOUR));
        const [claimed] = await claim(store, T0);
        await store.markFailed(claimed!.delivery.id, 'channel_not_found');
        const all = await store.listRecentAlerts({ limit: 10 });
        expect(all.map((a) => a.login)).toEqual(['B@x.com', 'a@x.com']);
        expect(all[1]!.copies).toEqual([
          { channelId: 'C1', state: 'failed', lastError: 'channel_not_found', createdAt: T0 - 2 * HOUR },
        ]);
        expect(await store.countAlerts(0)).toMatchObject({ failed: 1, pending: 0 });
        expect((await store.listRecentAlerts({ login: 'b@X.com', limit: 10 })).map((a) => a.login)).toEqual([
          'B@x.com',
        ]);
        expect(await store.listRecentAlerts({ only: 'pending', limit: 10 })).toEqual([]);
        expect((await store.listRecentAlerts({ only: 'open', limit: 1 })).map((a) => a.login)).toEqual(['B@x.com']);
      });

      it('queues a channel its backlog once: matching checks and severities, not muted, not already there', async () => {
        await store.recordFinding(unrouted('e1', 'f1', 'a@x.com', T0 - HOUR));
        await store.recordFinding(unrouted('e2', 'f2', 'b@x.com', T0 - 2 * HOUR, 'low'));
        await store.recordFinding(unrouted('e3', 'f3', 'old@x.com', T0 - 8 * 24 * HOUR));
        await store.recordFinding(record('e4', 'f4', ['c@x.com'], { receivedAt: T0 - HOUR, channels: ['C1'] }));
        const muted = unrouted('e5', 'f5', 'm@x.com', T0 - HOUR);
        muted.alerts = muted.alerts.map((a) => ({ ...a, routing: 'muted' as const }));
        await store.recordFinding(muted);
        const { subscription } = await store.addSubscription({
          channelId: 'C1',
          checkIds: ['no-mfa'],
          minSeverity: 'medium',
          createdBy: 'U1',
          createdAt: T0,
        });
        const query = {
          channelId: 'C1',
          checkIds: ['no-mfa'],
          severities: ['medium', 'high', 'critical'] as Array<'medium' | 'high' | 'critical'>,
          since: T0 - 7 * 24 * HOUR,
        };
        expect(await store.countChannelBacklog(query)).toBe(1);
        expect(await store.countChannelBacklog({ ...query, checkIds: ['other'] })).toBe(0);
        expect(await store.countChannelBacklog({ ...query, channelId: 'C2', checkIds: [] })).toBe(2);
        // Whichever channels got them: a@ (unrouted) and c@ (posted in C1); not b@ (low), old@ nor m@ (muted).
        const { channelId: _c1, ...filter } = query;
        expect(await store.countMatchingAlerts(filter)).toBe(2);
        expect(await store.countMatchingAlerts({ ...filter, severities: ['low'] })).toBe(1);
        const [first, second] = await Promise.all([
          store.enqueueChannelBacklog({ ...query, subscriptionId: subscription.id, now: T0 }),
          store.enqueueChannelBacklog({ ...query, subscriptionId: subscription.id, now: T0 }),
        ]);
        expect(first + second).toBe(1);
        expect(await store.countChannelBacklog(query)).toBe(0);
        const queued = await store.listDeliveries({ findingId: 'f1' });
        expect(queued).toMatchObject([{ channelId: 'C1', state: 'pending', subscriptionId: subscription.id }]);
        expect(await store.countAlerts(T0 - 24 * HOUR)).toMatchObject({ unrouted: 1, muted: 1, pending: 2 });
      });
    });

    describe('durability', () => {
      it('applies migrations once and keeps the data across reopening', async () => {
        const version = await store.schemaVersion();
        expect(version).toBeGreaterThan(0);
        const { alertsCreated } = await store.recordFinding(record('e1', 'f1', ['a@x.com']));
        const { subscription } = await store.addSubscription({
          channelId: 'C1',
          checkIds: [],
          minSeverity: 'low',
          createdBy: 'U1',
          createdAt: T0,
        });
        await store.setState('k', 'v');
        await store.close();

        const reopened = await open();
        expect(await reopened.schemaVersion()).toBe(version);
        expect(await reopened.getAlert(alertsCreated[0]!.id)).toMatchObject({ login: 'a@x.com' });
        expect(await reopened.listSubscriptions()).toEqual([subscription]);
        expect(await reopened.getState('k')).toBe('v');
        expect((await reopened.recordFinding(record('e1', 'f1', ['a@x.com']))).duplicate).toBe(true);
        expect(await claim(reopened, T0)).toHaveLength(1);
      });
    });
  });
}
