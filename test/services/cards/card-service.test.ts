import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EndUser } from '../../../src/cii/schemas.ts';
import { silentLogger } from '../../../src/logger.ts';
import { createCardService, type CardWriter } from '../../../src/services/cards/card-service.ts';
import { createResponseService } from '../../../src/services/responses/response-service.ts';
import { openSqliteStore } from '../../../src/store/sqlite/sqlite-store.ts';
import type { ClaimedDelivery, NewAlertActionResult, Store } from '../../../src/store/types.ts';
import { record } from '../../store/records.ts';

const LOGIN = 'ann@example.com';
const ANALYST = { userId: 'UANALYST', userName: 'bob', teamId: 'T1', channelId: 'C1', messageTs: '111.1' };

/** The store, counting every call made through it. */
function counting(store: Store): { store: Store; calls: string[] } {
  const calls: string[] = [];
  const proxy = new Proxy(store, {
    get(target, name, receiver) {
      const value: unknown = Reflect.get(target, name, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push(String(name));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store: proxy, calls };
}

/** A card writer that records what it was asked to show, per copy. */
function recordingWriter() {
  const updates: Array<{ ts: string[]; state: string; actions: NewAlertActionResult[] }> = [];
  const replies: Array<{ ts: string[]; state: string }> = [];
  const summaries: string[][] = [];
  const writer: CardWriter = {
    updateSummaries: (posted) => {
      summaries.push(
        posted.map((p) => `${p.copy.ts}: ${p.summary.users.map((u) => `${u.login} ${u.state}`).join(', ')}`),
      );
      return Promise.resolve();
    },
    update: (copies, alert, actions) => {
      updates.push({ ts: copies.map((c) => c.ts), state: alert.state, actions: [...actions] });
      return Promise.resolve();
    },
    reply: (copies, _alertId, report) => {
      replies.push({ ts: copies.map((c) => c.ts), state: report.state });
      return Promise.resolve();
    },
    escalate: (copies) => {
      replies.push({ ts: copies.map((c) => c.ts), state: 'escalated' });
      return Promise.resolve();
    },
  };
  return { writer, updates, replies, summaries };
}

describe('card service', () => {
  let raw: Store;
  let alertId: string;
  let claimed: ClaimedDelivery;

  beforeEach(async () => {
    raw = openSqliteStore(':memory:', { logger: silentLogger });
    alertId = (await raw.recordFinding(record('e1', 'f1', [LOGIN]))).alertsCreated[0]!.id;
    [claimed] = (await raw.claimDueDeliveries({
      now: Date.now() + 60_000,
      limit: 10,
      leaseMs: 30_000,
      owner: 'test',
      channelIntervalMs: 0,
    })) as [ClaimedDelivery];
    await raw.markDelivered(claimed.delivery.id, { ts: '111.1' });
  });
  afterEach(() => raw.close());

  function respondWith(store: Store, writer: CardWriter) {
    const cards = createCardService({ store, writer, logger: silentLogger });
    const endUser = {
      endUserDetails: { id: 'u1', displayName: 'Ann', login: LOGIN, status: 'ACTIVE' },
      providerEndUserDetails: [{ provider: 'DUO', userId: 'DU1', login: LOGIN, status: 'ACTIVE' }],
    } as EndUser;
    return createResponseService({
      store,
      cii: { getEndUser: () => Promise.resolve(endUser) },
      providers: {
        DUO: {
          provider: 'DUO',
          label: 'Duo',
          readAccount: () => Promise.resolve({ ok: true, state: 'active', reported: 'active' }),
          block: () => Promise.resolve({ ok: true, steps: ['Duo blocked'] }),
          unblock: () => Promise.resolve({ ok: true, steps: ['Duo unblocked'] }),
        },
      },
      isResponder: () => Promise.resolve(true),
      emailOf: () => Promise.resolve('bob@example.com'),
      cards,
      clock: { now: () => 1_000 },
      logger: silentLogger,
    });
  }

  it('updates the cards of a Block click from what the response service holds: nine store calls (one checks the click came from a card, two journal the provider call), not thirteen', async () => {
    const { store, calls } = counting(raw);
    const { writer, updates, replies } = recordingWriter();
    expect(await respondWith(store, writer).block(alertId, ANALYST)).toMatchObject({ kind: 'blocked' });
    expect(calls).toEqual([
      'getAlert',
      'postedCopiesOf',
      'transitionAlert',
      'postedCopiesOf',
      'planActionSteps',
      'finishActionStep',
      'transitionAlert',
      'postedCopiesOf',
      'recordAudit',
    ]);
    expect(updates.map((u) => [u.ts, u.state, u.actions.map((a) => `${a.provider} ${a.ok}`)])).toEqual([
      [['111.1'], 'in_progress', []],
      [['111.1'], 'blocked', ['DUO true']],
    ]);
    expect(replies).toEqual([{ ts: ['111.1'], state: 'blocked' }]);
  });

  it('shows every result of the alert after an Unblock, those of the block included', async () => {
    const { writer, updates } = recordingWriter();
    const service = respondWith(raw, writer);
    await service.block(alertId, ANALYST);
    await service.unblock(alertId, ANALYST);
    expect(updates.at(-1)?.state).toBe('unblocked');
    const summary = (a: NewAlertActionResult) => `${a.action} ${a.provider} ${a.providerUserId} ${a.ok}`;
    expect(updates.at(-1)?.actions.map(summary)).toEqual(['block DUO DU1 true', 'unblock DUO DU1 true']);
    expect((await raw.listAlertActions(alertId)).map(summary)).toEqual(updates.at(-1)?.actions.map(summary));
  });

  it('updates the progress of the summary a thread card is under, and reads no summary for a card outside a thread', async () => {
    const threaded = (await raw.recordFinding(record('e2', 'f2', ['a@x.com', 'b@x.com'], { threaded: true })))
      .alertsCreated;
    const claim = async (now: number) =>
      (await raw.claimDueDeliveries({ now, limit: 10, leaseMs: 30_000, owner: 't', channelIntervalMs: 0 }))[0]!;
    await raw.markDelivered((await claim(Date.now() + 60_000)).delivery.id, { ts: '200.1' });
    await raw.markDelivered((await claim(Date.now() + 60_000)).delivery.id, { ts: '200.2' });
    const { store, calls } = counting(raw);
    const { writer, summaries } = recordingWriter();
    const service = respondWith(store, writer);
    await service.approve(threaded[0]!.id, { ...ANALYST, messageTs: '200.2' });
    expect(summaries).toEqual([['200.1: a@x.com approved, b@x.com open']]);
    calls.splice(0);
    await service.approve(alertId, ANALYST);
    expect(calls).not.toContain('postedSummariesOf');
    expect(summaries).toHaveLength(1);
  });

  it('brings a card posted while a decision was taken up to date, and leaves an undecided one alone', async () => {
    const { writer, updates } = recordingWriter();
    const cards = createCardService({ store: raw, writer, logger: silentLogger });
    await cards.afterPost(claimed);
    expect(updates).toEqual([]);
    await raw.transitionAlert(alertId, { from: ['open'], to: 'approved', actor: 'UANALYST', at: 2_000 });
    await cards.afterPost(claimed);
    expect(updates).toEqual([{ ts: ['111.1'], state: 'approved', actions: [] }]);
  });

  it('brings a card posted while its user was being asked up to date', async () => {
    const { writer, updates } = recordingWriter();
    if (claimed.kind !== 'alert') throw new Error('expected an alert card');
    const posted = { ...claimed, alert: { ...claimed.alert, verification: { state: 'pending' as const } } };
    const current = (await raw.getAlert(alertId))!;
    const getAlert = () => Promise.resolve({ ...current, verification: { state: 'pending' as const } });
    await createCardService({ store: { ...raw, getAlert }, writer, logger: silentLogger }).afterPost(posted);
    expect(updates).toEqual([]);
    const asked = () =>
      Promise.resolve({ ...current, verification: { state: 'asked' as const, name: 'Mia', at: 2_000 } });
    await createCardService({ store: { ...raw, getAlert: asked }, writer, logger: silentLogger }).afterPost(posted);
    expect(updates).toEqual([{ ts: ['111.1'], state: 'open', actions: [] }]);
  });

  it('re-reads the alert on the recovery path, and updates nothing for an alert that does not exist', async () => {
    const { writer, updates } = recordingWriter();
    const cards = createCardService({ store: raw, writer, logger: silentLogger });
    await raw.transitionAlert(alertId, { from: ['open'], to: 'approved', actor: 'UANALYST', at: 2_000 });
    await cards.refresh(alertId);
    await cards.refresh('no-such-alert');
    expect(updates).toEqual([{ ts: ['111.1'], state: 'approved', actions: [] }]);
  });
});
