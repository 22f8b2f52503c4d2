import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { createEntraClient } from '../../src/idp/entra.ts';
import { useNock } from './nock-setup.ts';

const LOGIN = 'https://login.microsoftonline.com';
const GRAPH = 'https://graph.microsoft.com';
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const CLIENT_ID = '6731de76-14a6-49ae-97bc-6eba6914391e';
const SECRET = 'qWgdYAmab0YSkuL1qKv5bPX~sec.ret';
const USER = '87d349ed-44d7-43e1-9a83-5f2406dee5bd';
const TOKEN_PATH = `/${TENANT}/oauth2/v2.0/token`;
const TOKEN_FORM = new URLSearchParams({
  client_id: CLIENT_ID,
  scope: 'https://graph.microsoft.com/.default',
  client_secret: SECRET,
  grant_type: 'client_credentials',
}).toString();

function tokenReply(token: string, expiresIn = 3599) {
  return { token_type: 'Bearer', expires_in: expiresIn, ext_expires_in: expiresIn, access_token: token };
}

const client = (extra: Partial<Parameters<typeof createEntraClient>[0]> = {}) =>
  createEntraClient({
    tenantId: TENANT,
    clientId: CLIENT_ID,
    clientSecret: SECRET,
    retry: { baseMs: 1, maxMs: 1 },
    ...extra,
  });

function expectToken(token: string, times = 1) {
  return nock(LOGIN, { reqheaders: { 'content-type': 'application/x-www-form-urlencoded' } })
    .post(TOKEN_PATH, TOKEN_FORM)
    .times(times)
    .reply(200, tokenReply(token));
}

function expectDisable(token: string, accountEnabled = false, times = 1) {
  return nock(GRAPH, { reqheaders: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } })
    .patch(`/v1.0/users/${USER}`, JSON.stringify({ accountEnabled }))
    .times(times)
    .reply(204);
}

function expectRevoke(token: string) {
  return nock(GRAPH, {
    reqheaders: { authorization: `Bearer ${token}`, 'content-length': '0' },
    badheaders: ['content-type'],
  })
    .post(`/v1.0/users/${USER}/revokeSignInSessions`)
    .reply(200, { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#Edm.Boolean', value: true });
}

describe('Entra ID client', () => {
  useNock();

  it('blocks: app token by client credentials, PATCH accountEnabled false, then revokeSignInSessions', async () => {
    expectToken('tok-1');
    expectDisable('tok-1');
    expectRevoke('tok-1');

    await expect(client().block(USER)).resolves.toEqual({
      ok: true,
      steps: ['Entra ID account disabled', 'Entra ID sign-in sessions revoked'],
    });
  });

  it('unblocks with PATCH accountEnabled true', async () => {
    expectToken('tok-1');
    expectDisable('tok-1', true);
    await expect(client().unblock(USER)).resolves.toEqual({ ok: true, steps: ['Entra ID account enabled'] });
  });

  it('reuses the token until shortly before it expires, then asks for a new one', async () => {
    let now = 1_700_000_000_000;
    const entra = client({ now: () => now });
    expectToken('tok-1');
    expectDisable('tok-1', true, 2);
    await entra.unblock(USER);
    now += 3000 * 1000;
    await entra.unblock(USER);

    // 3599 s lifetime, renewed 5 min early: at 3300 s a new token is due.
    now += 300 * 1000;
    expectToken('tok-2');
    expectDisable('tok-2', true);
    await expect(entra.unblock(USER)).resolves.toMatchObject({ ok: true });
  });

  it('asks for one token when several actions start together', async () => {
    const entra = client();
    expectToken('tok-1');
    expectDisable('tok-1', true, 3);
    const results = await Promise.all([entra.unblock(USER), entra.unblock(USER), entra.unblock(USER)]);
    expect(results.every((r) => r.ok)).toBe(true);
  });

  it('gets a new token once when Graph answers 401 to a cached one', async () => {
    const entra = client();
    expectToken('tok-1');
    expectDisable('tok-1', true);
    await entra.unblock(USER);

    nock(GRAPH)
      .patch(`/v1.0/users/${USER}`)
      .reply(401, {
        error: { code: 'InvalidAuthenticationToken', message: 'Access token has expired or is not yet valid.' },
      });
    expectToken('tok-2');
    expectDisable('tok-2', true);
    await expect(entra.unblock(USER)).resolves.toMatchObject({ ok: true });
  });

  it('reports refused app credentials with Microsoft’s first line, not retryable, without the secret', async () => {
    nock(LOGIN)
      .post(TOKEN_PATH)
      .reply(401, {
        error: 'invalid_client',
        error_description: `AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${CLIENT_ID}'.\r\nTrace ID: 0e9f\r\nCorrelation ID: 5a1b`,
        error_codes: [7000215],
      });

    const result = await client().block(USER);
    expect(result).toMatchObject({ ok: false, retryable: false, steps: [] });
    expect(result.ok === false && result.error).toBe(
      `Entra ID refused the app credentials: AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${CLIENT_ID}'.`,
    );
    expect(JSON.stringify(result)).not.toContain(SECRET);
  });

  it('reports a sign-in endpoint that keeps failing as retryable, and asks again on the next action', async () => {
    const entra = client();
    nock(LOGIN).post(TOKEN_PATH).times(3).reply(503, 'Service Unavailable');
    await expect(entra.block(USER)).resolves.toEqual({
      status: 503,
      ok: false,
      error: 'Entra ID sign-in endpoint is unavailable (HTTP 503)',
      retryable: true,
      steps: [],
    });

    expectToken('tok-1');
    expectDisable('tok-1', true);
    await expect(entra.unblock(USER)).resolves.toMatchObject({ ok: true });
  });

  it("turns Graph's {error: {code, message}} into words: 404 names the user, 403 names the permissions", async () => {
    const entra = client();
    expectToken('tok-1');
    nock(GRAPH)
      .patch(`/v1.0/users/${USER}`)
      .reply(404, { error: { code: 'Request_ResourceNotFound', message: `Resource '${USER}' does not exist.` } })
      .patch(`/v1.0/users/${USER}`)
      .reply(403, {
        error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' },
      });

    await expect(entra.block(USER)).resolves.toEqual({
      status: 404,
      ok: false,
      error: `Entra ID has no user with id ${USER}`,
      retryable: false,
      steps: [],
    });
    await expect(entra.block(USER)).resolves.toEqual({
      status: 403,
      ok: false,
      error:
        'Entra ID refused the request: Insufficient privileges to complete the operation. [Authorization_RequestDenied] (the app needs the Graph application permissions User.EnableDisableAccount.All, User.RevokeSessions.All and User.Read.All)',
      retryable: false,
      steps: [],
    });
  });

  it('keeps the disabled account as a done step when revoking the sessions keeps failing', async () => {
    expectToken('tok-1');
    expectDisable('tok-1');
    nock(GRAPH)
      .post(`/v1.0/users/${USER}/revokeSignInSessions`)
      .times(3)
      .reply(503, { error: { code: 'ServiceUnavailable', message: 'Service Unavailable' } });

    await expect(client().block(USER)).resolves.toEqual({
      status: 503,
      ok: false,
      error:
        'Entra ID is unavailable (HTTP 503): Service Unavailable [ServiceUnavailable] (could not revoke the sign-in sessions)',
      retryable: true,
      steps: ['Entra ID account disabled'],
    });
  });

  it('uses configured login and Graph hosts (national clouds, simulators)', async () => {
    nock('https://login.microsoftonline.us')
      .post(TOKEN_PATH, (b: { scope?: unknown }) => b.scope === 'https://graph.microsoft.us/.default')
      .reply(200, tokenReply('tok-us'));
    nock('https://graph.microsoft.us', { reqheaders: { authorization: 'Bearer tok-us' } })
      .patch(`/v1.0/users/${USER}`)
      .reply(204);
    const entra = client({
      loginUrl: 'https://login.microsoftonline.us/',
      graphUrl: 'https://graph.microsoft.us',
      scope: 'https://graph.microsoft.us/.default',
    });
    await expect(entra.unblock(USER)).resolves.toMatchObject({ ok: true });
  });

  it('reads accountEnabled, selecting it as Graph requires', async () => {
    expectToken('t-read');
    nock(GRAPH, { reqheaders: { authorization: 'Bearer t-read' } })
      .get(`/v1.0/users/${USER}`)
      .query({ $select: 'accountEnabled' })
      .reply(200, { accountEnabled: false })
      .get(`/v1.0/users/${USER}`)
      .query({ $select: 'accountEnabled' })
      .reply(200, { accountEnabled: true })
      .get(`/v1.0/users/${USER}`)
      .query({ $select: 'accountEnabled' })
      .reply(200, { id: USER });
    const entra = client();
    await expect(entra.readAccount(USER)).resolves.toEqual({
      ok: true,
      state: 'blocked',
      reported: 'accountEnabled: false',
    });
    await expect(entra.readAccount(USER)).resolves.toMatchObject({ ok: true, state: 'active' });
    await expect(entra.readAccount(USER)).resolves.toMatchObject({
      ok: false,
      error: expect.stringContaining('unexpected answer') as string,
    });
  });

  it('on an account already disabled only revokes the sessions, and enables an enabled one without a call', async () => {
    expectToken('t-again');
    expectRevoke('t-again');
    const entra = client();
    await expect(entra.block(USER, 'blocked')).resolves.toEqual({
      ok: true,
      steps: ['Entra ID account was already disabled', 'Entra ID sign-in sessions revoked'],
    });
    await expect(entra.unblock(USER, 'active')).resolves.toEqual({
      ok: true,
      steps: ['Entra ID account was already enabled'],
    });
  });
});
