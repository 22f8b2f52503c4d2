import { afterEach, describe, expect, it } from 'vitest';
import { startCiiSimulator, type CiiSimulator } from '../../../sim/cii/server.ts';
import { postJson } from './http.ts';

const grant = { client_id: 'sim-client', client_secret: 'sim-secret', grant_type: 'client_credentials' };

describe('CII simulator token endpoint', () => {
  let sim: CiiSimulator;
  afterEach(() => sim.close());

  it('issues a bearer token with the configured lifetime for good credentials', async () => {
    sim = await startCiiSimulator({ tokenTtlSeconds: 600 });
    const answer = await postJson(sim.tokenUrl, grant);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ expires_in: 600, token_type: 'Bearer' });
    expect(answer.body.access_token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sim.tokensIssued()).toBe(1);
    expect(sim.requests).toEqual([expect.objectContaining({ kind: 'token', status: 200 })]);
  });

  it('defaults to a ten-hour token', async () => {
    sim = await startCiiSimulator();
    expect((await postJson(sim.tokenUrl, grant)).body.expires_in).toBe(36000);
  });

  it.each([
    ['a wrong secret', { ...grant, client_secret: 'nope' }],
    ['a wrong client id', { ...grant, client_id: 'other' }],
    ['an audience the client does not have', { ...grant, audience: 'https://api.oort.io' }],
  ])('rejects %s with 401 access_denied and issues nothing', async (_case, body) => {
    sim = await startCiiSimulator();
    const answer = await postJson(sim.tokenUrl, body);
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({ error: 'access_denied', error_description: 'Unauthorized' });
    expect(sim.tokensIssued()).toBe(0);
  });

  it('requires the configured audience', async () => {
    sim = await startCiiSimulator({ audience: 'https://api.eu.oort.io' });
    expect((await postJson(sim.tokenUrl, grant)).status).toBe(401);
    expect((await postJson(sim.tokenUrl, { ...grant, audience: 'https://api.oort.io' })).status).toBe(401);
    expect((await postJson(sim.tokenUrl, { ...grant, audience: 'https://api.eu.oort.io' })).status).toBe(200);
    expect(sim.credentials.audience).toBe('https://api.eu.oort.io');
  });

  it('rejects a body that is not JSON and another grant type', async () => {
    sim = await startCiiSimulator();
    expect((await postJson(sim.tokenUrl, 'client_id=sim-client')).status).toBe(400);
    const other = await postJson(sim.tokenUrl, { ...grant, grant_type: 'password' });
    expect(other.status).toBe(400);
    expect(other.body.error).toBe('unsupported_grant_type');
  });

  it('uses the configured client id and secret', async () => {
    sim = await startCiiSimulator({ clientId: 'my-id', clientSecret: 'my-secret' });
    expect((await postJson(sim.tokenUrl, grant)).status).toBe(401);
    const ok = await postJson(sim.tokenUrl, { ...grant, client_id: 'my-id', client_secret: 'my-secret' });
    expect(ok.status).toBe(200);
  });
});
