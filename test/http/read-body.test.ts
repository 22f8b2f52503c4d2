import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { BodyTooLargeError, readBody } from '../../src/http/read-body.ts';
import { sendJson } from '../../src/http/send-json.ts';
import { send } from './serve-route.ts';

const CAP = 64 * 1024;

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

/** Echoes the body's length, or 413 with the error name. */
async function start(): Promise<string> {
  server = createServer((req, res) => {
    readBody(req, CAP).then(
      (body) => sendJson(res, 200, { bytes: body.length, text: body.toString('utf8').slice(0, 20) }),
      (err: Error) =>
        sendJson(res, err instanceof BodyTooLargeError ? 413 : 400, { error: err.name }, { connection: 'close' }),
    );
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

/** Sends headers and `body` but never ends the request: only an early answer can resolve this. */
function answerBeforeEnd(url: string, headers: Record<string, string>, body: Buffer): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers }, (res) => {
      resolve(res);
      res.resume();
      req.destroy();
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE' && err.code !== 'ECONNRESET') reject(err);
    });
    req.flushHeaders();
    if (body.length > 0) req.write(body);
  });
}

describe('readBody', () => {
  it('returns a body of exactly the cap, whole', async () => {
    const url = await start();
    const answer = await send(url, { body: Buffer.alloc(CAP, 0x61) });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ bytes: CAP, text: 'a'.repeat(20) });
  });

  it('returns an empty body', async () => {
    const url = await start();
    expect((await send(url, { body: '' })).json).toEqual({ bytes: 0, text: '' });
  });

  it('refuses an over-cap content-length before any of the body is sent', async () => {
    const url = await start();
    const res = await answerBeforeEnd(url, { 'content-length': String(CAP + 1) }, Buffer.alloc(0));
    expect(res.statusCode).toBe(413);
  });

  it('refuses a chunked body as soon as it streams past the cap, without waiting for its end', async () => {
    const url = await start();
    const res = await answerBeforeEnd(url, { 'transfer-encoding': 'chunked' }, Buffer.alloc(CAP + 1, 0x61));
    expect(res.statusCode).toBe(413);
  });

  it('refuses a whole chunked body one byte over the cap', async () => {
    const url = await start();
    const answer = await send(url, { headers: { 'transfer-encoding': 'chunked' }, body: Buffer.alloc(CAP + 1, 0x61) });
    expect(answer.status).toBe(413);
    expect(answer.json).toEqual({ error: 'BodyTooLargeError' });
  });

  it('rejects when the client goes away mid-body', async () => {
    let outcome: Promise<unknown> | undefined;
    server = createServer((req) => {
      outcome = readBody(req, CAP).then(
        () => 'resolved',
        (err: Error) => err.name,
      );
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const req = request(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, {
      method: 'POST',
      headers: { 'content-length': '100' },
    });
    req.on('error', () => {});
    req.write('only ten b');
    await expect.poll(() => outcome !== undefined).toBe(true);
    req.destroy();
    expect(await outcome).toBe('BodyReadError');
  });
});
