import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { createOktaClient } from '../../src/idp/okta.ts';
import { recordingSleep, useNock } from './nock-setup.ts';

const ORG = 'https://acme.okta.com';
const TOKEN = '00abcdefghijklmnopqrstuvwxyz0123456789ABCD';
const USER = '00u1abcd2EFGH3ijk4l5';
const headers = { authorization: `SSWS ${TOKEN}`, accept: 'application/json' };

const client = (extra: Partial<Parameters<typeof createOktaClient>[0]> = {}) =>
  createOktaClient({ orgUrl: `${ORG}/`, apiToken: TOKEN, retry: { baseMs: 1, maxMs: 1 }, ...extra });

const oktaError = (errorCode: string, errorSummary: string, causes: string[] = []) => ({
  errorCode,
  errorSummary,
  errorLink: errorCode,
  errorId: 'oae1234567890',
  errorCauses: causes.map((errorSummary) => ({ errorSummary })),
});

describe('Okta client', () => {
  useNock();

  it('blocks by suspending the user, then clearing their sessions and OAuth tokens', async () => {
    const calls: string[] = [];
    nock(ORG, { reqheaders: headers })
      .post(`/api/v1/users/${USER}/lifecycle/suspend`, (body) => {
        calls.push(`suspend body=${JSON.stringify(body)}`);
        return true;
      })
      .reply(200, {})
      .delete(`/api/v1/users/${USER}/sessions`)
      .query({ oauthTokens: 'true' })
      .reply(function () {
        calls.push('clear sessions');
        return [204];
      });

    await expect(client().block(USER)).resolves.toEqual({
      ok: true,
      steps: ['Okta user suspended', 'Okta sessions and OAuth tokens revoked'],
    });
    expect(calls).toEqual(['suspend body=""', 'clear sessions']);
  });

  it("counts Okta's 'not active' refusal (E0000001) as already blocked and still clears the sessions", async () => {
    nock(ORG, { reqheaders: headers })
      .post(`/api/v1/users/${USER}/lifecycle/suspend`)
      .reply(
        400,
        oktaError('E0000001', 'Api validation failed: suspendUser', ['Cannot suspend a user that is not active']),
      )
      .delete(`/api/v1/users/${USER}/sessions`)
      .query({ oauthTokens: 'true' })
      .reply(204);

    await expect(client().block(USER)).resolves.toEqual({
      ok: true,
      steps: ['Okta user was already suspended or not active', 'Okta sessions and OAuth tokens revoked'],
    });
  });

  it('keeps the suspension as a done step when clearing the sessions fails', async () => {
    nock(ORG)
      .post(`/api/v1/users/${USER}/lifecycle/suspend`)
      .reply(200, {})
      .delete(`/api/v1/users/${USER}/sessions`)
      .query(true)
      .reply(403, oktaError('E0000006', 'You do not have permission to perform the requested action'));

    const result = await client().block(USER);
    expect(result).toEqual({
      status: 403,
      ok: false,
      error:
        "Okta refused the request: You do not have permission to perform the requested action [E0000006] (the API token's admin may not manage this user) (could not clear the sessions)",
      retryable: false,
      steps: ['Okta user suspended'],
    });
  });

  it('unblocks by unsuspending the user', async () => {
    nock(ORG, { reqheaders: headers }).post(`/api/v1/users/${USER}/lifecycle/unsuspend`).reply(200, {});
    await expect(client().unblock(USER)).resolves.toEqual({ ok: true, steps: ['Okta user unsuspended'] });
  });

  it("reports unblocking a user who is not suspended with Okta's reason, not retryable", async () => {
    nock(ORG)
      .post(`/api/v1/users/${USER}/lifecycle/unsuspend`)
      .reply(400, oktaError('E0000001', 'Cannot unsuspend a user that is not suspended'));
    await expect(client().unblock(USER)).resolves.toEqual({
      status: 400,
      ok: false,
      error: 'Okta did not unsuspend the user: Cannot unsuspend a user that is not suspended [E0000001]',
      retryable: false,
      steps: [],
    });
  });

  it('reports a refused API token in words, without the token', async () => {
    nock(ORG)
      .post(`/api/v1/users/${USER}/lifecycle/suspend`)
      .reply(401, oktaError('E0000011', 'Invalid token provided'));
    const result = await client().block(USER);
    expect(result).toEqual({
      status: 401,
      ok: false,
      error: 'Okta rejected the configured credentials: Invalid token provided [E0000011]',
      retryable: false,
      steps: [],
    });
    expect(JSON.stringify(result)).not.toContain(TOKEN);
  });

  it('names an unknown user', async () => {
    nock(ORG)
      .post('/api/v1/users/ada%40example.com/lifecycle/suspend')
      .reply(404, oktaError('E0000007', 'Not found: Resource not found: ada@example.com (User)'));
    await expect(client().block('ada@example.com')).resolves.toMatchObject({
      ok: false,
      error: 'Okta has no user with id ada@example.com',
      retryable: false,
    });
  });

  it('waits for X-Rate-Limit-Reset on a 429 without Retry-After', async () => {
    const { sleep, waits } = recordingSleep();
    const now = 1_700_000_000_000;
    nock(ORG)
      .post(`/api/v1/users/${USER}/lifecycle/unsuspend`)
      .reply(429, oktaError('E0000047', 'API call exceeded rate limit due to too many requests.'), {
        'X-Rate-Limit-Reset': String(now / 1000 + 3),
      })
      .post(`/api/v1/users/${USER}/lifecycle/unsuspend`)
      .reply(200, {});

    await expect(client({ sleep, now: () => now }).unblock(USER)).resolves.toMatchObject({ ok: true });
    expect(waits).toEqual([3000]);
  });

  it('reports persistent server errors as retryable with what succeeded', async () => {
    nock(ORG)
      .post(`/api/v1/users/${USER}/lifecycle/suspend`)
      .reply(200, {})
      .delete(`/api/v1/users/${USER}/sessions`)
      .query(true)
      .times(3)
      .reply(500, oktaError('E0000009', 'Internal Server Error'));

    await expect(client().block(USER)).resolves.toEqual({
      status: 500,
      ok: false,
      error: 'Okta is unavailable (HTTP 500): Internal Server Error [E0000009] (could not clear the sessions)',
      retryable: true,
      steps: ['Okta user suspended'],
    });
  });

  it('reads the user status: SUSPENDED is blocked, ACTIVE is active, anything else neither', async () => {
    for (const [status, state] of [
      ['SUSPENDED', 'blocked'],
      ['ACTIVE', 'active'],
      ['DEPROVISIONED', 'other'],
    ]) {
      nock(ORG, { reqheaders: headers }).get(`/api/v1/users/${USER}`).reply(200, { id: USER, status });
      await expect(client().readAccount(USER)).resolves.toEqual({ ok: true, state, reported: status });
    }
    nock(ORG).get(`/api/v1/users/${USER}`).reply(404, oktaError('E0000007', 'Not found: Resource not found'));
    await expect(client().readAccount(USER)).resolves.toMatchObject({ ok: false, retryable: false, status: 404 });
  });

  it('on an account already suspended only clears the sessions, and unblocks an active one without a call', async () => {
    nock(ORG, { reqheaders: headers })
      .delete(`/api/v1/users/${USER}/sessions`)
      .query({ oauthTokens: 'true' })
      .reply(204);
    await expect(client().block(USER, 'blocked')).resolves.toEqual({
      ok: true,
      steps: ['Okta user was already suspended', 'Okta sessions and OAuth tokens revoked'],
    });
    await expect(client().unblock(USER, 'active')).resolves.toEqual({
      ok: true,
      steps: ['Okta user was already active'],
    });
  });
});
