import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CiiNotFoundError, CiiUnavailableError } from '../../../src/cii/errors.ts';
import type { EndUser } from '../../../src/cii/schemas.ts';
import type { IdentityProviders } from '../../../src/idp/registry.ts';
import type {
  AccountState,
  IdentityProviderClient,
  IdentityProviderName,
  ProviderActionResult,
} from '../../../src/idp/types.ts';
import { createLogger, silentLogger } from '../../../src/logger.ts';
import { createResponseService, type ResponseServiceDeps } from '../../../src/services/responses/response-service.ts';
import type { AlertCards, ResponseReport } from '../../../src/services/responses/types.ts';
import { openSqliteStore } from '../../../src/store/sqlite/sqlite-store.ts';
import type { Store } from '../../../src/store/types.ts';
import { record } from '../../store/records.ts';

const LOGIN = 'ann@example.com';
const ANALYST = { userId: 'UANALYST', userName: 'bob', teamId: 'T1', channelId: 'C1', messageTs: '100.1' };
const OTHER = { userId: 'UOTHER', userName: 'dan', teamId: 'T1', channelId: 'C2', messageTs: '200.2' };

type Script = Array<ProviderActionResult | Error>;

/**
 * A provider client holding each account's state (active until blocked) that answers from a script (default:
 * success, which sets the state) and records every call that reaches the provider, and every read.
 */
function fakeProvider(provider: IdentityProviderName, label: string) {
  const calls: Array<{ action: 'block' | 'unblock'; userId: string }> = [];
  const reads: string[] = [];
  const states = new Map<string, AccountState>();
  const scripts: Record<'block' | 'unblock', Script> = { block: [], unblock: [] };
  const answer =
    (action: 'block' | 'unblock') =>
    async (userId: string, current?: AccountState): Promise<ProviderActionResult> => {
      const wanted = action === 'block' ? 'blocked' : 'active';
      if (current === wanted) return { ok: true, steps: [`${label} was already ${wanted}`] };
      calls.push({ action, userId });
      await new Promise((resolve) => setTimeout(resolve, 5));
      const next = scripts[action].shift();
      if (next instanceof Error) throw next;
      if (next) return next;
      states.set(userId, wanted);
      return { ok: true, steps: [`${label} ${action}ed`] };
    };
  const client: IdentityProviderClient = {
    provider,
    label,
    readAccount: (userId) => {
      reads.push(userId);
      const state = states.get(userId) ?? 'active';
      return Promise.resolve({ ok: true, state, reported: state });
    },
    block: answer('block'),
    unblock: answer('unblock'),
  };
  return { client, calls, reads, states, scripts };
}

function endUser(accounts: Array<{ provider: string; userId: string }>): EndUser {
  return {
    endUserDetails: { id: 'u1', displayName: 'Ann', login: LOGIN, status: 'ACTIVE', referenceUrl: 'https://cii/u1' },
    providerEndUserDetails: accounts.map((a) => ({ ...a, login: LOGIN, status: 'ACTIVE' })),
  };
}

describe('response service', () => {
  let store: Store;
  let alertId: string;
  let duo: ReturnType<typeof fakeProvider>;
  let okta: ReturnType<typeof fakeProvider>;
  let refreshes: string[];
  let reports: ResponseReport[];
  let ciiAnswers: Array<EndUser | Error>;
  let deps: ResponseServiceDeps;

  beforeEach(async () => {
    store = openSqliteStore(':memory:', { logger: silentLogger });
    const finding = record('e1', 'f1', [LOGIN], { channels: ['C1', 'C2'] });
    alertId = (await store.recordFinding(finding)).alertsCreated[0]!.id;
    // The alert's card, posted in both channels: clicks come from these messages.
    for (const claimed of await store.claimDueDeliveries({
      leaseMs: 30_000,
      channelIntervalMs: 0,
      owner: 'w1',
      now: 10 ** 13,
      limit: 10,
    })) {
      await store.markDelivered(claimed.delivery.id, { ts: claimed.delivery.channelId === 'C1' ? '100.1' : '200.2' });
    }
    duo = fakeProvider('DUO', 'Duo');
    okta = fakeProvider('OKTA', 'Okta');
    refreshes = [];
    reports = [];
    ciiAnswers = [];
    const cards: AlertCards = {
      refresh: async (id) => {
        refreshes.push((await store.getAlert(id))!.state);
      },
      show: (alert) => {
        refreshes.push(alert.state);
        return Promise.resolve();
      },
      report: (alert, _actions, report) => {
        refreshes.push(alert.state);
        reports.push(report);
        return Promise.resolve();
      },
    };
    const providers: IdentityProviders = { DUO: duo.client, OKTA: okta.client };
    deps = {
      store,
      cii: {
        getEndUser: () => {
          const next =
            ciiAnswers.shift() ??
            endUser([
              { provider: 'DUO', userId: 'DU1' },
              { provider: 'OKTA', userId: '00u1' },
              { provider: 'AZURE_AD', userId: 'e1' },
            ]);
          return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
        },
      },
      providers,
      isResponder: (userId) => Promise.resolve(userId !== 'UVIEWER'),
      emailOf: (userId) => Promise.resolve(`${userId.toLowerCase()}@example.com`),
      cards,
      clock: { now: () => 1_000 },
      logger: silentLogger,
    };
  });
  afterEach(() => store.close());

  const postSummary = (findingId: string, ts: string) => postSummaryIn(store, findingId, ts);
  const audit = async () =>
    (await store.listAudit({ limit: 100 })).reverse().map((e) => [e.userId, e.action, e.outcome]);

  /** The alert moved into a Block by a replica `owner` whose lease ends at `until`; returns the attempt. */
  async function startedBy(owner: string, until: number, action: 'block' | 'unblock' = 'block'): Promise<number> {
    const from = action === 'block' ? (['open'] as const) : (['blocked'] as const);
    const started = await store.transitionAlert(alertId, {
      from: [...from],
      to: 'in_progress',
      actor: 'UANALYST',
      at: 1_000,
      action,
      lease: { owner, until },
    });
    return started.alert!.version;
  }
  const at = (now: number, owner: string) => createResponseService({ ...deps, owner, clock: { now: () => now } });

  it('recovers a Block its replica left unfinished once its lease ran out, exactly once: journalled outcomes kept, the rest read and done only if not done, audited', async () => {
    const attempt = await startedBy('dead', 31_000);
    const accounts = [
      { provider: 'DUO', providerUserId: 'DU1' },
      { provider: 'OKTA', providerUserId: '00u1' },
    ];
    await store.planActionSteps({ alertId, attempt, operation: 'block', actor: 'UANALYST', at: 1_000 }, accounts);
    await store.finishActionStep(
      { alertId, attempt, ...accounts[0]! },
      { ok: true, steps: ['Duo blocked'], at: 1_100 },
    );
    duo.states.set('DU1', 'blocked');
    // Okta acted on the call, but the replica died before it could journal the answer.
    okta.states.set('00u1', 'blocked');

    expect(await at(30_000, 'r2').recoverInterrupted()).toBe(0);
    const recovered = await Promise.all([at(32_000, 'r2').recoverInterrupted(), at(32_000, 'r3').recoverInterrupted()]);
    expect(recovered.sort()).toEqual([0, 1]);
    expect(await store.getAlert(alertId)).toMatchObject({ state: 'blocked', decidedBy: 'UANALYST' });
    expect([...duo.calls, ...okta.calls]).toEqual([]);
    expect([duo.reads, okta.reads]).toEqual([[], ['00u1']]);
    expect(reports).toEqual([
      expect.objectContaining({
        state: 'blocked',
        results: [
          expect.objectContaining({ label: 'Duo', ok: true, steps: ['Duo blocked'] }),
          expect.objectContaining({ label: 'Okta', ok: true, steps: ['Okta was already blocked'] }),
        ],
      }),
    ]);
    expect((await store.listAudit({ limit: 10 })).map((e) => [e.userId, e.action, e.outcome, e.detail])).toEqual([
      ['UANALYST', 'block', 'blocked', 'recovered after the app stopped mid-action: Duo DU1: ok; Okta 00u1: ok'],
    ]);
    expect(await at(99_000, 'r4').recoverInterrupted()).toBe(0);
  });

  it('recovers an action interrupted before anything was journalled as a repeat: each account read, only what is not done called', async () => {
    await startedBy('dead', 31_000);
    duo.states.set('DU1', 'blocked');
    expect(await at(32_000, 'r2').recoverInterrupted()).toBe(1);
    expect(await store.getAlert(alertId)).toMatchObject({ state: 'blocked' });
    expect([duo.reads, okta.reads]).toEqual([['DU1'], ['00u1']]);
    expect(duo.calls).toEqual([]);
    expect(okta.calls).toEqual([{ action: 'block', userId: '00u1' }]);
  });

  it('ends a recovered Block as a partial block when a provider still fails, with Retry and Unblock left to the cards', async () => {
    await startedBy('dead', 31_000);
    okta.scripts.block.push({ ok: false, error: 'Okta is unavailable (HTTP 503)', retryable: true, steps: [] });
    expect(await at(32_000, 'r2').recoverInterrupted()).toBe(1);
    expect(await store.getAlert(alertId)).toMatchObject({ state: 'failed', decisionAction: 'block' });
    expect((await audit()).at(-1)).toEqual(['UANALYST', 'block', 'block_failed']);
    expect(await at(33_000, 'r2').unblock(alertId, OTHER)).toMatchObject({
      kind: 'unblocked',
      results: [{ label: 'Duo', ok: true }],
    });
  });

  it('recovers an interrupted Unblock the same way, reading before repeating', async () => {
    await createResponseService(deps).block(alertId, ANALYST);
    const attempt = await startedBy('dead', 31_000, 'unblock');
    await store.planActionSteps({ alertId, attempt, operation: 'unblock', actor: 'UANALYST', at: 1_000 }, [
      { provider: 'DUO', providerUserId: 'DU1' },
      { provider: 'OKTA', providerUserId: '00u1' },
    ]);
    duo.states.set('DU1', 'active');
    expect(await at(32_000, 'r2').recoverInterrupted()).toBe(1);
    expect(await store.getAlert(alertId)).toMatchObject({ state: 'unblocked' });
    expect(duo.calls.map((c) => c.action)).toEqual(['block']);
    expect(okta.calls.map((c) => c.action)).toEqual(['block', 'unblock']);
  });

  it('calls no provider when the journal cannot be written; the action waits in progress for recovery', async () => {
    const broken = {
      ...store,
      planActionSteps: () => Promise.reject(new Error('database gone')),
    } as unknown as Store;
    await expect(createResponseService({ ...deps, store: broken }).block(alertId, ANALYST)).rejects.toThrow(
      'database gone',
    );
    expect([...duo.calls, ...okta.calls]).toEqual([]);
    expect(await store.getAlert(alertId)).toMatchObject({ state: 'in_progress' });
    expect(await at(1_000 + 31_000, 'r2').recoverInterrupted()).toBe(1);
    expect(await store.getAlert(alertId)).toMatchObject({ state: 'blocked' });
  });

  it('leaves an action whose outcome could not be journalled (the database went away) to recovery, which repeats nothing', async () => {
    const lost = {
      ...store,
      finishActionStep: (key: { provider: string }, outcome: unknown) =>
        key.provider === 'OKTA'
          ? Promise.reject(new Error('connection terminated'))
          : store.finishActionStep(key as never, outcome as never),
    } as unknown as Store;
    await expect(createResponseService({ ...deps, store: lost }).block(alertId, ANALYST)).rejects.toThrow(
      'connection terminated',
    );
    expect(await store.getAlert(alertId)).toMatchObject({ state: 'in_progress' });
    expect(await at(1_000 + 31_000, 'r2').recoverInterrupted()).toBe(1);
    expect(await store.getAlert(alertId)).toMatchObject({ state: 'blocked' });
    expect(duo.calls).toHaveLength(1);
    expect(okta.calls).toHaveLength(1);
    expect([duo.reads, okta.reads]).toEqual([[], ['00u1']]);
  });

  it('reads each account before a Retry and repeats nothing a provider already shows done (its answer was lost)', async () => {
    okta.scripts.block.push({ ok: false, error: 'Okta did not answer within 10000 ms', retryable: true, steps: [] });
    const service = createResponseService(deps);
    expect(await service.block(alertId, ANALYST)).toMatchObject({ kind: 'failed' });
    okta.states.set('00u1', 'blocked');
    expect(await service.retry(alertId, OTHER)).toMatchObject({
      kind: 'blocked',
      results: [{ label: 'Okta', ok: true, steps: ['Okta was already blocked'] }],
    });
    expect(okta.calls).toHaveLength(1);
    expect(okta.reads).toEqual(['00u1']);
  });

  it('refuses a click that does not come from a posted copy of the alert’s card, naming no one, calling nothing', async () => {
    const service = createResponseService(deps);
    for (const forged of [
      { ...ANALYST, channelId: 'C9' },
      { ...ANALYST, messageTs: '999.9' },
      { ...ANALYST, channelId: 'C2' },
      { ...ANALYST, messageTs: undefined },
    ])
      expect(await service.block(alertId, forged)).toEqual({ kind: 'refused', reason: 'not_a_card' });
    expect((await store.getAlert(alertId))?.state).toBe('open');
    expect([...duo.calls, ...okta.calls, ...refreshes]).toEqual([]);
    expect((await store.listAudit({ limit: 10 })).map((e) => [e.channelId, e.outcome])).toEqual(
      Array(4).fill(expect.arrayContaining(['refused_not_a_card'])),
    );
  });

  it('refuses a click from someone who is not a responder: nothing moves, no provider is called, the refusal is audited', async () => {
    const service = createResponseService(deps);
    expect(await service.block(alertId, { ...ANALYST, userId: 'UVIEWER' })).toEqual({
      kind: 'refused',
      reason: 'not_responder',
    });
    expect((await store.getAlert(alertId))?.state).toBe('open');
    expect([...duo.calls, ...okta.calls, ...refreshes]).toEqual([]);
    expect(await store.listAudit({ limit: 5 })).toMatchObject([
      {
        userId: 'UVIEWER',
        userName: 'bob',
        teamId: 'T1',
        channelId: 'C1',
        alertId,
        login: LOGIN,
        action: 'block',
        outcome: 'refused_not_responder',
      },
    ]);
  });

  it('refuses an action on the clicker’s own account, comparing emails without case', async () => {
    const service = createResponseService({ ...deps, emailOf: () => Promise.resolve('ANN@Example.com') });
    expect(await service.approve(alertId, ANALYST)).toEqual({ kind: 'refused', reason: 'self' });
    expect((await store.getAlert(alertId))?.state).toBe('open');
  });

  it('refuses when the clicker’s Slack email cannot be read, since the self check cannot be made', async () => {
    const failing = createResponseService({ ...deps, emailOf: async () => Promise.reject(new Error('ratelimited')) });
    expect(await failing.approve(alertId, ANALYST)).toEqual({ kind: 'refused', reason: 'unverified' });
    const missing = createResponseService({ ...deps, emailOf: () => Promise.resolve(undefined) });
    expect(await missing.block(alertId, ANALYST)).toEqual({ kind: 'refused', reason: 'unverified' });
    expect(await audit()).toEqual([
      ['UANALYST', 'approve', 'refused_unverified'],
      ['UANALYST', 'block', 'refused_unverified'],
    ]);
  });

  it('refuses Block when no identity provider is configured', async () => {
    const service = createResponseService({ ...deps, providers: {} });
    expect(await service.block(alertId, ANALYST)).toEqual({ kind: 'refused', reason: 'no_providers' });
    expect((await store.getAlert(alertId))?.state).toBe('open');
  });

  it('answers not_found for an unknown alert and audits it', async () => {
    expect(await createResponseService(deps).retry('nope', ANALYST)).toEqual({ kind: 'not_found' });
    expect(await audit()).toEqual([['UANALYST', 'retry', 'not_found']]);
  });

  it('approves once: the decision is stored with who and when, later clicks hear the current state', async () => {
    const service = createResponseService(deps);
    const approved = await service.approve(alertId, ANALYST);
    expect(approved).toMatchObject({
      kind: 'approved',
      alert: { state: 'approved', decidedBy: 'UANALYST', decidedAt: 1_000 },
    });
    expect(await service.block(alertId, OTHER)).toMatchObject({
      kind: 'already',
      alert: { state: 'approved', decidedBy: 'UANALYST' },
    });
    expect(refreshes).toEqual(['approved']);
    expect(duo.calls).toEqual([]);
  });

  it('blocks in each configured provider where CII lists an account, skipping the others, and reports per provider', async () => {
    const outcome = await createResponseService(deps).block(alertId, ANALYST);
    expect(outcome).toMatchObject({ kind: 'blocked', alert: { state: 'blocked', decisionAction: 'block' } });
    expect(duo.calls).toEqual([{ action: 'block', userId: 'DU1' }]);
    expect(okta.calls).toEqual([{ action: 'block', userId: '00u1' }]);
    expect(refreshes).toEqual(['in_progress', 'blocked']);
    expect(reports).toEqual([
      {
        action: 'block',
        state: 'blocked',
        actor: 'UANALYST',
        at: 1_000,
        results: [
          { provider: 'DUO', label: 'Duo', providerUserId: 'DU1', ok: true, steps: ['Duo blocked'] },
          { provider: 'OKTA', label: 'Okta', providerUserId: '00u1', ok: true, steps: ['Okta blocked'] },
        ],
      },
    ]);
    expect((await store.listAlertActions(alertId)).map((a) => [a.provider, a.ok])).toEqual([
      ['DUO', true],
      ['OKTA', true],
    ]);
    expect((await store.listAudit({ limit: 1 }))[0]).toMatchObject({
      outcome: 'blocked',
      detail: 'Duo DU1: ok; Okta 00u1: ok',
    });
  });

  it('lets one of ten concurrent Block clicks act: one call per provider, nine "already"', async () => {
    const service = createResponseService(deps);
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, (_, i) => service.block(alertId, i % 2 ? ANALYST : OTHER)),
    );
    expect(outcomes.filter((o) => o.kind === 'blocked')).toHaveLength(1);
    expect(outcomes.filter((o) => o.kind === 'already')).toHaveLength(9);
    expect(duo.calls).toHaveLength(1);
    expect(okta.calls).toHaveLength(1);
  });

  it('fails a partial block plainly and retries only what failed', async () => {
    okta.scripts.block.push({
      ok: false,
      error: 'Okta is unavailable (HTTP 503)',
      retryable: true,
      steps: ['Okta user suspended'],
    });
    const service = createResponseService(deps);
    const failed = await service.block(alertId, ANALYST);
    expect(failed).toMatchObject({ kind: 'failed', action: 'block', alert: { state: 'failed' } });
    expect(reports[0]).toMatchObject({
      state: 'failed',
      results: [
        { label: 'Duo', ok: true },
        { label: 'Okta', ok: false, error: 'Okta is unavailable (HTTP 503)', steps: ['Okta user suspended'] },
      ],
    });

    const retried = await service.retry(alertId, OTHER);
    expect(retried).toMatchObject({
      kind: 'blocked',
      alert: { state: 'blocked', decidedBy: 'UOTHER' },
      results: [{ label: 'Okta', ok: true }],
    });
    expect(duo.calls).toHaveLength(1);
    expect(okta.calls).toHaveLength(2);
    expect(await audit()).toEqual([
      ['UANALYST', 'block', 'block_failed'],
      ['UOTHER', 'retry', 'blocked'],
    ]);
  });

  it('refuses, saying why, when CII cannot be asked who the alert is about: nothing moves, no provider is called', async () => {
    ciiAnswers.push(new CiiUnavailableError('timeout'));
    const service = createResponseService(deps);
    expect(await service.block(alertId, ANALYST)).toEqual({
      kind: 'refused',
      reason: 'identity_unchecked',
      detail: 'CII is unreachable or too slow right now',
    });
    expect((await store.getAlert(alertId))?.state).toBe('open');
    expect([...duo.calls, ...okta.calls]).toEqual([]);
    expect(await service.block(alertId, ANALYST)).toMatchObject({ kind: 'blocked' });
  });

  it('refuses an action on an alert about another of the clicker’s logins or addresses CII knows', async () => {
    const user = endUser([{ provider: 'DUO', userId: 'DU1' }]);
    user.endUserDetails.emails = ['UAnalyst+SOC@Example.com'];
    ciiAnswers.push(user);
    expect(await createResponseService(deps).approve(alertId, ANALYST)).toEqual({ kind: 'refused', reason: 'self' });
    expect((await store.getAlert(alertId))?.state).toBe('open');
  });

  it('fails cleanly when CII has no such user any more, and calls no provider', async () => {
    ciiAnswers.push(new CiiNotFoundError('no user'), new CiiNotFoundError('no user'));
    const service = createResponseService(deps);
    expect(await service.block(alertId, ANALYST)).toMatchObject({
      kind: 'failed',
      error: `Could not read the user’s accounts from CII: CII has no user ${LOGIN}`,
      results: [],
    });
    expect([...duo.calls, ...okta.calls]).toEqual([]);
  });

  it('fails when CII lists no account in a configured provider, and when a provider client throws', async () => {
    ciiAnswers.push(endUser([{ provider: 'AZURE_AD', userId: 'e1' }]));
    const service = createResponseService(deps);
    expect(await service.block(alertId, ANALYST)).toMatchObject({
      kind: 'failed',
      error: 'CII lists no account of this user in Duo, Okta',
    });
    duo.scripts.block.push(new Error('boom'));
    expect(await service.retry(alertId, ANALYST)).toMatchObject({
      kind: 'failed',
      results: [
        { label: 'Duo', ok: false, error: 'Duo: unexpected error (see the app log)' },
        { label: 'Okta', ok: true },
      ],
    });
  });

  it('unblocks each account the block disabled, and retries a failed unblock only where it failed', async () => {
    okta.scripts.block.push({ ok: false, error: 'Okta refused', retryable: false, steps: [] });
    const service = createResponseService(deps);
    await service.block(alertId, ANALYST);
    await service.retry(alertId, ANALYST);

    duo.scripts.unblock.push({ ok: false, error: 'Duo is unavailable (HTTP 503)', retryable: true, steps: [] });
    expect(await service.unblock(alertId, OTHER)).toMatchObject({
      kind: 'failed',
      action: 'unblock',
      alert: { state: 'failed', decisionAction: 'unblock' },
    });
    expect(await service.retry(alertId, OTHER)).toMatchObject({
      kind: 'unblocked',
      results: [{ label: 'Duo', ok: true }],
    });
    expect(duo.calls.filter((c) => c.action === 'unblock')).toHaveLength(2);
    expect(okta.calls.filter((c) => c.action === 'unblock')).toEqual([{ action: 'unblock', userId: '00u1' }]);
    expect(await service.unblock(alertId, OTHER)).toMatchObject({ kind: 'already', alert: { state: 'unblocked' } });
  });

  it('logs every failed provider call with provider, status and alert id, and nothing secret', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'debug', write: (line) => lines.push(line) });
    duo.scripts.block.push({
      ok: false,
      error: 'Duo rejected the configured credentials',
      retryable: false,
      steps: [],
      status: 401,
    });
    okta.scripts.block.push({ ok: false, error: 'Okta did not answer within 10000 ms', retryable: true, steps: [] });
    expect(await createResponseService({ ...deps, logger }).block(alertId, ANALYST)).toMatchObject({ kind: 'failed' });
    const failures = lines.filter((line) => line.includes('block failed'));
    expect(failures).toHaveLength(2);
    const duoLine = failures.find((line) => line.includes('Duo'))!;
    for (const expected of [alertId, 'DUO', 'DU1', '401']) expect(duoLine).toContain(expected);
    const oktaLine = failures.find((line) => line.includes('Okta'))!;
    for (const expected of [alertId, 'OKTA', '00u1', 'no answer']) expect(oktaLine).toContain(expected);
  });

  it('says "already" to a Retry of an alert that has not failed', async () => {
    expect(await createResponseService(deps).retry(alertId, ANALYST)).toMatchObject({
      kind: 'already',
      alert: { state: 'open' },
    });
  });

  it('unblocks what a partial block did, leaves what failed alone, and lets Block act again afterwards', async () => {
    okta.scripts.block.push({ ok: false, error: 'Okta refused', retryable: false, steps: [] });
    const service = createResponseService(deps);
    expect(await service.block(alertId, ANALYST, { reason: '  login from Pyongyang  ' })).toMatchObject({
      kind: 'failed',
      alert: { state: 'failed', decisionReason: 'login from Pyongyang' },
    });
    expect(await service.unblock(alertId, OTHER)).toMatchObject({
      kind: 'unblocked',
      results: [{ label: 'Duo', ok: true }],
    });
    expect(okta.calls).toEqual([{ action: 'block', userId: '00u1' }]);
    expect((await store.getAlert(alertId))?.decisionReason).toBeUndefined();

    // Blocked again after the unblock: every account is acted on once more, Okta included.
    expect(await service.block(alertId, ANALYST)).toMatchObject({ kind: 'blocked' });
    expect(duo.calls.map((c) => c.action)).toEqual(['block', 'unblock', 'block']);
    expect(okta.calls.map((c) => c.action)).toEqual(['block', 'block']);
    expect(await service.unblock(alertId, OTHER)).toMatchObject({
      kind: 'unblocked',
      results: [
        { label: 'Duo', ok: true },
        { label: 'Okta', ok: true },
      ],
    });
    expect((await audit()).map((a) => a[2])).toEqual(['block_failed', 'unblocked', 'blocked', 'unblocked']);
    expect((await store.listAudit({ limit: 10 })).at(-1)?.reason).toBe('login from Pyongyang');
  });

  it('says "already" to an Unblock of a block that did nothing anywhere', async () => {
    duo.scripts.block.push({ ok: false, error: 'Duo refused', retryable: false, steps: [] });
    okta.scripts.block.push({ ok: false, error: 'Okta refused', retryable: false, steps: [] });
    const service = createResponseService(deps);
    await service.block(alertId, ANALYST);
    expect(await service.unblock(alertId, OTHER)).toMatchObject({ kind: 'already', alert: { state: 'failed' } });
    expect(duo.calls.filter((c) => c.action === 'unblock')).toEqual([]);
  });

  it('approves with a reason, reopens, and lets a second Approve or Block follow', async () => {
    const service = createResponseService(deps);
    expect(await service.approve(alertId, ANALYST, { reason: 'travel booked' })).toMatchObject({
      kind: 'approved',
      alert: { state: 'approved', decidedBy: 'UANALYST', decisionReason: 'travel booked' },
    });
    expect(await service.reopen(alertId, OTHER)).toMatchObject({
      kind: 'reopened',
      alert: { state: 'open', decidedBy: 'UOTHER' },
    });
    expect(await service.reopen(alertId, OTHER)).toMatchObject({ kind: 'already', alert: { state: 'open' } });
    expect(await service.block(alertId, ANALYST)).toMatchObject({ kind: 'blocked' });
    expect(await service.reopen(alertId, OTHER)).toMatchObject({ kind: 'already', alert: { state: 'blocked' } });
    const entries = (await store.listAudit({ limit: 10 })).reverse();
    expect(entries.map((e) => [e.action, e.outcome, e.reason])).toEqual([
      ['approve', 'approved', 'travel booked'],
      ['reopen', 'reopened', undefined],
      ['reopen', 'already_open', undefined],
      ['block', 'blocked', undefined],
      ['reopen', 'already_blocked', undefined],
    ]);
  });

  it('checks before a modal without acting or auditing, but audits a refusal', async () => {
    const service = createResponseService(deps);
    expect(await service.check('block', alertId, ANALYST)).toMatchObject({ kind: 'allowed' });
    expect(await service.check('reopen', alertId, ANALYST)).toMatchObject({ kind: 'already' });
    expect(await service.check('block', alertId, { ...ANALYST, userId: 'UVIEWER' })).toEqual({
      kind: 'refused',
      reason: 'not_responder',
    });
    expect(duo.calls).toEqual([]);
    expect(await audit()).toEqual([
      ['UANALYST', 'reopen', 'already_open'],
      ['UVIEWER', 'block', 'refused_not_responder'],
    ]);
  });

  it('previews Block: the accounts acted on and how, those left alone and why, privileged groups and non-person accounts', async () => {
    ciiAnswers.push({
      ...endUser([
        { provider: 'DUO', userId: 'DU1' },
        { provider: 'AZURE_AD', userId: 'e1' },
      ]),
      endUserDetails: {
        id: 'u1',
        displayName: 'Ann',
        login: LOGIN,
        status: 'ACTIVE',
        referenceUrl: 'https://cii/u1',
        groupNames: ['All Employees', 'Okta Super Admins'],
        userTypeClassification: 'SERVICE_ACCOUNT',
      },
    });
    const outcome = await createResponseService(deps).previewBlock(alertId, ANALYST);
    expect(outcome).toMatchObject({
      kind: 'preview',
      preview: {
        login: LOGIN,
        displayName: 'Ann',
        targets: [{ label: 'Duo', providerUserId: 'DU1', status: 'ACTIVE', effect: 'status set to disabled' }],
        untouched: [
          { label: 'Entra ID', why: 'not_configured', providerUserId: 'e1' },
          { label: 'Okta', why: 'no_account' },
        ],
        groupNames: ['All Employees', 'Okta Super Admins'],
        nonPersonType: 'SERVICE_ACCOUNT',
      },
    });
    expect(duo.calls).toEqual([]);
    expect(await audit()).toEqual([]);
  });

  it('refuses the preview when CII cannot say who the user is, says when CII has no such user, and refuses a non-responder before reading CII', async () => {
    ciiAnswers.push(new CiiUnavailableError('down'));
    expect(await createResponseService(deps).previewBlock(alertId, ANALYST)).toMatchObject({
      kind: 'refused',
      reason: 'identity_unchecked',
      detail: 'CII is unreachable or too slow right now',
    });
    ciiAnswers.push(new CiiNotFoundError('gone'), new CiiNotFoundError('gone'));
    expect(await createResponseService(deps).previewBlock(alertId, ANALYST)).toMatchObject({
      kind: 'preview',
      preview: { targets: [], error: `CII has no user ${LOGIN}` },
    });
    expect(await createResponseService(deps).previewBlock(alertId, { ...ANALYST, userId: 'UVIEWER' })).toEqual({
      kind: 'refused',
      reason: 'not_responder',
    });
    expect(ciiAnswers).toEqual([]);
  });

  it('approves every open alert of a finding at once, except the actor’s own and those already decided', async () => {
    const { alertsCreated } = await store.recordFinding(
      record('e2', 'f2', ['a@example.com', 'b@example.com', 'uanalyst@example.com', 'c@example.com'], {
        threaded: true,
      }),
    );
    const FROM_SUMMARY = await postSummary('f2', '300.1');
    const [a, b, own, c] = alertsCreated.map((x) => x.id);
    const service = createResponseService(deps);
    await store.transitionAlert(c!, { from: ['open'], to: 'approved', actor: 'UOTHER', at: 1_000 });
    expect(await service.checkApproveAll('f2', FROM_SUMMARY)).toEqual({
      kind: 'open',
      title: 'No MFA Configured',
      open: 3,
    });
    const outcome = await service.approveAllOpen('f2', FROM_SUMMARY, { reason: 'VPN change' });
    expect(outcome).toMatchObject({ kind: 'approved_all', own: 1, decided: 1 });
    expect(outcome.kind === 'approved_all' && outcome.approved.map((x) => x.id).sort()).toEqual([a, b].sort());
    expect(await store.getAlert(a!)).toMatchObject({ state: 'approved', decisionReason: 'VPN change' });
    expect((await store.getAlert(own!))?.state).toBe('open');
    expect(await service.checkApproveAll('f2', { ...FROM_SUMMARY, userId: 'UVIEWER' })).toEqual({
      kind: 'refused',
      reason: 'not_responder',
    });
    expect(await service.approveAllOpen('nope', FROM_SUMMARY)).toEqual({ kind: 'not_found' });
    const approvals = (await store.listAudit({ limit: 20 })).filter((e) => e.detail === 'Approve all open');
    expect(approvals.map((e) => e.outcome).sort()).toEqual([
      'approved',
      'approved',
      'refused_not_responder',
      'refused_self',
    ]);
  });

  it('refuses Approve all open from anything but a posted copy of that finding’s summary card, changing nothing', async () => {
    await store.recordFinding(record('e3', 'f3', ['a@example.com', 'b@example.com'], { threaded: true }));
    const fromSummary = await postSummary('f3', '400.1');
    const service = createResponseService(deps);
    const crafted = [
      // A summary never posted in the channel the click claims.
      { ...fromSummary, channelId: 'C2' },
      // The channel is right, the message is not the summary: an alert card of it, or no message at all.
      { ...fromSummary, messageTs: '100.1' },
      { ...fromSummary, messageTs: undefined },
    ];
    for (const actor of crafted) {
      expect(await service.checkApproveAll('f3', actor)).toEqual({ kind: 'refused', reason: 'not_a_card' });
      expect(await service.approveAllOpen('f3', actor, { reason: 'forged' })).toEqual({
        kind: 'refused',
        reason: 'not_a_card',
      });
    }
    expect((await store.listFindingAlerts('f3')).map((a) => a.state)).toEqual(['open', 'open']);
    expect((await store.listAudit({ limit: 20 })).map((e) => [e.outcome, e.detail])).toEqual(
      Array.from({ length: 6 }, () => ['refused_not_a_card', 'Approve all open']),
    );
    expect(await service.approveAllOpen('f3', fromSummary)).toMatchObject({ kind: 'approved_all', own: 0 });
  });
});

/** Posts the finding's summary card (and its thread cards) in C1; the actor of a click on that summary. */
async function postSummaryIn(store: Store, findingId: string, ts: string) {
  const claimed = await store.claimDueDeliveries({
    leaseMs: 30_000,
    channelIntervalMs: 0,
    owner: 'w1',
    now: 10 ** 13,
    limit: 10,
  });
  for (const c of claimed) {
    if (c.delivery.findingId === findingId) await store.markDelivered(c.delivery.id, { ts });
  }
  return { ...ANALYST, messageTs: ts };
}
