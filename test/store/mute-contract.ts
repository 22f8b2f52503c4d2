import { describe, expect, it } from 'vitest';
import type { InspectableStore, NewMute } from '../../src/store/types.ts';

const T0 = Date.UTC(2026, 0, 1);
const DAY = 24 * 3600_000;

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
      expect(again).toEqual({ created: false, mute: first.mute });
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
  });
}
