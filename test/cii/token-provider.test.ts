import { inspect } from 'node:util';
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { CiiCredentialsError, CiiUnavailableError, CiiUnexpectedResponseError } from '../../src/cii/errors.ts';
import { createTokenProvider, type TokenProviderOptions } from '../../src/cii/token-provider.ts';
import { CLIENT_SECRET, TOKEN_ORIGIN, TOKEN_URL, useNock } from './nock-setup.ts';

useNock();

const fastRetry = { maxRetries: 2, baseMs: 1, maxMs: 5 };

function provider(extra: Partial<TokenProviderOptions> = {}) {
  return createTokenProvider({
    tokenUrl: TOKEN_URL,
    clientId: 'client-1',
    clientSecret: CLIENT_SECRET,
    retry: fastRetry,
    ...extra,
  });
}

function clock(start = Date.parse('2025-06-01T00:00:00Z')) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('token provider', () => {
  it('posts the client credentials and reuses the cached token', async () => {
    const bodies: unknown[] = [];
    nock(TOKEN_ORIGIN)
      .post('/oauth/token', (body: Record<string, unknown>) => (bodies.push(body), true))
      .reply(200, { access_token: 'tok-1', expires_in: 3600, token_type: 'Bearer' });
    const tokens = provider();
    expect(await tokens.getToken()).toBe('tok-1');
    expect(await tokens.getToken()).toBe('tok-1');
    expect(bodies).toEqual([{ client_id: 'client-1', client_secret: CLIENT_SECRET, grant_type: 'client_credentials' }]);
  });

  it('sends the audience only when one is configured', async () => {
    const bodies: Array<Record<string, unknown>> = [];
    nock(TOKEN_ORIGIN)
      .post('/oauth/token', (body: Record<string, unknown>) => (bodies.push(body), true))
      .times(2)
      .reply(200, { access_token: 'tok', expires_in: 3600 });
    await provider({ audience: 'https://api.oort.io' }).getToken();
    await provider().getToken();
    expect(bodies[0]?.audience).toBe('https://api.oort.io');
    expect(bodies[1]).not.toHaveProperty('audience');
  });

  it('replaces the token five minutes before it expires', async () => {
    const c = clock();
    nock(TOKEN_ORIGIN).post('/oauth/token').reply(200, { access_token: 'tok-1', expires_in: 3600 });
    nock(TOKEN_ORIGIN).post('/oauth/token').reply(200, { access_token: 'tok-2', expires_in: 3600 });
    const tokens = provider({ now: c.now });
    expect(await tokens.getToken()).toBe('tok-1');
    c.advance(3600_000 - 300_000 - 1);
    expect(await tokens.getToken()).toBe('tok-1');
    c.advance(1);
    expect(await tokens.getToken()).toBe('tok-2');
  });

  it('keeps a short-lived token for at least half its lifetime', async () => {
    const c = clock();
    nock(TOKEN_ORIGIN).post('/oauth/token').reply(200, { access_token: 'tok-1', expires_in: 120 });
    nock(TOKEN_ORIGIN).post('/oauth/token').reply(200, { access_token: 'tok-2', expires_in: 120 });
    const tokens = provider({ now: c.now });
    await tokens.getToken();
    c.advance(59_999);
    expect(await tokens.getToken()).toBe('tok-1');
    c.advance(1);
    expect(await tokens.getToken()).toBe('tok-2');
  });

  it('assumes a 10-hour lifetime when expires_in is absent and reports it in status()', async () => {
    const c = clock();
    nock(TOKEN_ORIGIN).post('/oauth/token').reply(200, { access_token: 'tok-1' });
    const tokens = provider({ now: c.now });
    expect(tokens.status()).toBeUndefined();
    await tokens.getToken();
    const status = tokens.status();
    expect(status?.obtainedAt.getTime()).toBe(c.now());
    expect(status!.expiresAt.getTime() - status!.obtainedAt.getTime()).toBe(36_000_000);
  });

  it('shares one token request between 20 concurrent callers', async () => {
    let requests = 0;
    nock(TOKEN_ORIGIN)
      .post('/oauth/token')
      .delay(30)
      .reply(200, () => (requests++, { access_token: 'tok-shared', expires_in: 3600 }));
    const tokens = provider();
    const got = await Promise.all(Array.from({ length: 20 }, () => tokens.getToken()));
    expect(new Set(got)).toEqual(new Set(['tok-shared']));
    expect(requests).toBe(1);
  });

  it('invalidate drops the token only while it is still the current one', async () => {
    nock(TOKEN_ORIGIN).post('/oauth/token').reply(200, { access_token: 'tok-1', expires_in: 3600 });
    nock(TOKEN_ORIGIN).post('/oauth/token').reply(200, { access_token: 'tok-2', expires_in: 3600 });
    const tokens = provider();
    await tokens.getToken();
    tokens.invalidate('some-other-token');
    expect(await tokens.getToken()).toBe('tok-1');
    tokens.invalidate('tok-1');
    expect(tokens.status()).toBeUndefined();
    expect(await tokens.getToken()).toBe('tok-2');
    tokens.invalidate('tok-1');
    expect(await tokens.getToken()).toBe('tok-2');
  });

  it("reports rejected credentials with CII's reason, without retrying and without the secret", async () => {
    nock(TOKEN_ORIGIN)
      .post('/oauth/token')
      .reply(401, { error: 'access_denied', error_description: `Unauthorized client ${CLIENT_SECRET}` });
    const err = await provider()
      .getToken()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CiiCredentialsError);
    const e = err as CiiCredentialsError;
    expect(e.message).toMatch(/rejected the API client credentials/);
    expect(e.message).toContain('HTTP 401');
    expect(e.message).toContain('access_denied: Unauthorized client');
    for (const text of [e.message, e.stack ?? '', inspect(e, { depth: 10 })]) expect(text).not.toContain(CLIENT_SECRET);
  });

  it.each([400, 403])('treats HTTP %i from the token endpoint as rejected credentials', async (status) => {
    nock(TOKEN_ORIGIN).post('/oauth/token').reply(status, 'nope');
    await expect(provider().getToken()).rejects.toThrow(CiiCredentialsError);
  });

  it('retries a 5xx and then succeeds', async () => {
    nock(TOKEN_ORIGIN).post('/oauth/token').reply(502);
    nock(TOKEN_ORIGIN).post('/oauth/token').reply(200, { access_token: 'tok-1', expires_in: 3600 });
    expect(await provider().getToken()).toBe('tok-1');
  });

  it('gives up as unavailable after the bounded retries, without the secret', async () => {
    let requests = 0;
    nock(TOKEN_ORIGIN)
      .post('/oauth/token')
      .times(10)
      .reply(() => (requests++, [503, 'down']));
    const err = await provider()
      .getToken()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CiiUnavailableError);
    expect((err as Error).message).toContain('3 attempts');
    expect(requests).toBe(3);
    expect(inspect(err, { depth: 10 })).not.toContain(CLIENT_SECRET);
    nock.cleanAll();
  });

  it('treats a network error as unavailable, and the cause does not carry the secret', async () => {
    nock(TOKEN_ORIGIN)
      .post('/oauth/token')
      .times(3)
      .replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    const err = await provider()
      .getToken()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CiiUnavailableError);
    expect((err as Error).message).toContain('ECONNRESET');
    expect((err as Error).cause).toBeInstanceOf(Error);
    expect(inspect(err, { depth: 10 })).not.toContain(CLIENT_SECRET);
  });

  it('reports an answer without access_token as unexpected', async () => {
    nock(TOKEN_ORIGIN).post('/oauth/token').reply(200, { token: 'tok-1' });
    await expect(provider().getToken()).rejects.toThrow(CiiUnexpectedResponseError);
    nock(TOKEN_ORIGIN).post('/oauth/token').reply(200, '<html>login</html>', { 'content-type': 'text/html' });
    await expect(provider().getToken()).rejects.toThrow(/access_token|without a usable token/);
  });

  it('reports a 404 from the token URL as unexpected, pointing at the URL', async () => {
    nock(TOKEN_ORIGIN).post('/oauth/token').reply(404);
    await expect(provider().getToken()).rejects.toThrow(/HTTP 404; check the token URL/);
  });
});
