import { createHash, createHmac } from 'node:crypto';
import nock from 'nock';
import { createDuoAuthClient, type DuoAuthOptions } from '../../src/idp/duo-auth.ts';

/** A Duo Auth API application under nock, its requests checked against Duo's documented signature. */
const API = 'https://api-5678efgh.duosecurity.com';
const HOST = 'api-5678efgh.duosecurity.com';
const IKEY = 'DIAUTHAPPLICATION001';
const SKEY = 'authSecretKeyOfTheAuthApiApplication0001';
const DATE = 'Tue, 21 Aug 2012 17:29:18 -0000';

/** Duo's HMAC-SHA512 canonical request, computed here independently of the client. */
function authorization(method: string, path: string, query: string, body: string): string {
  const sha = (s: string) => createHash('sha512').update(s).digest('hex');
  const canonical = [DATE, method, HOST, path, query, sha(body), sha(`x-duo-date\0${DATE}`)].join('\n');
  const signature = createHmac('sha512', SKEY).update(canonical).digest('hex');
  return `Basic ${Buffer.from(`${IKEY}:${signature}`).toString('base64')}`;
}

/** A POST with exactly this JSON body, signed. */
export const signedPost = (path: string, body: string) =>
  nock(API, {
    reqheaders: {
      authorization: authorization('POST', path, '', body),
      'x-duo-date': DATE,
      'content-type': 'application/json',
    },
  }).post(path, body);

export const signedStatus = (txid: string) =>
  nock(API, { reqheaders: { authorization: authorization('GET', '/auth/v2/auth_status', `txid=${txid}`, '') } })
    .get('/auth/v2/auth_status')
    .query({ txid });

export const ok = (response: Record<string, unknown>) => ({ stat: 'OK', response });

/** preauth of `username`, who has a push device. */
export const signedPreauthWithPush = (username: string) =>
  signedPost('/auth/v2/preauth', JSON.stringify({ username })).reply(
    200,
    ok({ result: 'auth', devices: [{ device: 'DP1', capabilities: ['push'] }] }),
  );

export const DUO_AUTH_APP = { apiUrl: API, ikey: IKEY, skey: SKEY } as const;

/** The client of that application: at the signature's date, polling at once, a 4 s wait (unless overridden). */
export const duoAuthClient = (options: Partial<DuoAuthOptions> = {}) =>
  createDuoAuthClient({
    ...DUO_AUTH_APP,
    now: () => new Date('2012-08-21T17:29:18Z'),
    pushWaitMs: 4_000,
    pollMs: 2_000,
    wait: () => Promise.resolve(),
    retry: { maxRetries: 0 },
    ...options,
  });
