import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { silentLogger } from '../../src/logger.ts';
import { createMuteService, type MuteService } from '../../src/services/mutes.ts';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import type { InspectableStore } from '../../src/store/types.ts';
import { record } from '../store/records.ts';

const T0 = Date.UTC(2026, 0, 1);
const ANALYST = { userId: 'UANALYST', channelId: 'C1' };

describe('mute service: which logins a check is muted for', () => {
  let store: InspectableStore;
  let clock: number;
  let reads: number;
  let mutes: MuteService;
  let alertId: string;

  beforeEach(async () => {
    store = openSqliteStore(':memory:', { logger: silentLogger });
    const { alertsCreated } = await store.recordFinding(record('e1', 'f1', ['Ann@x.com'], { receivedAt: T0 }));
    alertId = alertsCreated[0]!.id;
    clock = T0;
    reads = 0;
    const counted = {
      ...store,
      listActiveMutes: (filter: { now: number; checkId?: string }) => ((reads += 1), store.listActiveMutes(filter)),
    };
    mutes = createMuteService({
      store: counted,
      responses: {
        check: async (_action, id) => ({ kind: 'allowed', alert: (await store.getAlert(id))! }),
      },
      isResponder: () => Promise.resolve(true),
      notices: { muted: () => Promise.resolve(), unmuted: () => Promise.resolve() },
      clock: { now: () => clock },
      cacheTtlMs: 5_000,
      logger: silentLogger,
    });
  });
  afterEach(() => store.close());

  test('reads the active mutes once per interval, and a mute made here counts at once', async () => {
    expect(await mutes.mutedLogins('no-mfa')).toEqual(new Set());
    expect(await mutes.mutedLogins('no-mfa')).toEqual(new Set());
    expect(reads).toBe(1);
    expect(await mutes.mute(alertId, ANALYST, { duration: '24h' })).toMatchObject({ kind: 'muted' });
    expect(await mutes.mutedLogins('no-mfa')).toEqual(new Set(['ann@x.com']));
    expect(await mutes.mutedLogins('other-check')).toEqual(new Set());
  });

  test("another replica's mute counts once the interval is over; an expired one no longer counts", async () => {
    expect(await mutes.mutedLogins('no-mfa')).toEqual(new Set());
    await store.addMute({
      checkId: 'no-mfa',
      login: 'ann@x.com',
      title: 'No MFA Configured',
      createdBy: 'UOTHER',
      createdAt: T0,
      expiresAt: T0 + 60_000,
    });
    clock = T0 + 4_999;
    expect(await mutes.mutedLogins('no-mfa')).toEqual(new Set());
    clock = T0 + 5_000;
    expect(await mutes.mutedLogins('no-mfa')).toEqual(new Set(['ann@x.com']));
    clock = T0 + 60_000;
    expect(await mutes.mutedLogins('no-mfa')).toEqual(new Set());
  });

  test('an unmute here counts at once, and a failed read is asked again at the next webhook', async () => {
    const muted = await mutes.mute(alertId, ANALYST, { duration: '7d' });
    if (muted.kind !== 'muted') throw new Error(muted.kind);
    expect(await mutes.mutedLogins('no-mfa')).toEqual(new Set(['ann@x.com']));
    expect(await mutes.unmute(muted.mute.id, ANALYST)).toMatchObject({ kind: 'unmuted' });
    expect(await mutes.mutedLogins('no-mfa')).toEqual(new Set());

    await store.close();
    clock += 5_000;
    await expect(mutes.mutedLogins('no-mfa')).rejects.toThrow();
    const readsAfterFailure = reads;
    await expect(mutes.mutedLogins('no-mfa')).rejects.toThrow();
    expect(reads).toBe(readsAfterFailure + 1);
  });

  test('a mute withdraws the cards of the check for the user still waiting, and says how many in its outcome and audit', async () => {
    await store.recordFinding(record('e2', 'f2', ['ANN@x.com', 'bob@x.com'], { receivedAt: T0 }));

    const muted = await mutes.mute(alertId, ANALYST, { duration: '24h' });

    expect(muted).toMatchObject({ kind: 'muted', withdrawn: 2 });
    const [entry] = await store.listAudit({ login: 'ann@x.com', limit: 1 });
    expect(entry?.detail).toBe(
      'No MFA Configured (no-mfa) for 24 hours, until 2026-01-02 00:00 UTC; 2 queued cards withdrawn',
    );
    expect((await store.listDeliveries({ state: 'pending' })).map((d) => d.findingId)).toEqual(['f2']);
  });
});
