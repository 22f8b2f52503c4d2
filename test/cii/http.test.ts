import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Socket } from 'node:net';
import axios from 'axios';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCiiClient } from '../../src/cii/client.ts';
import { createCiiHttp } from '../../src/cii/http.ts';

// A real loopback server (not nock): what is measured here is connections and socket calls.
interface Seen {
  path: string;
  body: string;
  contentType: string | undefined;
  socket: number;
}

let server: Server;
let url: string;
let seen: Seen[];
let answer: (req: IncomingMessage) => { status: number; body: string };

beforeEach(async () => {
  seen = [];
  answer = () => ({ status: 200, body: '{"data":{"ping":true}}' });
  const sockets = new Map<Socket, number>();
  server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (p: Buffer) => parts.push(p));
    req.on('end', () => {
      if (!sockets.has(req.socket)) sockets.set(req.socket, sockets.size + 1);
      seen.push({
        path: req.url ?? '',
        body: Buffer.concat(parts).toString('utf8'),
        contentType: req.headers['content-type'],
        socket: sockets.get(req.socket)!,
      });
      const { status, body } = answer(req);
      res.writeHead(status, { 'content-type': 'application/json' }).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  vi.restoreAllMocks();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('CII HTTP client', () => {
  it('fetches the token and calls the API over one kept-alive connection', async () => {
    answer = (req) =>
      req.url === '/oauth/token'
        ? { status: 200, body: '{"access_token":"tok","expires_in":3600}' }
        : { status: 200, body: '{"data":{"ping":true}}' };
    const cii = createCiiClient({
      tokenUrl: `${url}/oauth/token`,
      apiUrl: `${url}/graphql`,
      clientId: 'id',
      clientSecret: 'secret',
    });
    for (let i = 0; i < 3; i++) expect(await cii.ping()).toBe(true);
    expect(seen.map((s) => s.path)).toEqual(['/oauth/token', '/graphql', '/graphql', '/graphql']);
    expect(new Set(seen.map((s) => s.socket))).toEqual(new Set([1]));
    expect(seen.every((s) => s.contentType === 'application/json')).toBe(true);
    expect(JSON.parse(seen[0]!.body)).toEqual({
      client_id: 'id',
      client_secret: 'secret',
      grant_type: 'client_credentials',
    });
    expect(JSON.parse(seen[1]!.body)).toMatchObject({ variables: {} });
  });

  it('sets TCP keep-alive once per connection, not on every request', async () => {
    const setKeepAlive = vi.spyOn(Socket.prototype, 'setKeepAlive');
    const http = createCiiHttp(5_000, {});
    for (let i = 0; i < 5; i++) await http.post(`${url}/graphql`, '{}');
    expect(new Set(seen.map((s) => s.socket)).size).toBe(1);
    expect(setKeepAlive.mock.calls).toEqual([[true, 60_000]]);
  });

  it('parses a JSON answer once into an object and leaves any other body a string', async () => {
    const http = createCiiHttp(5_000, {});
    expect((await http.post(`${url}/graphql`, '{}')).data).toEqual({ data: { ping: true } });
    answer = () => ({ status: 502, body: '<html>Bad gateway</html>' });
    const failed = await http.post(`${url}/graphql`, '{}');
    expect(failed.status).toBe(502);
    expect(failed.data).toBe('<html>Bad gateway</html>');
  });

  it("leaves proxying to axios's own adapter only when a proxy variable is set", () => {
    expect(typeof createCiiHttp(5_000, {}).defaults.adapter).toBe('function');
    const proxied = createCiiHttp(5_000, { HTTPS_PROXY: 'http://proxy.internal:3128' }).defaults;
    expect(proxied.adapter).toEqual(axios.defaults.adapter);
    expect(proxied).toMatchObject({ maxRedirects: 0, responseType: 'text' });
  });
});
