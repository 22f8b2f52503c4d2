import { describe, expect, it } from 'vitest';
import type { InspectableStore, NewAlert, NewMute } from '../../src/store/types.ts';
import { record } from './records.ts';

const T0 = Date.UTC(2026, 0, 1);
const DAY = 24 * 3600_000;

const WITHDRAWN = 'withdrawn by a mute';
const LEASE = { leaseMs: 30_000, channelIntervalMs: 1_000, owner: 'w1' };

const mute = (overrides: Partial<NewMute> = {}): NewMute => ({
  checkId: 'impossible-travel',
  login: 'Mia@x.com',
  title: 'Impossible Travel',
  displayName: 'Mia Wong',
  alertId: 'a-1',
  channelId: 'C1',
  createdBy: 'UANALYST',
  createdAt: T0,
  expiresAt: T0 + 7 * DAY,
  reason: 'travelling',
  ...overrides,
});

/** The mutes part of the store contract; `store()` is the suite's store of the current test. */
export function muteContract(store: () => InspectableStore, open: () => Promise<InspectableStore>): void {
  describe('mutes', () => {
    it('stores a mute and reads it back while it is active, not once it has expired', async () => {
      const { created, mute: stored } = await store().addMute(mute());
      expect(created).toBe(true);
      expect(stored).toMatchObject({ ...mute(), id: expect.any(Number) as number });
      expect(await store().getMute(stored.id)).toEqual(stored);
      expect(await store().listActiveMutes({ now: T0 + DAY })).toEqual([stored]);
      expect(await store().listActiveMutes({ now: T0 + DAY, checkId: 'impossible-travel' })).toEqual([stored]);
      expect(await store().listActiveMutes({ now: T0 + DAY, checkId: 'no-mfa' })).toEqual([]);
      expect(await store().listActiveMutes({ now: T0 + 7 * DAY })).toEqual([]);
    });

    it('keeps one active mute per check and user (login in any case); another once it has expired', async () => {
      const first = await store().addMute(mute());
      const again = await store().addMute(mute({ login: 'MIA@X.COM', createdBy: 'UOTHER', createdAt: T0 + DAY }));
      expect(again).toEqual({ created: false, mute: first.mute, withdrawn: 0 });
      expect((await store().addMute(mute({ checkId: 'no-mfa', createdAt: T0 + DAY }))).created).toBe(true);
      expect((await store().addMute(mute({ login: 'bob@x.com', createdAt: T0 + DAY }))).created).toBe(true);
      const later = await store().addMute(mute({ createdAt: T0 + 7 * DAY, expiresAt: T0 + 8 * DAY }));
      expect(later.created).toBe(true);
      expect(later.mute.id).not.toBe(first.mute.id);
    });

    it('of concurrent mutes of one check for one user from two connections, exactly one is created', async () => {
      const other = await open();
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) => (i % 2 === 0 ? store() : other).addMute(mute({ createdBy: `U${i}` }))),
      );
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(results.map((r) => r.mute.id)).size).toBe(1);
      expect(await store().listActiveMutes({ now: T0 })).toHaveLength(1);
    });

    it('lifts an active mute once; an expired or lifted one is not lifted again', async () => {
      const { mute: stored } = await store().addMute(mute());
      const other = await open();
      const lifts = await Promise.all([
        store().liftMute(stored.id, { by: 'UA', at: T0 + DAY }),
        other.liftMute(stored.id, { by: 'UB', at: T0 + DAY }),
      ]);
      const lifted = lifts.filter((l) => l !== undefined);
      expect(lifted).toHaveLength(1);
      expect(lifted[0]).toMatchObject({
        id: stored.id,
        liftedAt: T0 + DAY,
        liftedBy: expect.stringMatching(/^U[AB]$/) as string,
      });
      expect(await store().listActiveMutes({ now: T0 + DAY })).toEqual([]);
      const { mute: expiring } = await store().addMute(mute({ createdAt: T0 + DAY, expiresAt: T0 + 2 * DAY }));
      expect(await store().liftMute(expiring.id, { by: 'UA', at: T0 + 2 * DAY })).toBeUndefined();
      expect(await store().liftMute(9_999, { by: 'UA', at: T0 })).toBeUndefined();
    });

    describe('cards waiting to be posted', () => {
      // record() gives its alerts the check no-mfa; the mute names the user in another case.
      const muteMia = (overrides: Partial<NewMute> = {}) =>
        store().addMute(mute({ checkId: 'no-mfa', login: 'MIA@X.COM', createdAt: T0 + 1, ...overrides }));
      const states = async (findingId = 'f1') =>
        (await store().listDeliveries({ findingId })).map((d) => ({
          kind: d.kind,
          channelId: d.channelId,
          state: d.state,
          ...(d.lastError ? { lastError: d.lastError } : {}),
        }));

      it('withdraws the queued cards of the check for the user, counts their alert muted, and leaves the rest', async () => {
        await store().recordFinding(record('e1', 'f1', ['Mia@x.com', 'bob@x.com'], { channels: ['C1', 'C2'] }));
        const asked = record('e2', 'f2', ['Mia@x.com']);
        await store().recordFinding({ ...asked, alerts: asked.alerts.map((a) => ({ ...a, verify: true })) });
        const otherCheck = record('e3', 'f3', ['Mia@x.com']);
        await store().recordFinding({ ...otherCheck, alerts: otherCheck.alerts.map((a) => ({ ...a, checkId: 'x' })) });

        expect((await store().getAlert(asked.alerts[0]!.id))?.verification?.state).toBe('pending');

        const { created, withdrawn } = await muteMia();

        expect(created).toBe(true);
        expect(withdrawn).toBe(3);
        expect(await states()).toEqual([
          { kind: 'alert', channelId: 'C1', state: 'failed', lastError: WITHDRAWN },
          { kind: 'alert', channelId: 'C1', state: 'pending' },
          { kind: 'alert', channelId: 'C2', state: 'failed', lastError: WITHDRAWN },
          { kind: 'alert', channelId: 'C2', state: 'pending' },
        ]);
        expect(await states('f2')).toEqual([{ kind: 'alert', channelId: 'C1', state: 'failed', lastError: WITHDRAWN }]);
        expect(await states('f3')).toEqual([{ kind: 'alert', channelId: 'C1', state: 'pending' }]);
        expect((await store().getAlert(asked.alerts[0]!.id))?.verification).toBeUndefined();
        expect(await store().countAlerts(T0)).toMatchObject({ arrived: 4, muted: 2, pending: 2, failed: 0 });
      });

      it('leaves a card being posted to finish, and its alert routed', async () => {
        await store().recordFinding(record('e1', 'f1', ['Mia@x.com'], { channels: ['C1', 'C2'] }));
        const [leased] = await store().claimDueDeliveries({ ...LEASE, now: T0, limit: 1 });
        expect(leased?.delivery.channelId).toBe('C1');

        expect((await muteMia()).withdrawn).toBe(1);

        expect(await states()).toEqual([
          { kind: 'alert', channelId: 'C1', state: 'pending' },
          { kind: 'alert', channelId: 'C2', state: 'failed', lastError: WITHDRAWN },
        ]);
        expect(await store().countAlerts(T0)).toMatchObject({ muted: 0, pending: 1 });
      });

      it('withdraws a summary card left with no thread card, and drops the user from one that has others', async () => {
        await store().recordFinding(record('e1', 'f1', ['Mia@x.com'], { threaded: true }));
        await store().recordFinding(record('e2', 'f2', ['Mia@x.com', 'bob@x.com'], { threaded: true }));

        expect((await muteMia()).withdrawn).toBe(2);

        expect(await states('f1')).toEqual([
          { kind: 'summary', channelId: 'C1', state: 'failed', lastError: WITHDRAWN },
          { kind: 'alert', channelId: 'C1', state: 'failed', lastError: WITHDRAWN },
        ]);
        const claimed = await store().claimDueDeliveries({ ...LEASE, now: T0 + 2, limit: 10 });
        expect(claimed).toHaveLength(1);
        const [summary] = claimed;
        expect(summary?.kind).toBe('summary');
        expect(summary?.kind === 'summary' && summary.summary.users.map((u) => u.login)).toEqual(['bob@x.com']);
      });

      it('stores a new alert of a check muted for its user as muted and not to be asked about, whatever the finding says', async () => {
        await muteMia();
        const finding = (envelopeId: string, receivedAt: number) => {
          const r = record(envelopeId, `f-${envelopeId}`, ['Mia@x.com', 'bob@x.com'], { receivedAt });
          return {
            ...r,
            alerts: r.alerts.map((a) => ({ ...a, verify: true })),
            // As the ingest plans: no card for a muted alert.
            planDeliveries: (created: readonly NewAlert[]) =>
              created
                .filter((a) => a.routing !== 'muted')
                .map((a) => ({ kind: 'alert' as const, alertId: a.id, channelId: 'C1' })),
          };
        };

        const during = await store().recordFinding(finding('e1', T0 + 2));
        expect(during.alertsCreated.map((a) => [a.login, a.routing ?? 'routed', a.verify ?? false])).toEqual([
          ['Mia@x.com', 'muted', false],
          ['bob@x.com', 'routed', true],
        ]);
        expect(during.deliveriesCreated).toBe(1);
        expect((await store().getAlert(during.alertsCreated[0]!.id))?.verification).toBeUndefined();

        const after = await store().recordFinding(finding('e2', T0 + 7 * DAY));
        expect(after.alertsCreated.map((a) => a.routing ?? 'routed')).toEqual(['routed', 'routed']);
        expect(after.deliveriesCreated).toBe(2);
      });

      it('withdraws nothing when the check is already muted for the user', async () => {
        await muteMia();
        await store().recordFinding(record('e1', 'f1', ['Mia@x.com']));

        expect(await muteMia({ createdAt: T0 + DAY })).toMatchObject({ created: false, withdrawn: 0 });
        expect(await states()).toEqual([{ kind: 'alert', channelId: 'C1', state: 'pending' }]);
      });
    });
  });
}
