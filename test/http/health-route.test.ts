import { afterEach, describe, expect, it } from 'vitest';
import { createHealthRoute } from '../../src/http/health-route.ts';
import { send, serveRoutes, type RouteServer } from './serve-route.ts';

let server: RouteServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function get(route: ReturnType<typeof createHealthRoute>, method = 'GET') {
  server = await serveRoutes([route]);
  return send(`${server.url}/healthz`, { method });
}

describe('GET /healthz', () => {
  it('answers 200 {status: ok} without a check', async () => {
    const answer = await get(createHealthRoute());
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ status: 'ok' });
  });

  it('answers 200 with the details of a passing check', async () => {
    const answer = await get(createHealthRoute(() => Promise.resolve({ ok: true, details: { database: 'sqlite' } })));
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ status: 'ok', details: { database: 'sqlite' } });
  });

  it('answers 503 when the check reports not ok', async () => {
    const answer = await get(
      createHealthRoute(() => Promise.resolve({ ok: false, details: { database: 'unreachable' } })),
    );
    expect(answer.status).toBe(503);
    expect(answer.json).toEqual({ status: 'unavailable', details: { database: 'unreachable' } });
  });

  it('answers 503 without leaking the message when the check throws', async () => {
    const answer = await get(
      createHealthRoute(() => {
        throw new Error('password authentication failed for user cii');
      }),
    );
    expect(answer.status).toBe(503);
    expect(answer.json).toEqual({ status: 'unavailable' });
  });

  it('answers 405 to other methods', async () => {
    const answer = await get(createHealthRoute(), 'POST');
    expect(answer.status).toBe(405);
    expect(answer.headers.allow).toBe('GET');
  });
});
