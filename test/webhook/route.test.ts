import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Finding } from '../../src/alerts/finding.ts';
import { silentLogger, type Logger } from '../../src/logger.ts';
import { createWebhookRoute, WEBHOOK_PATH } from '../../src/webhook/route.ts';
import {
  batchedFailedCheck,
  envelope,
  singleUserFailedCheck,
  webhookTest,
  type Json,
} from '../fixtures/cii-envelopes.ts';
import { captureLogger, send, serveRoutes, type RouteServer } from '../http/serve-route.ts';

const SECRET = 'cii-wh-4f8a1c9e7b2d6053a1e4c8b7';
const HEADER = 'x-api-client-token';
const MiB = 1024 * 1024;

let server: RouteServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(
  options: {
    logger?: Logger;
    onFailedCheck?: (f: Finding) => Promise<unknown>;
    onTest?: (at: Date) => Promise<void>;
  } = {},
) {
  const onFailedCheck = vi.fn(options.onFailedCheck ?? (() => Promise.resolve({ stored: true })));
  const onTest = vi.fn(options.onTest ?? (async () => {}));
  const route = createWebhookRoute({
    secret: SECRET,
    headerName: HEADER,
    onFailedCheck,
    onTest,
    logger: options.logger ?? silentLogger,
  });
  server = await serveRoutes([route]);
  const url = server.url + WEBHOOK_PATH;
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    send(url, {
      headers: { 'content-type': 'application/json', [HEADER]: SECRET, ...headers },
      body: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body),
    });
  return { url, post, onFailedCheck, onTest };
}

describe('POST /cii/webhook', () => {
  it('is a POST route at /cii/webhook', () => {
    const route = createWebhookRoute({
      secret: SECRET,
      headerName: HEADER,
      onFailedCheck: async () => {},
      onTest: async () => {},
      logger: silentLogger,
    });
    expect(route).toMatchObject({ path: '/cii/webhook', method: ['POST'] });
  });

  it('refuses to be created with an empty secret', () => {
    expect(() =>
      createWebhookRoute({
        secret: '',
        headerName: HEADER,
        onFailedCheck: async () => {},
        onTest: async () => {},
        logger: silentLogger,
      }),
    ).toThrow(/secret/);
  });

  it('stores a batched finding and answers 202', async () => {
    const { post, onFailedCheck } = await start();
    const body = batchedFailedCheck({ logins: ['ana.lima@example.com', 'hrms.serviceuser'] });
    const answer = await post(body, { 'content-type': 'application/json; charset=utf-8' });
    expect(answer.status).toBe(202);
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
    const detail = body.detail as Json;
    expect(answer.json).toEqual({ accepted: true, findings: [{ findingId: detail.id, users: 2 }] });
    expect(onFailedCheck).toHaveBeenCalledTimes(1);
    const finding = onFailedCheck.mock.calls[0]![0];
    expect(finding).toMatchObject({ envelopeId: body.id, findingId: detail.id, checkId: 'no-mfa', severity: 'high' });
    expect(finding.users.map((u) => u.login)).toEqual(['ana.lima@example.com', 'hrms.serviceuser']);
    expect(finding.description[0]).toContain('{{numberOfDays}}');
  });

  it('stores a single-user finding with unknown fields and answers 202', async () => {
    const { post, onFailedCheck } = await start();
    const answer = await post(
      singleUserFailedCheck({ login: 'ben.okafor@example.com', envelope: { 'replay-name': 'x' } }),
    );
    expect(answer.status).toBe(202);
    expect(onFailedCheck.mock.calls[0]![0]).toMatchObject({
      checkId: 'impossible-travel',
      severity: 'medium',
      users: [{ login: 'ben.okafor@example.com', details: [] }],
    });
  });

  it('answers the connectivity test with 200 after calling onTest', async () => {
    const { post, onTest, onFailedCheck } = await start();
    const answer = await post(webhookTest());
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ ok: true });
    expect(onTest).toHaveBeenCalledWith(new Date('2026-07-14T06:00:12Z'));
    expect(onFailedCheck).not.toHaveBeenCalled();
  });

  it('acknowledges other detail types with 202 and stores nothing', async () => {
    const { post, onFailedCheck, onTest } = await start();
    const answer = await post(envelope('CHECK_RESOLVED', { id: 'x' }));
    expect(answer.status).toBe(202);
    expect(answer.json).toEqual({ accepted: false, ignored: 'CHECK_RESOLVED' });
    expect(onFailedCheck).not.toHaveBeenCalled();
    expect(onTest).not.toHaveBeenCalled();
  });

  it.each([
    ['a wrong secret of the same length', { [HEADER]: SECRET.replace(/.$/, 'X') }],
    ['a wrong secret of another length', { [HEADER]: 'nope' }],
    ['the secret in another header', { [HEADER]: '', authorization: SECRET }],
  ])('rejects %s with 401 and stores nothing', async (_name, headers) => {
    const { post, onFailedCheck } = await start();
    const answer = await post(batchedFailedCheck(), headers);
    expect(answer.status).toBe(401);
    expect(answer.json).toEqual({ error: 'unauthorized' });
    expect(onFailedCheck).not.toHaveBeenCalled();
  });

  it('rejects a request without the secret header with 401 and stores nothing', async () => {
    const { url, onFailedCheck } = await start();
    const answer = await send(url, {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(batchedFailedCheck()),
    });
    expect(answer.status).toBe(401);
    expect(onFailedCheck).not.toHaveBeenCalled();
  });

  it('checks the secret before the size, the size before the content type', async () => {
    const { post } = await start();
    expect((await post('x'.repeat(MiB + 1), { [HEADER]: 'wrong' })).status).toBe(401);
    expect((await post('x'.repeat(MiB + 1), { 'content-type': 'text/plain' })).status).toBe(413);
  });

  it('rejects a body of 1 MiB + 1 bytes with 413 and stores nothing', async () => {
    const { post, onFailedCheck } = await start();
    const body = JSON.stringify(batchedFailedCheck());
    const padded = body + ' '.repeat(MiB + 1 - Buffer.byteLength(body));
    const answer = await post(padded);
    expect(answer.status).toBe(413);
    expect(answer.json).toEqual({ error: 'payload_too_large', limitBytes: MiB });
    expect(onFailedCheck).not.toHaveBeenCalled();
  });

  it('accepts a body of exactly 1 MiB', async () => {
    const { post, onFailedCheck } = await start();
    const body = JSON.stringify(batchedFailedCheck());
    const answer = await post(body + ' '.repeat(MiB - Buffer.byteLength(body)));
    expect(answer.status).toBe(202);
    expect(onFailedCheck).toHaveBeenCalledTimes(1);
  });

  it('rejects an oversized chunked body (no content-length) with 413', async () => {
    const { post, onFailedCheck } = await start();
    const answer = await post(Buffer.alloc(MiB + 1, 0x20), { 'transfer-encoding': 'chunked' });
    expect(answer.status).toBe(413);
    expect(onFailedCheck).not.toHaveBeenCalled();
  });

  it.each([['text/plain'], ['application/x-www-form-urlencoded'], [undefined]])(
    'rejects content type %s with 415 and stores nothing',
    async (contentType) => {
      const { url, onFailedCheck } = await start();
      const headers: Record<string, string> = { [HEADER]: SECRET };
      if (contentType) headers['content-type'] = contentType;
      const answer = await send(url, { headers, body: JSON.stringify(batchedFailedCheck()) });
      expect(answer.status).toBe(415);
      expect(onFailedCheck).not.toHaveBeenCalled();
    },
  );

  it.each([['{"version":"0",'], ['not json'], [Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])], ['']])(
    'rejects a malformed JSON body (%s) with 400 and stores nothing',
    async (body) => {
      const { post, onFailedCheck } = await start();
      const answer = await post(body);
      expect(answer.status).toBe(400);
      expect(answer.json).toEqual({ error: 'invalid_json' });
      expect(onFailedCheck).not.toHaveBeenCalled();
    },
  );

  it.each([
    ['id', (b: Json) => omit(b, 'id')],
    ['detail-type', (b: Json) => omit(b, 'detail-type')],
    ['detail.id', (b: Json) => ({ ...b, detail: omit(b.detail as Json, 'id') })],
    ['detail.checkId', (b: Json) => ({ ...b, detail: omit(b.detail as Json, 'checkId') })],
    ['detail.severity', (b: Json) => ({ ...b, detail: omit(b.detail as Json, 'severity') })],
  ])('rejects an envelope without %s with 400 naming it, and stores nothing', async (field, mutate) => {
    const { post, onFailedCheck } = await start();
    const answer = await post(mutate(batchedFailedCheck()));
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({ error: 'invalid_envelope', reason: `${field}: required` });
    expect(onFailedCheck).not.toHaveBeenCalled();
  });

  it('rejects a finding without users with 400 naming detail.usersFailing', async () => {
    const { post, onFailedCheck } = await start();
    const answer = await post(batchedFailedCheck({ detail: { usersFailing: [], loginDetails: [] } }));
    expect(answer.status).toBe(400);
    expect((answer.json as { reason: string }).reason).toMatch(/^detail\.usersFailing: /);
    expect(onFailedCheck).not.toHaveBeenCalled();
  });

  it('rejects a login detail nested 5,000 levels deep with 400 naming the field (not 500, which CII retries)', async () => {
    const { post, onFailedCheck } = await start();
    const deep = '['.repeat(5_000) + '"x"' + ']'.repeat(5_000);
    const body = JSON.stringify(batchedFailedCheck()).replace('"providersFailingChecks","value":', `$&${deep},"was":`);
    const answer = await post(body);
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({
      error: 'invalid_envelope',
      reason: 'detail.loginDetails[0].details[0].value: nested deeper than 64 levels',
    });
    expect(onFailedCheck).not.toHaveBeenCalled();
  });

  it('answers 503 when storing the finding fails, so CII retries', async () => {
    const { post, onFailedCheck } = await start({
      onFailedCheck: async () => Promise.reject(new Error('database is locked')),
    });
    const answer = await post(batchedFailedCheck());
    expect(answer.status).toBe(503);
    expect(answer.json).toEqual({ error: 'unavailable' });
    expect(onFailedCheck).toHaveBeenCalledTimes(1);
  });

  it('answers 503 when the test event cannot be recorded', async () => {
    const { post } = await start({ onTest: async () => Promise.reject(new Error('database is locked')) });
    expect((await post(webhookTest())).status).toBe(503);
  });

  it('answers 503 (and does not crash) when the callee throws synchronously', async () => {
    const { post } = await start({
      onFailedCheck: () => {
        throw new Error('boom');
      },
    });
    expect((await post(batchedFailedCheck())).status).toBe(503);
  });

  it('answers 405 to other methods', async () => {
    const { url, onFailedCheck } = await start();
    const answer = await send(url, { method: 'GET', headers: { [HEADER]: SECRET } });
    expect(answer.status).toBe(405);
    expect(answer.headers.allow).toBe('POST');
    expect(onFailedCheck).not.toHaveBeenCalled();
  });

  it('never writes the secret or a presented wrong value to the logs', async () => {
    const { logger, lines } = captureLogger();
    const presented = 'guess-7c1d9e2f5a3b8046';
    const { post } = await start({ logger, onFailedCheck: async () => Promise.reject(new Error('disk full')) });
    await post(batchedFailedCheck(), { [HEADER]: presented });
    await post(batchedFailedCheck(), { [HEADER]: SECRET.slice(0, 10) });
    await post(batchedFailedCheck());
    await post(omit(batchedFailedCheck(), 'id'));
    await post('{', {});
    expect(lines.length).toBeGreaterThanOrEqual(5);
    const all = lines.join('\n');
    expect(all).toContain('missing or wrong secret');
    expect(all).not.toContain(SECRET);
    expect(all).not.toContain(SECRET.slice(0, 10));
    expect(all).not.toContain(presented);
  });
});

function omit(obj: Json, key: string): Json {
  const copy = { ...obj };
  delete copy[key];
  return copy;
}

describe('POST /cii/webhook and severities CII may add', () => {
  it('accepts a finding with a severity it does not know, and logs each new value once', async () => {
    const { logger, lines } = captureLogger();
    const { post, onFailedCheck } = await start({ logger });
    for (const severity of ['urgent', 'urgent', 'informational', 'high']) {
      expect((await post(batchedFailedCheck({ detail: { severity } }))).status).toBe(202);
    }
    expect(onFailedCheck.mock.calls.map(([f]) => [f.severity, f.severityLabel])).toEqual([
      ['medium', 'urgent'],
      ['medium', 'urgent'],
      ['medium', 'informational'],
      ['high', 'high'],
    ]);
    const notes = lines.filter((l) => l.includes('severity this app does not know'));
    expect(notes).toHaveLength(2);
    expect(notes[0]).toContain('"severity":"urgent"');
    expect(notes[1]).toContain('"severity":"informational"');
  });
});
