import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { formatDuoDate, signDuoRequest } from '../../src/idp/duo-signature.ts';

const sha512 = (s: string) => createHash('sha512').update(s, 'utf8').digest('hex');

/**
 * Duo's HMAC-SHA512 scheme written out from its documentation, independently of the code under test:
 * date, METHOD, lower-case host, path, canonical query, SHA-512 of the body, SHA-512 of the
 * X-Duo-* headers (lower-cased name NUL value, sorted), HMAC-SHA512 hex, Basic base64(ikey:hex).
 */
function documentedAuthorization(a: {
  date: string;
  method: string;
  host: string;
  path: string;
  query: string;
  body: string;
  ikey: string;
  skey: string;
}): string {
  const canonical = [a.date, a.method, a.host, a.path, a.query, sha512(a.body), sha512(`x-duo-date\0${a.date}`)].join(
    '\n',
  );
  const hex = createHmac('sha512', a.skey).update(canonical, 'utf8').digest('hex');
  return `Basic ${Buffer.from(`${a.ikey}:${hex}`).toString('base64')}`;
}

// Vectors published by Duo with its reference implementation (duosecurity/duo_hmac_python, test/test_hmac.py).
const VECTOR = {
  ikey: 'DIABCDEFGHIJKLMNOPQR',
  skey: 'testtesttesttesttesttesttesttesttesttest',
  host: 'api-xxxxxxxx.duosecurity.com',
  path: '/api/path',
  date: 'Fri, 24 May 2024 12:00:00 -0000',
};

describe('signDuoRequest', () => {
  it("reproduces Duo's published signature for a POST with one parameter", () => {
    const signed = signDuoRequest({ ...VECTOR, method: 'POST', params: { foo: 'bar' } });
    expect(signed.body).toBe('{"foo":"bar"}');
    expect(signed.query).toBe('');
    expect(signed.headers).toEqual({
      'X-Duo-Date': VECTOR.date,
      'Content-Type': 'application/json',
      Authorization:
        'Basic RElBQkNERUZHSElKS0xNTk9QUVI6NjQzNzcwYWYzMTAwNmM1ODRhNzU4ZDkyNjI1MGU0NmE5MGQ3OTEwMGQyMWY3YTAzMTNjM2U3N2Q2NGZhM2M1ZDJjOTRlMmM5MDgxYTJiNjUzNDNjYzNkNWYyZWQyMWY3MzAwZWE1MGIwMDY0MGNiMTc2MGYzMjMxOTIzMDdkMzc=',
    });
  });

  it("reproduces Duo's published signature for a GET with one parameter", () => {
    const signed = signDuoRequest({ ...VECTOR, method: 'GET', params: { foo: 'bar' } });
    expect(signed.query).toBe('foo=bar');
    expect(signed.body).toBeUndefined();
    expect(signed.headers).toEqual({
      'X-Duo-Date': VECTOR.date,
      Authorization:
        'Basic RElBQkNERUZHSElKS0xNTk9QUVI6ODhmZTgwZjNiMjQyYjk5MmY0YjMwMTQwOGQ1MjRhODg2Mjc0ZDNlZDBjNGM3YmQxODRlMWI0ZmYzNzhlNjhlYTA1ZDk0MzNjMDk5MzgwNzhjNDk1MTdhNmM0MjY0Yzk1MGJlOWZmNWNjMjhhZDJkNDQ4Y2VhMjRiYzkzODg3Y2E=',
    });
  });

  it("reproduces Duo's published signature for a POST without parameters (body {})", () => {
    const signed = signDuoRequest({ ...VECTOR, method: 'POST', params: {} });
    expect(signed.body).toBe('{}');
    expect(signed.headers.Authorization).toBe(
      'Basic RElBQkNERUZHSElKS0xNTk9QUVI6MTJhMDVkNzgzYjJlNThlMzZmMzdkZjhhNjkwNzgzNTQ5NmZiZTIwZmIzZDA0YjE1MDM2YzgyYjE2OTRmYzU4ZDFjMDQ1MWI5MzdmYjliYTZlN2MyYjQ0ZDg5YjQ3M2FmNzA4MTY2MTgzZDIxNmFlYTEzZTUyNzQyYTU3ZjIzOWY=',
    );
  });

  it('signs the status change exactly as the documented algorithm does, with the host lower-cased', () => {
    const request = {
      method: 'post',
      host: 'API-1234ABCD.duosecurity.com',
      path: '/admin/v1/users/DU3RP9I2WOC59VZX672N',
      params: { status: 'disabled' },
      date: 'Tue, 21 Aug 2012 17:29:18 -0000',
      ikey: 'DIWJ8X6AEYOR5OMC6TQ1',
      skey: 'Zh5eGmUq9zpfQnyUIu5OL9iWoMMv5ZNmk3zLJ4Ep',
    };
    const signed = signDuoRequest(request);
    expect(signed.body).toBe('{"status":"disabled"}');
    expect(signed.headers.Authorization).toBe(
      documentedAuthorization({
        ...request,
        method: 'POST',
        host: 'api-1234abcd.duosecurity.com',
        query: '',
        body: '{"status":"disabled"}',
      }),
    );
  });

  it('sorts JSON body keys so the signed body is canonical', () => {
    expect(
      signDuoRequest({ ...VECTOR, method: 'POST', params: { username: 'root', realname: 'First Last' } }).body,
    ).toBe('{"realname":"First Last","username":"root"}');
  });

  it('encodes query parameters per RFC 3986 (upper-case hex, only unreserved characters left) and sorts them by key', () => {
    const params = { username: 'root', realname: 'First Last', 'a-b': "x!*'()@~._-" };
    const signed = signDuoRequest({ ...VECTOR, method: 'GET', params });
    const query = 'a-b=x%21%2A%27%28%29%40~._-&realname=First%20Last&username=root';
    expect(signed.query).toBe(query);
    expect(signed.headers.Authorization).toBe(documentedAuthorization({ ...VECTOR, method: 'GET', query, body: '' }));
  });
});

describe('formatDuoDate', () => {
  it('formats the RFC 2822 date Duo expects, in UTC with a -0000 zone', () => {
    expect(formatDuoDate(new Date('2012-08-21T17:29:18Z'))).toBe('Tue, 21 Aug 2012 17:29:18 -0000');
    expect(formatDuoDate(new Date('2024-05-03T04:05:06Z'))).toBe('Fri, 03 May 2024 04:05:06 -0000');
  });
});
