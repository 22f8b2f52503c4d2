import { describe, expect, it } from 'vitest';
import { CiiNotFoundError, CiiUnavailableError } from '../../../src/cii/errors.ts';
import type { EndUser } from '../../../src/cii/schemas.ts';
import { silentLogger } from '../../../src/logger.ts';
import { createStepUpGate, type StepUpDeps, type StepUpPush } from '../../../src/services/step-up/step-up-gate.ts';
import type { NewAuditEntry } from '../../../src/store/types.ts';
import { duoAuthClient, ok, signedPost, signedPreauthWithPush, signedStatus } from '../../support/duo-auth-nock.ts';
import { useNock } from '../../support/nock.ts';

const RESPONDER = { userId: 'UDANIEL', userName: 'daniel', teamId: 'T1', channelId: 'C0SECALERT' };
const BLOCK_MIA = {
  verb: 'block' as const,
  alertId: 'a-1',
  login: 'mia.johansson@example.com',
  summary: 'Block mia.johansson@example.com',
};

function ciiUser(email: string, duoLogin?: string): EndUser {
  return {
    endUserDetails: { id: 'u1', displayName: 'Daniel Okafor', login: email, status: 'ACTIVE', referenceUrl: 'x' },
    providerEndUserDetails: [
      { provider: 'OKTA', userId: '00u1', login: email, status: 'ACTIVE' },
      ...(duoLogin ? [{ provider: 'DUO', userId: 'DU1', login: duoLogin, status: 'ACTIVE' }] : []),
    ],
  };
}

function gate(options: {
  push?: StepUpPush;
  email?: string;
  cii?: (login: string) => Promise<EndUser>;
  duoAdmin?: (email: string) => Promise<string | undefined>;
}) {
  const audit: NewAuditEntry[] = [];
  const pushes: Array<{ username: string; pushInfo?: Record<string, string> }> = [];
  const deps: StepUpDeps = {
    push: (username, pushInfo) => {
      pushes.push({ username, ...(pushInfo ? { pushInfo } : {}) });
      return options.push ? options.push(username, pushInfo) : Promise.resolve({ kind: 'approved' });
    },
    emailOf: () => Promise.resolve(options.email),
    cii: { getEndUser: options.cii ?? ((login) => Promise.resolve(ciiUser(login, 'daniel.okafor'))) },
    ...(options.duoAdmin ? { duoUsernameByEmail: options.duoAdmin } : {}),
    store: {
      recordAudit: (entry) => {
        audit.push(entry);
        return Promise.resolve();
      },
    },
    clock: { now: () => 1_000 },
    logger: silentLogger,
  };
  return { gate: createStepUpGate(deps), audit, pushes };
}

describe('step-up gate', () => {
  it('pushes to the Duo account CII lists for the responder’s Slack email, saying what it is for, and audits the approval', async () => {
    const g = gate({ email: 'daniel.okafor@example.com' });
    await expect(g.gate.confirm(RESPONDER, BLOCK_MIA)).resolves.toEqual({
      kind: 'approved',
      username: 'daniel.okafor',
    });
    expect(g.pushes).toEqual([{ username: 'daniel.okafor', pushInfo: { action: 'Block mia.johansson@example.com' } }]);
    expect(g.audit).toEqual([
      {
        at: 1_000,
        userId: 'UDANIEL',
        userName: 'daniel',
        teamId: 'T1',
        channelId: 'C0SECALERT',
        alertId: 'a-1',
        login: 'mia.johansson@example.com',
        action: 'block',
        outcome: 'step_up_approved',
        detail: 'Duo Push to daniel.okafor approved',
      },
    ]);
  });

  it('a denied or unanswered push lets nothing through and is audited with what happened', async () => {
    const denied = gate({
      email: 'daniel.okafor@example.com',
      push: () => Promise.resolve({ kind: 'denied', message: 'the Duo Push was denied' }),
    });
    await expect(denied.gate.confirm(RESPONDER, { ...BLOCK_MIA, verb: 'unblock' })).resolves.toEqual({
      kind: 'denied',
      message: 'the Duo Push was denied',
    });
    expect(denied.audit).toMatchObject([
      { action: 'unblock', outcome: 'step_up_denied', detail: 'the Duo Push was denied' },
    ]);

    const timeout = gate({
      email: 'daniel.okafor@example.com',
      push: () => Promise.resolve({ kind: 'timeout', message: 'the Duo Push got no answer in time' }),
    });
    await expect(timeout.gate.confirm(RESPONDER, BLOCK_MIA)).resolves.toMatchObject({ kind: 'timeout' });
    expect(timeout.audit).toMatchObject([{ outcome: 'step_up_timeout' }]);
  });

  it('falls back to the Duo Admin API when CII does not know the responder or lists no Duo account', async () => {
    const lookedUp: string[] = [];
    const duoAdmin = (email: string) => {
      lookedUp.push(email);
      return Promise.resolve('bob');
    };
    const unknown = gate({
      email: 'bob@example.com',
      cii: () => Promise.reject(new CiiNotFoundError('no such user')),
      duoAdmin,
    });
    await expect(unknown.gate.confirm(RESPONDER, BLOCK_MIA)).resolves.toEqual({ kind: 'approved', username: 'bob' });
    const noDuo = gate({ email: 'bob@example.com', cii: (login) => Promise.resolve(ciiUser(login)), duoAdmin });
    await expect(noDuo.gate.confirm(RESPONDER, BLOCK_MIA)).resolves.toEqual({ kind: 'approved', username: 'bob' });
    // CII down: Duo still answers who the responder is.
    const down = gate({
      email: 'bob@example.com',
      cii: () => Promise.reject(new CiiUnavailableError('down')),
      duoAdmin,
    });
    await expect(down.gate.confirm(RESPONDER, BLOCK_MIA)).resolves.toEqual({ kind: 'approved', username: 'bob' });
    expect(lookedUp).toEqual(['bob@example.com', 'bob@example.com', 'bob@example.com']);
  });

  it('without a Duo account, or without a Slack email, no push is sent and the reason is given and audited', async () => {
    const none = gate({
      email: 'bob@example.com',
      cii: () => Promise.reject(new CiiNotFoundError('no such user')),
      duoAdmin: () => Promise.resolve(undefined),
    });
    await expect(none.gate.confirm(RESPONDER, BLOCK_MIA)).resolves.toEqual({
      kind: 'no_duo_account',
      message: 'neither CII nor Duo lists a Duo account for bob@example.com, so no Duo Push can be sent to you',
    });
    expect(none.pushes).toEqual([]);
    expect(none.audit).toMatchObject([{ outcome: 'step_up_no_duo_account' }]);

    const noEmail = gate({ email: undefined });
    await expect(noEmail.gate.confirm(RESPONDER, BLOCK_MIA)).resolves.toMatchObject({
      kind: 'no_duo_account',
      message: 'Slack gave no email for you, so your Duo account cannot be found',
    });
    expect(noEmail.pushes).toEqual([]);
  });

  it('not enrolled for Duo Push: refused with the account named; a push that throws is a failure, audited', async () => {
    const notEnrolled = gate({
      email: 'daniel.okafor@example.com',
      push: () => Promise.resolve({ kind: 'not_enrolled', message: 'no Duo Push device enrolled' }),
    });
    await expect(notEnrolled.gate.confirm(RESPONDER, BLOCK_MIA)).resolves.toEqual({
      kind: 'not_enrolled',
      message: 'your Duo account daniel.okafor has no Duo Push device enrolled',
    });
    const broken = gate({
      email: 'daniel.okafor@example.com',
      push: () => Promise.reject(new Error('socket hang up')),
    });
    await expect(
      broken.gate.confirm(RESPONDER, { verb: 'approve', summary: 'Approve 3', note: 'Approve all open' }),
    ).resolves.toEqual({ kind: 'failed', message: 'the Duo Push could not be sent (see the app log)' });
    expect(broken.audit).toMatchObject([
      {
        action: 'approve',
        outcome: 'step_up_failed',
        detail: 'Approve all open — the Duo Push could not be sent (see the app log)',
      },
    ]);
    expect(broken.audit[0]).not.toHaveProperty('alertId', expect.anything());
  });
});

describe('step-up gate over the Duo Auth API (HTTP, signed)', () => {
  useNock();
  function httpGate() {
    return gate({ email: 'daniel.okafor@example.com', push: duoAuthClient().push });
  }

  const pushBody =
    '{"async":"1","device":"auto","factor":"push","pushinfo":"action=Block%20mia.johansson%40example.com","username":"daniel.okafor"}';

  it('approved: preauth, a push saying what it is for, auth_status, every request signed', async () => {
    signedPreauthWithPush('daniel.okafor');
    signedPost('/auth/v2/auth', pushBody).reply(200, ok({ txid: 'tx-9' }));
    signedStatus('tx-9').reply(200, ok({ result: 'allow', status: 'allow' }));
    await expect(httpGate().gate.confirm(RESPONDER, BLOCK_MIA)).resolves.toEqual({
      kind: 'approved',
      username: 'daniel.okafor',
    });
  });

  it('denied on the phone, or no answer before the wait ends: refused', async () => {
    signedPreauthWithPush('daniel.okafor');
    signedPost('/auth/v2/auth', pushBody).reply(200, ok({ txid: 'tx-10' }));
    signedStatus('tx-10').reply(200, ok({ result: 'deny', status: 'deny' }));
    await expect(httpGate().gate.confirm(RESPONDER, BLOCK_MIA)).resolves.toEqual({
      kind: 'denied',
      message: 'the Duo Push was denied',
    });

    signedPreauthWithPush('daniel.okafor');
    signedPost('/auth/v2/auth', pushBody).reply(200, ok({ txid: 'tx-11' }));
    signedStatus('tx-11')
      .times(2)
      .reply(200, ok({ result: 'waiting', status: 'pushed' }));
    await expect(httpGate().gate.confirm(RESPONDER, BLOCK_MIA)).resolves.toEqual({
      kind: 'timeout',
      message: 'the Duo Push got no answer in time',
    });
  });
});
