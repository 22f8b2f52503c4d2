import { createHash, createHmac } from 'node:crypto';
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { createDuoUserLookup, DuoLookupError } from '../../src/idp/duo-users.ts';
import { useNock } from './nock-setup.ts';

const API = 'https://api-1234abcd.duosecurity.com';
const IKEY = 'DIWJ8X6AEYOR5OMC6TQ1';
const SKEY = 'Zh5eGmUq9zpfQnyUIu5OL9iWoMMv5ZNmk3zLJ4Ep';
const DATE = 'Tue, 21 Aug 2012 17:29:18 -0000';

/** Duo's canonical request for a GET: the parameters in the query, an empty body's hash. */
function authorization(query: string): string {
  const sha = (s: string) => createHash('sha512').update(s).digest('hex');
  const canonical = [
    DATE,
    'GET',
    'api-1234abcd.duosecurity.com',
    '/admin/v1/users',
    query,
    sha(''),
    sha(`x-duo-date\0${DATE}`),
  ].join('\n');
  return `Basic ${Buffer.from(`${IKEY}:${createHmac('sha512', SKEY).update(canonical).digest('hex')}`).toString('base64')}`;
}

const lookup = createDuoUserLookup({
  apiUrl: API,
  ikey: IKEY,
  skey: SKEY,
  now: () => new Date('2012-08-21T17:29:18Z'),
  retry: { maxRetries: 0 },
});
const signedLookup = (email: string) =>
  nock(API, {
    reqheaders: {
      authorization: authorization(`email=${encodeURIComponent(email)}`),
      'x-duo-date': DATE,
    },
  })
    .get('/admin/v1/users')
    .query({ email });

describe('Duo Admin API user lookup by email', () => {
  useNock();

  it('asks GET /admin/v1/users?email= signed, and answers the one user’s username', async () => {
    signedLookup('bob@example.com').reply(200, {
      stat: 'OK',
      response: [{ user_id: 'DU1', username: 'bob', email: 'bob@example.com', status: 'active' }],
    });
    await expect(lookup(' bob@example.com ')).resolves.toBe('bob');
  });

  it('nobody, or several users with the email: no username (nobody can tell which is the person)', async () => {
    signedLookup('nobody@example.com').reply(200, { stat: 'OK', response: [] });
    await expect(lookup('nobody@example.com')).resolves.toBeUndefined();
    signedLookup('team@example.com').reply(200, {
      stat: 'OK',
      response: [
        { user_id: 'DU1', username: 'ann' },
        { user_id: 'DU2', username: 'ben' },
      ],
    });
    await expect(lookup('team@example.com')).resolves.toBeUndefined();
  });

  it('a refusal is a typed error naming the status, never the keys', async () => {
    signedLookup('bob@example.com').reply(403, { stat: 'FAIL', code: 40301, message: 'Access forbidden' });
    const err = await lookup('bob@example.com').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DuoLookupError);
    expect((err as Error).message).toBe('Duo answered HTTP 403 to a user lookup by email');
    expect((err as Error).message).not.toContain(SKEY);
  });
});
