import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDuoClient } from '../../../src/idp/duo.ts';
import { createDuoAuthClient } from '../../../src/idp/duo-auth.ts';
import { createDuoUserLookup } from '../../../src/idp/duo-users.ts';
import { createEntraClient } from '../../../src/idp/entra.ts';
import { createOktaClient } from '../../../src/idp/okta.ts';
import { createIdentityProviders } from '../../../src/idp/registry.ts';
import { CALLER_GONE, startIdpSimulators, type IdpSimulators } from '../../../sim/idp/simulators.ts';
import { until } from '../../support/until.ts';

const FAST = { retry: { baseMs: 1, maxMs: 5 } };

describe('identity-provider simulators, driven by the real clients', () => {
  let sims: IdpSimulators;
  beforeEach(async () => {
    sims = await startIdpSimulators({ users: { duo: ['DU1'], okta: ['00u1'], entra: ['e-1'] } });
  });
  afterEach(async () => {
    await sims.close();
  });

  it('blocks and unblocks a user at all three providers, keeping their state', async () => {
    const idps = createIdentityProviders(sims.config, FAST);

    await expect(idps.DUO!.block('DU1')).resolves.toMatchObject({ ok: true });
    await expect(idps.OKTA!.block('00u1')).resolves.toMatchObject({ ok: true });
    await expect(idps.AZURE_AD!.block('e-1')).resolves.toMatchObject({ ok: true });
    expect(sims.duo.users.get('DU1')).toEqual({ status: 'disabled' });
    expect(sims.okta.users.get('00u1')).toEqual({ status: 'SUSPENDED', sessionClears: 1, oauthTokenRevocations: 1 });
    expect(sims.entra.users.get('e-1')).toEqual({ accountEnabled: false, sessionRevocations: 1 });

    await expect(idps.DUO!.unblock('DU1')).resolves.toMatchObject({ ok: true });
    await expect(idps.OKTA!.unblock('00u1')).resolves.toMatchObject({ ok: true });
    await expect(idps.AZURE_AD!.unblock('e-1')).resolves.toMatchObject({ ok: true });
    expect(sims.duo.users.get('DU1')?.status).toBe('active');
    expect(sims.okta.users.get('00u1')?.status).toBe('ACTIVE');
    expect(sims.entra.users.get('e-1')?.accountEnabled).toBe(true);

    expect(sims.requests.map((r) => `${r.provider} ${r.method} ${r.path} ${r.status}`)).toEqual([
      'DUO POST /admin/v1/users/DU1 200',
      'OKTA POST /api/v1/users/00u1/lifecycle/suspend 200',
      'OKTA DELETE /api/v1/users/00u1/sessions 204',
      `AZURE_AD POST /${sims.entra.tenantId}/oauth2/v2.0/token 200`,
      'AZURE_AD PATCH /v1.0/users/e-1 204',
      'AZURE_AD POST /v1.0/users/e-1/revokeSignInSessions 200',
      'DUO POST /admin/v1/users/DU1 200',
      'OKTA POST /api/v1/users/00u1/lifecycle/unsuspend 200',
      'AZURE_AD PATCH /v1.0/users/e-1 204',
    ]);
    expect(sims.requestsTo('OKTA')[1]!.query).toEqual({ oauthTokens: 'true' });
    expect(sims.requestsTo('DUO')[0]!.body).toBe('{"status":"disabled"}');
  });

  it('finds Duo users by email for the Admin API lookup, and shows what a push says it is for', async () => {
    sims.duo.users.set('DUBOB', { status: 'active', username: 'bob', email: 'Bob@Example.com' });
    const lookup = createDuoUserLookup({ ...sims.config.duo, ...FAST });
    await expect(lookup('bob@example.com')).resolves.toBe('bob');
    await expect(lookup('nobody@example.com')).resolves.toBeUndefined();
    await expect(
      createDuoUserLookup({ ...sims.config.duo, skey: 'wrong-key-000000000000000000000000000000' })('bob@example.com'),
    ).rejects.toThrow('HTTP 401');

    const duoAuth = createDuoAuthClient({ ...sims.duoAuth, pollMs: 5, pushWaitMs: 2_000 });
    const pushed = duoAuth.push('bob', { action: 'Block mia@example.com' });
    await until(() => sims.duoAuth.pushes().length === 1, 'the push');
    expect(sims.duoAuth.pushes()[0]).toMatchObject({
      username: 'bob',
      state: 'waiting',
      info: { action: 'Block mia@example.com' },
    });
    sims.duoAuth.answer(sims.duoAuth.pushes()[0]!.txid, 'allow');
    await expect(pushed).resolves.toEqual({ kind: 'approved' });
  });

  it('answers the reads of an account with its real state at each provider (Entra ID only when $select names accountEnabled)', async () => {
    const idps = createIdentityProviders(sims.config, FAST);
    const states = async () =>
      Promise.all([idps.DUO!.readAccount('DU1'), idps.OKTA!.readAccount('00u1'), idps.AZURE_AD!.readAccount('e-1')]);
    expect((await states()).map((r) => r.ok && `${r.state} ${r.reported}`)).toEqual([
      'active active',
      'active ACTIVE',
      'active accountEnabled: true',
    ]);
    await idps.DUO!.block('DU1');
    await idps.OKTA!.block('00u1');
    await idps.AZURE_AD!.block('e-1');
    expect((await states()).map((r) => r.ok && `${r.state} ${r.reported}`)).toEqual([
      'blocked disabled',
      'blocked SUSPENDED',
      'blocked accountEnabled: false',
    ]);
    const token = await fetch(`${sims.config.entra.loginUrl}/${sims.entra.tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: sims.entra.clientId,
        client_secret: sims.entra.clientSecret,
        scope: 'https://graph.microsoft.com/.default',
      }),
    }).then((r) => r.json() as Promise<{ access_token: string }>);
    const plain = await fetch(`${sims.config.entra.graphUrl}/v1.0/users/e-1`, {
      headers: { authorization: `Bearer ${token.access_token}` },
    });
    expect(await plain.json()).toEqual({ id: 'e-1' });
  });

  it('answers a delayed request late, and applies nothing when its caller hung up meanwhile', async () => {
    sims.delay('DUO', { ms: 300, method: 'POST' });
    const duo = createDuoClient({ ...sims.config.duo, ...FAST, timeoutMs: 100, retry: { maxRetries: 0 } });
    await expect(duo.block('DU1')).resolves.toMatchObject({ ok: false, retryable: true });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(sims.requestsTo('DUO').map((r) => r.status)).toEqual([CALLER_GONE]);
    expect(sims.duo.users.get('DU1')?.status).toBe('active');
    sims.delay('DUO', { ms: 50 });
    await expect(createDuoClient({ ...sims.config.duo, ...FAST }).block('DU1')).resolves.toMatchObject({ ok: true });
    expect(sims.duo.users.get('DU1')?.status).toBe('disabled');
  });

  it("rejects a Duo request signed with the wrong secret key, in Duo's 401 shape", async () => {
    const duo = createDuoClient({ ...sims.config.duo, skey: 'not-the-secret-key-0000000000000000000000', ...FAST });
    await expect(duo.block('DU1')).resolves.toEqual({
      status: 401,
      ok: false,
      error: 'Duo rejected the configured credentials: Invalid signature in request credentials [40103]',
      retryable: false,
      steps: [],
    });
    expect(sims.duo.users.get('DU1')?.status).toBe('active');
  });

  it('rejects a wrong Okta API token and a wrong Entra client secret', async () => {
    const okta = createOktaClient({ ...sims.config.okta, apiToken: 'wrong', ...FAST });
    await expect(okta.block('00u1')).resolves.toMatchObject({
      ok: false,
      retryable: false,
      error: expect.stringContaining('E0000011') as string,
    });
    const entra = createEntraClient({ ...sims.config.entra, clientSecret: 'wrong', ...FAST });
    await expect(entra.block('e-1')).resolves.toMatchObject({
      ok: false,
      retryable: false,
      error: expect.stringMatching(/^Entra ID refused the app credentials: AADSTS7000215/) as string,
    });
  });

  it('answers 404 in each provider’s shape for unknown users, or creates them when asked to', async () => {
    const idps = createIdentityProviders(sims.config, FAST);
    for (const [client, id] of [
      [idps.DUO!, 'DUX'],
      [idps.OKTA!, 'ghost'],
      [idps.AZURE_AD!, 'nobody'],
    ] as const) {
      await expect(client.block(id)).resolves.toMatchObject({
        ok: false,
        error: `${client.label} has no user with id ${id}`,
      });
    }

    const auto = await startIdpSimulators({ autoCreateUsers: true });
    try {
      await expect(createIdentityProviders(auto.config, FAST).OKTA!.block('anyone')).resolves.toMatchObject({
        ok: true,
      });
      expect(auto.okta.users.get('anyone')?.status).toBe('SUSPENDED');
    } finally {
      await auto.close();
    }
  });

  it('fails scripted requests: a retried 503 recovers, a lasting one is reported as retryable', async () => {
    const duo = createDuoClient({ ...sims.config.duo, ...FAST });
    sims.fail('DUO', { status: 503, times: 1 });
    await expect(duo.block('DU1')).resolves.toMatchObject({ ok: true });
    expect(sims.requestsTo('DUO').map((r) => r.status)).toEqual([503, 200]);

    sims.fail('DUO', { status: 503, times: 3 });
    await expect(duo.unblock('DU1')).resolves.toMatchObject({
      ok: false,
      retryable: true,
      error: expect.stringMatching(/^Duo is unavailable \(HTTP 503\)/) as string,
    });
  });

  it('can fail one step only: Entra disables the account but the session revocation is rate limited', async () => {
    const waits: number[] = [];
    const entra = createEntraClient({
      ...sims.config.entra,
      retry: { maxRetries: 1 },
      sleep: (ms) => Promise.resolve(void waits.push(ms)),
    });
    sims.fail('AZURE_AD', { status: 429, times: 2, path: 'revokeSignInSessions', retryAfterSeconds: 1 });

    await expect(entra.block('e-1')).resolves.toMatchObject({
      ok: false,
      retryable: true,
      steps: ['Entra ID account disabled'],
    });
    expect(waits).toEqual([1000]);
    expect(sims.entra.users.get('e-1')).toEqual({ accountEnabled: false, sessionRevocations: 0 });
  });

  it("counts an already-suspended Okta user as blocked (Okta's E0000001)", async () => {
    sims.okta.users.set('00u1', { status: 'SUSPENDED', sessionClears: 0, oauthTokenRevocations: 0 });
    const okta = createOktaClient({ ...sims.config.okta, ...FAST });
    await expect(okta.block('00u1')).resolves.toEqual({
      ok: true,
      steps: ['Okta user was already suspended or not active', 'Okta sessions and OAuth tokens revoked'],
    });
  });

  it('refuses expired Entra tokens, and the client fetches a new one', async () => {
    const entra = createEntraClient({ ...sims.config.entra, ...FAST });
    await entra.unblock('e-1');
    sims.entra.expireTokens();
    await expect(entra.unblock('e-1')).resolves.toMatchObject({ ok: true });
    expect(sims.entra.tokensIssued()).toBe(2);
    expect(sims.requestsTo('AZURE_AD').map((r) => r.status)).toEqual([200, 204, 401, 200, 204]);
  });
});
