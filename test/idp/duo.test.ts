import { createHash, createHmac } from 'node:crypto';
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { createDuoClient } from '../../src/idp/duo.ts';
import { recordingSleep, useNock } from './nock-setup.ts';

const API = 'https://api-1234abcd.duosecurity.com';
const IKEY = 'DIWJ8X6AEYOR5OMC6TQ1';
const SKEY = 'Zh5eGmUq9zpfQnyUIu5OL9iWoMMv5ZNmk3zLJ4Ep';
const DATE = 'Tue, 21 Aug 2012 17:29:18 -0000';
const USER = 'DU3RP9I2WOC59VZX672N';
const PATH = `/admin/v1/users/${USER}`;

function expectedAuthorization(body: string): string {
  const sha = (s: string) => createHash('sha512').update(s).digest('hex');
  const canonical = [
    DATE,
    'POST',
    'api-1234abcd.duosecurity.com',
    PATH,
    '',
    sha(body),
    sha(`x-duo-date\0${DATE}`),
  ].join('\n');
  return `Basic ${Buffer.from(`${IKEY}:${createHmac('sha512', SKEY).update(canonical).digest('hex')}`).toString('base64')}`;
}

const client = (extra: Partial<Parameters<typeof createDuoClient>[0]> = {}) =>
  createDuoClient({
    apiUrl: API,
    ikey: IKEY,
    skey: SKEY,
    now: () => new Date('2012-08-21T17:29:18Z'),
    retry: { baseMs: 1, maxMs: 1 },
    ...extra,
  });

const userBody = (status: string) => ({ stat: 'OK', response: { user_id: USER, username: 'ada', status } });

describe('Duo client', () => {
  useNock();

  it('blocks with a signed POST status=disabled as a JSON body', async () => {
    const body = '{"status":"disabled"}';
    nock(API, {
      reqheaders: {
        authorization: expectedAuthorization(body),
        'x-duo-date': DATE,
        'content-type': 'application/json',
        host: 'api-1234abcd.duosecurity.com',
      },
    })
      .post(PATH, body)
      .reply(200, userBody('disabled'));

    await expect(client().block(USER)).resolves.toEqual({ ok: true, steps: ['Duo user disabled'] });
  });

  it('unblocks with status=active', async () => {
    const body = '{"status":"active"}';
    nock(API, { reqheaders: { authorization: expectedAuthorization(body) } })
      .post(PATH, body)
      .reply(200, userBody('active'));

    await expect(client().unblock(USER)).resolves.toEqual({ ok: true, steps: ['Duo user set back to active'] });
  });

  it('accepts a bare API hostname as the API URL', async () => {
    nock(API).post(PATH).reply(200, userBody('disabled'));
    await expect(client({ apiUrl: 'api-1234abcd.duosecurity.com' }).block(USER)).resolves.toMatchObject({ ok: true });
  });

  it("reports Duo's 401 in words, not retryable, without the secret key", async () => {
    nock(API).post(PATH).reply(401, { stat: 'FAIL', code: 40103, message: 'Invalid signature in request credentials' });

    const result = await client().block(USER);
    expect(result).toEqual({
      status: 401,
      ok: false,
      error: 'Duo rejected the configured credentials: Invalid signature in request credentials [40103]',
      retryable: false,
      steps: [],
    });
    expect(JSON.stringify(result)).not.toContain(SKEY);
  });

  it('explains a 403 with the permission the Admin API application needs', async () => {
    nock(API)
      .post(PATH)
      .reply(403, { stat: 'FAIL', code: 40301, message: 'Access forbidden', message_detail: 'write' });
    const result = await client().block(USER);
    expect(result).toMatchObject({ ok: false, retryable: false });
    expect(result.ok === false && result.error).toBe(
      'Duo refused the request: Access forbidden (write) [40301] (the Admin API application needs "Grant write resource")',
    );
  });

  it('names the missing user on a 404', async () => {
    nock(API).post(PATH).reply(404, { stat: 'FAIL', code: 40401, message: 'Resource not found' });
    await expect(client().block(USER)).resolves.toEqual({
      status: 404,
      ok: false,
      error: `Duo has no user with id ${USER}`,
      retryable: false,
      steps: [],
    });
  });

  it('waits as long as Retry-After asks on a 429, re-signs, and then succeeds', async () => {
    const { sleep, waits } = recordingSleep();
    nock(API)
      .post(PATH)
      .reply(429, { stat: 'FAIL', code: 42901, message: 'Too Many Requests' }, { 'Retry-After': '2' });
    nock(API).post(PATH).reply(200, userBody('disabled'));

    await expect(client({ sleep }).block(USER)).resolves.toEqual({ ok: true, steps: ['Duo user disabled'] });
    expect(waits).toEqual([2000]);
  });

  it('gives up after the bounded retries on 5xx with a retryable failure', async () => {
    nock(API).post(PATH).times(3).reply(503, 'Service Unavailable');

    await expect(client().block(USER)).resolves.toEqual({
      status: 503,
      ok: false,
      error: 'Duo is unavailable (HTTP 503)',
      retryable: true,
      steps: [],
    });
  });

  it('does not hold the analyst when Retry-After is long: retryable failure at once', async () => {
    const { sleep, waits } = recordingSleep();
    nock(API)
      .post(PATH)
      .reply(429, { stat: 'FAIL', code: 42901, message: 'Too Many Requests' }, { 'Retry-After': '120' });

    const result = await client({ sleep }).block(USER);
    expect(result).toMatchObject({
      ok: false,
      retryable: true,
      error: 'Duo is rate limiting requests; try again later: Too Many Requests [42901]',
    });
    expect(waits).toEqual([]);
  });

  it('reports an unreachable API as retryable', async () => {
    nock(API)
      .post(PATH)
      .times(3)
      .replyWithError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    await expect(client().block(USER)).resolves.toEqual({
      ok: false,
      error: 'Duo could not be reached (ECONNREFUSED)',
      retryable: true,
      steps: [],
    });
  });

  it('times out a silent API', async () => {
    nock(API).post(PATH).delay(1_000).reply(200, userBody('disabled'));
    const result = await client({ timeoutMs: 50, retry: { maxRetries: 0 } }).block(USER);
    expect(result).toEqual({ ok: false, error: 'Duo did not answer within 50 ms', retryable: true, steps: [] });
  });

  it('reads the user status with a signed GET, and maps disabled and active (anything else is neither)', async () => {
    const sha = (s: string) => createHash('sha512').update(s).digest('hex');
    const canonical = [DATE, 'GET', 'api-1234abcd.duosecurity.com', PATH, '', sha(''), sha(`x-duo-date\0${DATE}`)];
    const authorization = `Basic ${Buffer.from(`${IKEY}:${createHmac('sha512', SKEY).update(canonical.join('\n')).digest('hex')}`).toString('base64')}`;
    for (const status of ['disabled', 'active', 'locked out']) {
      nock(API, { reqheaders: { authorization, 'x-duo-date': DATE } })
        .get(PATH)
        .reply(200, userBody(status));
    }
    await expect(client().readAccount(USER)).resolves.toEqual({ ok: true, state: 'blocked', reported: 'disabled' });
    await expect(client().readAccount(USER)).resolves.toEqual({ ok: true, state: 'active', reported: 'active' });
    await expect(client().readAccount(USER)).resolves.toEqual({ ok: true, state: 'other', reported: 'locked out' });
  });

  it('says why a read failed, naming the read permission on 403, without retrying', async () => {
    nock(API).get(PATH).reply(403, { stat: 'FAIL', code: 40301, message: 'Access forbidden' });
    await expect(client().readAccount(USER)).resolves.toMatchObject({
      ok: false,
      retryable: false,
      status: 403,
      error: expect.stringContaining('Grant read resource') as string,
    });
  });

  it('calls nothing when the user already has the status Block or Unblock would set', async () => {
    await expect(client().block(USER, 'blocked')).resolves.toEqual({
      ok: true,
      steps: ['Duo user was already disabled'],
    });
    await expect(client().unblock(USER, 'active')).resolves.toEqual({
      ok: true,
      steps: ['Duo user was already active'],
    });
  });
});
