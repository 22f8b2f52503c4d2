import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import axios from 'axios';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCiiHttp } from '../../src/cii/http.ts';

// A real loopback server: the adapter is what talks to it.
let server: Server;
let url: string;
let handle: (res: ServerResponse, body: string, headers: Record<string, unknown>) => void;

beforeEach(async () => {
  handle = (res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (p: Buffer) => parts.push(p));
    req.on('end', () => handle(res, Buffer.concat(parts).toString('utf8'), req.headers));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** The headers of each request the server gets from now on, each answered `{}`. */
function headersSeen(): Array<Record<string, unknown>> {
  const seen: Array<Record<string, unknown>> = [];
  handle = (res, _body, headers) => {
    seen.push(headers);
    res.end('{}');
  };
  return seen;
}

async function failure(request: Promise<unknown>): Promise<unknown> {
  return request.then(
    () => expect.unreachable('the request should have failed'),
    (err: unknown) => err,
  );
}

describe('the CII adapter', () => {
  it('sends the body with its length, the instance and call headers, and answers with status and the headers the client reads', async () => {
    let seen: { body: string; headers: Record<string, unknown> } | undefined;
    handle = (res, body, headers) => {
      seen = { body, headers };
      res
        .writeHead(207, { 'content-type': 'application/json', 'retry-after': '7', 'x-amzn-requestid': 'r-1' })
        .end('{"é":1}');
    };
    const http = createCiiHttp(5_000, {});
    const answer = await http.post(url, '{"q":"ü"}', { headers: { Authorization: 'Bearer tok' } });
    expect(answer.status).toBe(207);
    expect(answer.data).toEqual({ é: 1 });
    expect(answer.headers['retry-after']).toBe('7');
    expect(answer.headers['content-type']).toBe('application/json');
    expect(answer.headers['x-amzn-requestid']).toBeUndefined();
    expect(seen?.body).toBe('{"q":"ü"}');
    expect(seen?.headers).toMatchObject({
      'content-length': String(Buffer.byteLength('{"q":"ü"}')),
      'content-type': 'application/json',
      accept: 'application/json',
      authorization: 'Bearer tok',
    });
  });

  it("sends the URL's host, its credentials as Basic unless the call has an Authorization, and the body's own length", async () => {
    const seen = headersSeen();
    const http = createCiiHttp(5_000, {});
    const withCredentials = url.replace('http://', 'http://client%20id:s%3Acret@');
    await http.post(withCredentials, '{"a":1}', { headers: { 'content-length': '999' } });
    await http.post(withCredentials, '{}', { headers: { Authorization: 'Bearer tok' } });
    expect(seen[0]).toMatchObject({
      host: new URL(url).host,
      authorization: `Basic ${Buffer.from('client id:s:cret').toString('base64')}`,
      'content-length': '7',
    });
    expect(seen[1]).toMatchObject({ authorization: 'Bearer tok', 'content-length': '2' });
  });

  it('sends a POST without a body with a zero length, and a GET without one', async () => {
    const seen = headersSeen();
    const http = createCiiHttp(5_000, {});
    await http.post(url);
    await http.get(url);
    expect(seen[0]).toMatchObject({ 'content-length': '0' });
    expect(seen[0]?.['transfer-encoding']).toBeUndefined();
    expect(seen[1]?.['content-length']).toBeUndefined();
    expect(seen[1]?.['transfer-encoding']).toBeUndefined();
  });

  it('answers a redirect as it is, without following it with the bearer token', async () => {
    const paths: string[] = [];
    server.on('request', (req: { url?: string }) => paths.push(req.url ?? ''));
    handle = (res) => res.writeHead(302, { location: '/elsewhere' }).end();
    const http = createCiiHttp(5_000, {});
    const answer = await http.post(url, '{}', { headers: { Authorization: 'Bearer tok' } });
    expect(answer.status).toBe(302);
    expect(paths).toEqual(['/graphql']);
  });

  it("fails with axios's timeout error when the answer is late", async () => {
    handle = (res) => setTimeout(() => res.end('{}'), 500);
    const http = createCiiHttp(50, {});
    const err = await failure(http.post(url, '{}'));
    expect(axios.isAxiosError(err)).toBe(true);
    expect(err).toMatchObject({ code: 'ECONNABORTED', message: 'timeout of 50ms exceeded' });
  });

  it('fails with the network error code when nothing listens', async () => {
    const http = createCiiHttp(5_000, {});
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    const err = await failure(http.post(url, '{}'));
    expect(axios.isAxiosError(err)).toBe(true);
    expect(err).toMatchObject({ code: 'ECONNREFUSED' });
    server.listen(0, '127.0.0.1');
  });

  it('stops reading an answer larger than maxContentLength', async () => {
    handle = (res) => res.end('x'.repeat(10_000));
    const http = createCiiHttp(5_000, {});
    const err = await failure(http.post(url, '{}', { maxContentLength: 1_000 }));
    expect(err).toMatchObject({ code: 'ERR_BAD_RESPONSE', message: 'maxContentLength size of 1000 exceeded' });
  });

  it('honours validateStatus and an abort signal like axios does', async () => {
    handle = (res) => res.writeHead(503).end('down');
    const http = createCiiHttp(5_000, {});
    const refused = await failure(http.post(url, '{}', { validateStatus: (s) => s < 500 }));
    expect(refused).toMatchObject({ code: 'ERR_BAD_RESPONSE', response: { status: 503, data: 'down' } });
    handle = (res) => setTimeout(() => res.end('{}'), 500);
    const controller = new AbortController();
    const aborted = failure(http.post(url, '{}', { signal: controller.signal }));
    controller.abort();
    expect(await aborted).toMatchObject({ code: 'ERR_CANCELED' });
  });
});
