import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { createCiiClient, type CiiClientOptions } from '../../src/cii/client.ts';
import {
  CiiCredentialsError,
  CiiNotFoundError,
  CiiUnavailableError,
  CiiUnexpectedResponseError,
} from '../../src/cii/errors.ts';
import { createLogger } from '../../src/logger.ts';
import { endUser, endUserState, userRefs } from './fixtures.ts';
import { API_ORIGIN, API_URL, CLIENT_SECRET, TOKEN_ORIGIN, TOKEN_URL, useNock } from './nock-setup.ts';

useNock();

interface GraphqlBody {
  query: string;
  variables: Record<string, unknown>;
}

function client(extra: Partial<CiiClientOptions> = {}) {
  return createCiiClient({
    tokenUrl: TOKEN_URL,
    apiUrl: API_URL,
    clientId: 'client-1',
    clientSecret: CLIENT_SECRET,
    maxRetries: 2,
    retryBaseMs: 1,
    retryMaxMs: 5,
    ...extra,
  });
}

function tokenReplies(...tokens: string[]) {
  for (const token of tokens)
    nock(TOKEN_ORIGIN).post('/oauth/token').reply(200, { access_token: token, expires_in: 36000 });
}

type Seen = Array<{ body: GraphqlBody; auth: string | undefined }>;

/** Intercepts one GraphQL request with the given answer, recording its body and bearer token in `seen`. */
function api(seen: Seen = []) {
  const interceptor = nock(API_ORIGIN).post('/graphql');
  return {
    reply(status: number, body?: string | Record<string, unknown>, headers?: Record<string, string>) {
      // nock 15 hands reply functions a fetch Request.
      interceptor.reply(async (request: Request) => {
        seen.push({
          body: (await request.json()) as GraphqlBody,
          auth: request.headers.get('authorization') ?? undefined,
        });
        return [status, body ?? '', headers ?? {}];
      });
    },
  };
}

describe('CII client: queries', () => {
  it('sends one GraphQL document with a bearer token and returns the validated user', async () => {
    tokenReplies('tok-1');
    const seen: Seen = [];
    api(seen).reply(200, { data: { getEndUser: endUser() } });
    const user = await client().getEndUser('ada@example.com');
    expect(user).toEqual(endUser());
    expect(seen[0]?.auth).toBe('Bearer tok-1');
    expect(seen[0]?.body.variables).toEqual({ login: 'ada@example.com' });
    expect(seen[0]?.body.query).toMatch(/getEndUser\(login: \$login\)/);
  });

  it('tolerates fields it does not know and leaves them out', async () => {
    tokenReplies('tok-1');
    const state = { ...endUserState(), usedApplications: ['Slack'], brandNewField: { x: 1 } };
    api().reply(200, { data: { getEndUserState: state }, extensions: { trace: 'abc' } });
    const got = await client().getEndUserState('ada@example.com');
    expect(got).toEqual(endUserState());
    expect(got).not.toHaveProperty('brandNewField');
  });

  it('answers ping', async () => {
    tokenReplies('tok-1');
    api().reply(200, { data: { ping: true } });
    expect(await client().ping()).toBe(true);
  });

  it('reports the token status once a token was obtained', async () => {
    tokenReplies('tok-1');
    api().reply(200, { data: { ping: true } });
    const cii = client();
    expect(cii.tokenStatus()).toBeUndefined();
    await cii.ping();
    const status = cii.tokenStatus();
    expect(status!.expiresAt.getTime() - status!.obtainedAt.getTime()).toBe(36_000_000);
  });

  it('registers a webhook with scalar variables in an inline input object and returns its id; unregisters it', async () => {
    tokenReplies('tok-1');
    const seen: Seen = [];
    api(seen).reply(200, { data: { registerWebhookWithApiKey: 'wh-42' } });
    api(seen).reply(200, { data: { unregisterWebhook: true } });
    const cii = client();
    const input = {
      name: 'slack',
      endpoint: 'https://bot.example.com/cii/webhook',
      apiKeyName: 'x-api-client-token',
      apiKey: 'k'.repeat(32),
      checkIds: ['no-mfa'],
    };
    expect(await cii.registerWebhookWithApiKey(input)).toBe('wh-42');
    expect(await cii.unregisterWebhook('wh-42')).toBe(true);
    expect(seen[0]?.body.variables).toEqual(input);
    expect(seen[0]?.body.query).toMatch(/^\s*mutation/);
    expect(seen[0]?.body.query).not.toMatch(/RegisterWebhookWithApiKey(Input)?!/);
    expect(seen[1]?.body.variables).toEqual({ id: 'wh-42' });
  });
});

describe('CII client: authentication', () => {
  it('on a 401 fetches a new token and retries once', async () => {
    tokenReplies('tok-old', 'tok-new');
    const seen: Seen = [];
    api(seen).reply(401, { errors: [{ errorType: 'UnauthorizedException', message: 'Token has expired.' }] });
    api(seen).reply(200, { data: { ping: true } });
    expect(await client().ping()).toBe(true);
    expect(seen.map((s) => s.auth)).toEqual(['Bearer tok-old', 'Bearer tok-new']);
  });

  it('gives up with a credentials error when the fresh token is refused too', async () => {
    tokenReplies('tok-1', 'tok-2');
    let calls = 0;
    nock(API_ORIGIN)
      .post('/graphql')
      .times(5)
      .reply(() => (calls++, [401, { errors: [{ errorType: 'UnauthorizedException', message: 'Unauthorized' }] }]));
    const cii = client();
    await expect(cii.ping()).rejects.toThrow(CiiCredentialsError);
    expect(calls).toBe(2);
    expect(cii.tokenStatus()).toBeUndefined();
    nock.cleanAll();
  });

  it('passes on the token endpoint refusing the credentials', async () => {
    nock(TOKEN_ORIGIN).post('/oauth/token').reply(401, { error: 'access_denied', error_description: 'Unauthorized' });
    await expect(client().getEndUser('ada@example.com')).rejects.toThrow(CiiCredentialsError);
  });

  it('treats a 403 from the API as a credentials problem', async () => {
    tokenReplies('tok-1');
    api().reply(403, { message: 'Forbidden' });
    await expect(client().ping()).rejects.toThrow(/refused ping for this API client \(HTTP 403\)/);
  });
});

describe('CII client: transient failures', () => {
  it('honours Retry-After on a 429 before retrying', async () => {
    tokenReplies('tok-1');
    api().reply(429, 'slow down', { 'Retry-After': '1' });
    api().reply(200, { data: { ping: true } });
    const started = Date.now();
    expect(await client().ping()).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('gives up at once as unavailable when Retry-After asks for longer than it will wait', async () => {
    tokenReplies('tok-1');
    api().reply(429, 'slow down', { 'Retry-After': '120' });
    await expect(client().ping()).rejects.toThrow(/rate limiting.*120 s/);
  });

  it('retries a 5xx and then succeeds', async () => {
    tokenReplies('tok-1');
    api().reply(503);
    api().reply(500, 'oops');
    api().reply(200, { data: { getEndUserState: endUserState() } });
    expect(await client().getEndUserState('ada@example.com')).toEqual(endUserState());
  });

  it('gives up as unavailable after maxRetries + 1 attempts of 5xx', async () => {
    tokenReplies('tok-1');
    let calls = 0;
    nock(API_ORIGIN)
      .post('/graphql')
      .times(10)
      .reply(() => (calls++, [502, 'bad gateway']));
    const err = await client({ maxRetries: 3 })
      .ping()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CiiUnavailableError);
    expect((err as Error).message).toContain('after 4 attempts (HTTP 502)');
    expect(calls).toBe(4);
    nock.cleanAll();
  });

  describe('with an API that never answers', () => {
    let server: Server | undefined;
    afterEach(async () => {
      server?.closeAllConnections();
      await new Promise((resolve) => server?.close(resolve));
    });

    it('times out and reports CII unavailable with the timeout as the reason', async () => {
      let requests = 0;
      server = createServer(() => {
        requests++;
      });
      await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      tokenReplies('tok-1');
      const cii = client({ apiUrl: `http://127.0.0.1:${port}/graphql`, timeoutMs: 100, maxRetries: 1 });
      const err = await cii.ping().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CiiUnavailableError);
      expect((err as Error).message).toMatch(/after 2 attempts \(timed out\)/);
      expect((err as Error).cause).toBeInstanceOf(Error);
      expect(requests).toBe(2);
    });
  });

  it('logs retries and the token refresh without the token or the secret', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'debug', write: (line) => lines.push(line) });
    tokenReplies('tok-secret-1', 'tok-secret-2');
    api().reply(503);
    api().reply(401);
    api().reply(200, { data: { ping: true } });
    await client({ logger }).ping();
    expect(lines.some((l) => l.includes('HTTP 503; retrying'))).toBe(true);
    expect(lines.some((l) => l.includes('fetching a new one'))).toBe(true);
    for (const line of lines) {
      expect(line).not.toContain('tok-secret');
      expect(line).not.toContain(CLIENT_SECRET);
    }
  });
});

describe('CII client: answers it cannot use', () => {
  it("turns GraphQL errors in an HTTP 200 into an unexpected-response error carrying CII's message", async () => {
    tokenReplies('tok-1');
    api().reply(200, { data: null, errors: [{ errorType: 'InternalFailure', message: 'resolver blew up' }] });
    const err = await client()
      .getEndUser('ada@example.com')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CiiUnexpectedResponseError);
    expect((err as Error).message).toContain('InternalFailure: resolver blew up');
  });

  it('does the same for GraphQL errors in an HTTP 400, without retrying', async () => {
    tokenReplies('tok-1');
    api().reply(400, { errors: [{ message: 'Variable "$login" of required type "String!" was not provided.' }] });
    await expect(client().getEndUser('')).rejects.toThrow(/Variable "\$login"/);
  });

  it.each([
    ['errorType', { errorType: 'NotFound', message: 'No such user' }],
    ['message', { message: 'End user not found' }],
    ['message with an underscore', { message: 'USER_NOT_FOUND' }],
  ])('maps a not-found error (by %s) to CiiNotFoundError', async (_by, error) => {
    tokenReplies('tok-1');
    api().reply(200, { data: null, errors: [error] });
    await expect(client().getEndUser('ghost@example.com')).rejects.toThrow(CiiNotFoundError);
  });

  it('names the field path when the answer does not match the schema', async () => {
    tokenReplies('tok-1');
    const user = endUser() as unknown as { endUserDetails: Record<string, unknown> };
    delete user.endUserDetails.login;
    api().reply(200, { data: { getEndUser: user } });
    const err = await client()
      .getEndUser('ada@example.com')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CiiUnexpectedResponseError);
    expect((err as Error).message).toContain('getEndUser.endUserDetails.login');
  });

  it('names array positions in the field path', async () => {
    tokenReplies('tok-1');
    api().reply(200, { data: { getEndUsersByIp: { items: [{ id: 'u-1', login: 42 }], pageToken: null } } });
    await expect(client().getEndUsersByIp('198.51.100.7')).rejects.toThrow('getEndUsersByIp.items[0].login');
  });

  it('reports a body that is not a GraphQL response', async () => {
    tokenReplies('tok-1');
    api().reply(200, '<html>maintenance</html>', { 'content-type': 'text/html' });
    await expect(client().ping()).rejects.toThrow(/no GraphQL response/);
  });

  it('reports data without the root field', async () => {
    tokenReplies('tok-1');
    api().reply(200, { data: null });
    await expect(client().ping()).rejects.toThrow(/ping: /);
  });
});

describe('CII client: getEndUsersByIp', () => {
  it('follows page tokens and stops at maxUsers with truncated: true', async () => {
    tokenReplies('tok-1');
    const seen: Seen = [];
    api(seen).reply(200, { data: { getEndUsersByIp: { items: userRefs(100, 0), pageToken: 'p2' } } });
    api(seen).reply(200, { data: { getEndUsersByIp: { items: userRefs(100, 100), pageToken: 'p3' } } });
    const result = await client().getEndUsersByIp('198.51.100.7', { maxUsers: 150 });
    expect(result.truncated).toBe(true);
    expect(result.users).toHaveLength(150);
    expect(result.users.at(-1)?.login).toBe('user149@example.com');
    expect(seen.map((s) => s.body.variables)).toEqual([
      { ipAddress: '198.51.100.7', pageSize: 100, pageToken: null },
      { ipAddress: '198.51.100.7', pageSize: 100, pageToken: 'p2' },
    ]);
  });

  it('returns every user with truncated: false when the pages end before the cap', async () => {
    tokenReplies('tok-1');
    api().reply(200, { data: { getEndUsersByIp: { items: userRefs(2), pageToken: 'p2' } } });
    api().reply(200, { data: { getEndUsersByIp: { items: userRefs(1, 2) } } });
    const result = await client().getEndUsersByIp('198.51.100.7', { pageSize: 2 });
    expect(result).toEqual({ users: userRefs(3), truncated: false });
  });

  it('reports truncation when exactly maxUsers were fetched and CII has another page', async () => {
    tokenReplies('tok-1');
    api().reply(200, { data: { getEndUsersByIp: { items: userRefs(3), pageToken: 'p2' } } });
    const result = await client().getEndUsersByIp('198.51.100.7', { maxUsers: 3, pageSize: 3 });
    expect(result.truncated).toBe(true);
  });

  it('uses the default cap of 200 and asks for at most 500 per page', async () => {
    tokenReplies('tok-1');
    const seen: Seen = [];
    api(seen).reply(200, { data: { getEndUsersByIp: { items: userRefs(250), pageToken: 'p2' } } });
    const result = await client().getEndUsersByIp('198.51.100.7', { pageSize: 10_000 });
    expect(result.users).toHaveLength(200);
    expect(result.truncated).toBe(true);
    expect(seen[0]?.body.variables.pageSize).toBe(500);
  });

  it('stops on a page that repeats the previous token', async () => {
    tokenReplies('tok-1');
    api().reply(200, { data: { getEndUsersByIp: { items: userRefs(1), pageToken: 'same' } } });
    api().reply(200, { data: { getEndUsersByIp: { items: userRefs(1, 1), pageToken: 'same' } } });
    const result = await client().getEndUsersByIp('198.51.100.7');
    expect(result).toEqual({ users: userRefs(2), truncated: false });
  });
});

describe('CII client: getIntegrationsStatus', () => {
  it('returns the integrations when the API still has the field', async () => {
    tokenReplies('tok-1');
    const items = [
      { integrationId: 'i-1', integrationName: 'Duo', status: 'SUCCESS', date: '2025-06-01T00:00:00Z', error: null },
      { integrationId: 'i-2', integrationName: 'Okta', status: 'FAILURE', date: '2025-06-01T00:00:00Z', error: '401' },
    ];
    api().reply(200, { data: { getIntegrationsStatus: items } });
    expect(await client().getIntegrationsStatus()).toEqual(items);
  });

  it.each([
    ['graphql-js', 400, { message: 'Cannot query field "getIntegrationsStatus" on type "Query".' }],
    [
      'AppSync',
      200,
      {
        errorType: 'ValidationError',
        message:
          "Validation error of type FieldUndefined: Field 'getIntegrationsStatus' in type 'Query' is undefined @ 'getIntegrationsStatus'",
      },
    ],
  ])('returns undefined when the API no longer has the field (%s wording)', async (_server, status, error) => {
    tokenReplies('tok-1');
    api().reply(status, { errors: [error] });
    expect(await client().getIntegrationsStatus()).toBeUndefined();
  });

  it('reports a validation error about a field of the answer instead of calling the API unsupported', async () => {
    tokenReplies('tok-1');
    api().reply(200, {
      errors: [
        {
          errorType: 'ValidationError',
          message:
            "Validation error of type FieldUndefined: Field 'name' in type 'PublicIntegrationStatus' is undefined @ 'getIntegrationsStatus/name'",
        },
      ],
    });
    await expect(client().getIntegrationsStatus()).rejects.toThrow(/FieldUndefined: Field 'name'/);
  });

  it('still throws other errors', async () => {
    tokenReplies('tok-1');
    api().reply(200, { data: null, errors: [{ message: 'getIntegrationsStatus resolver timed out' }] });
    await expect(client().getIntegrationsStatus()).rejects.toThrow(CiiUnexpectedResponseError);
  });
});
