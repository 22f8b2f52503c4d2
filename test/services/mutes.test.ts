import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { silentLogger } from '../../src/logger.ts';
import { createMuteService, type MuteService } from '../../src/services/mutes.ts';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import type { InspectableStore } from '../../src/store/types.ts';
import { record } from '../store/records.ts';

const T0 = Date.UTC(2026, 0, 1);
const ANALYST = { userId: 'UANALYST', channelId: 'C1' };

describe('mute service', () => {
  let store: InspectableStore;
  let mutes: MuteService;
  let alertId: string;

  beforeEach(async () => {
    store = openSqliteStore(':memory:', { logger: silentLogger });
    const { alertsCreated } = await store.recordFinding(record('e1', 'f1', ['Ann@x.com'], { receivedAt: T0 }));
    alertId = alertsCreated[0]!.id;
    mutes = createMuteService({
      store,
      responses: {
        check: async (_action, id) => ({ kind: 'allowed', alert: (await store.getAlert(id))! }),
      },
      isResponder: () => Promise.resolve(true),
      notices: { muted: () => Promise.resolve(), unmuted: () => Promise.resolve() },
      clock: { now: () => T0 },
      logger: silentLogger,
    });
  });
  afterEach(() => store.close());

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
