import { afterEach, describe, expect, test } from 'vitest';
import { withRequestIds } from '../../src/http/request-id-route.ts';
import { captureLogger, send, serveRoutes, type RouteServer } from './serve-route.ts';

describe('request ids on the HTTP routes', () => {
  let server: RouteServer | undefined;
  afterEach(() => server?.close());

  async function serveLoggingRoute() {
    const { logger, lines } = captureLogger();
    server = await serveRoutes([
      withRequestIds({
        path: '/work',
        method: ['POST'],
        handler: (_req, res) => {
          setTimeout(() => {
            logger.info('handled');
            res.end();
          }, 1);
        },
      }),
    ]);
    return { url: `${server.url}/work`, lines };
  }

  test('tags the lines of a request with a new id and answers it in x-request-id', async () => {
    const { url, lines } = await serveLoggingRoute();
    const a = await send(url);
    const b = await send(url);
    const ids = lines.map((l) => (JSON.parse(l) as { reqId?: string }).reqId);
    expect(ids).toEqual([a.headers['x-request-id'], b.headers['x-request-id']]);
    expect(ids[0]).toMatch(/^[0-9a-f]{16}$/);
    expect(ids[0]).not.toBe(ids[1]);
  });

  test("keeps a load balancer's x-request-id, but not one that does not look like an id", async () => {
    const { url, lines } = await serveLoggingRoute();
    await send(url, { headers: { 'x-request-id': 'lb-7f3a.42' } });
    const odd = await send(url, { headers: { 'x-request-id': 'two words "quoted"' } });
    expect(lines.map((l) => (JSON.parse(l) as { reqId?: string }).reqId)).toEqual([
      'lb-7f3a.42',
      odd.headers['x-request-id'],
    ]);
    expect(odd.headers['x-request-id']).toMatch(/^[0-9a-f]{16}$/);
  });
});
