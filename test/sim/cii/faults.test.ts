import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startCiiSimulator, type CiiSimulator } from '../../../sim/cii/server.ts';
import { fetchToken, graphql, postJson } from './http.ts';

describe('CII simulator fault injection', () => {
  let sim: CiiSimulator;
  let token: string;
  beforeAll(async () => {
    sim = await startCiiSimulator();
    token = await fetchToken(sim);
  });
  beforeEach(() => {
    sim.clearFaults();
    sim.setLatency(0);
  });
  afterAll(() => sim.close());

  const ping = () => graphql(sim, token, '{ ping }');

  it('answers 429 with Retry-After once, then normally', async () => {
    sim.inject({ status: 429, retryAfterSeconds: 3 });
    const limited = await ping();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    expect(limited.body.errors).toEqual([expect.objectContaining({ errorType: 'TooManyRequestsException' })]);
    expect((await ping()).status).toBe(200);
    expect(
      sim
        .graphqlCalls('ping')
        .slice(-2)
        .map((r) => r.status),
    ).toEqual([429, 200]);
  });

  it('applies a fault the given number of times, and queued faults in order', async () => {
    sim.inject({ status: 500, times: 2 });
    sim.inject({ status: 503 });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await ping()).status);
    expect(statuses).toEqual([500, 500, 503, 200]);
  });

  it('keeps an Infinity fault until cleared', async () => {
    sim.inject({ status: 502, times: Infinity });
    for (let i = 0; i < 3; i++) expect((await ping()).status).toBe(502);
    sim.clearFaults();
    expect((await ping()).status).toBe(200);
  });

  it('answers injected GraphQL errors with HTTP 200 and null data', async () => {
    sim.inject({ graphqlErrors: [{ message: 'Resolver timed out', errorType: 'ExecutionTimeout' }] });
    const answer = await ping();
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      data: null,
      errors: [{ message: 'Resolver timed out', errorType: 'ExecutionTimeout' }],
    });
  });

  it('delays a request by an injected delay and by the latency, and records the wait', async () => {
    sim.inject({ delayMs: 300 });
    const delayed = await ping();
    expect(delayed.status).toBe(200);
    expect(sim.graphqlCalls('ping').at(-1)?.durationMs).toBeGreaterThanOrEqual(290);
    sim.setLatency(200);
    await ping();
    expect(sim.graphqlCalls('ping').at(-1)?.durationMs).toBeGreaterThanOrEqual(190);
  });

  it('targets the token endpoint only when asked', async () => {
    sim.inject({ target: 'token', status: 503, retryAfterSeconds: 1 });
    expect((await ping()).status).toBe(200);
    const { clientId, clientSecret } = sim.credentials;
    const grant = { client_id: clientId, client_secret: clientSecret, grant_type: 'client_credentials' };
    const failed = await postJson(sim.tokenUrl, grant);
    expect(failed.status).toBe(503);
    expect(failed.headers.get('retry-after')).toBe('1');
    expect((await postJson(sim.tokenUrl, grant)).status).toBe(200);
  });

  it('can answer 401 to a valid token, as after a key rotation', async () => {
    sim.inject({ status: 401 });
    const answer = await ping();
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({ errors: [{ errorType: 'UnauthorizedException', message: 'Unauthorized' }] });
  });
});
