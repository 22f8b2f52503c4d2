import { parse, validate } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  endUserSchema,
  endUsersByIpPageSchema,
  endUserStateSchema,
  integrationStatusSchema,
} from '../../../src/cii/schemas.ts';
import { buildCiiSchema } from '../../../sim/cii/schema.ts';
import { SEED_HQ_IPV6, SEED_VPN_IP, seedUser, seedUsers } from '../../../sim/cii/seed.ts';
import { startCiiSimulator, type CiiSimulator } from '../../../sim/cii/server.ts';
import { fetchToken, graphql, postJson } from './http.ts';

/** The selection set a client would send for a zod object schema: every field, recursively. */
function selectionOf(schema: z.ZodType): string {
  let inner: z.ZodType = schema;
  for (;;) {
    if (inner instanceof z.ZodOptional || inner instanceof z.ZodNullable) inner = inner.unwrap() as z.ZodType;
    else if (inner instanceof z.ZodArray) inner = inner.element as z.ZodType;
    else break;
  }
  if (!(inner instanceof z.ZodObject)) return '';
  const fields = Object.entries(inner.shape as Record<string, z.ZodType>).map(
    ([name, field]) => `${name} ${selectionOf(field)}`,
  );
  return `{ ${fields.join(' ')} }`;
}

const queries = {
  endUser: `query($login: String!) { getEndUser(login: $login) ${selectionOf(endUserSchema)} }`,
  state: `query($login: String!) { getEndUserState(login: $login) ${selectionOf(endUserStateSchema)} }`,
  byIp: `query($ip: String!, $size: Int, $token: String) { getEndUsersByIp(ipAddress: $ip, pageSize: $size, pageToken: $token) ${selectionOf(endUsersByIpPageSchema)} }`,
  integrations: `{ getIntegrationsStatus ${selectionOf(integrationStatusSchema)} }`,
};

describe('CII simulator GraphQL endpoint', () => {
  let sim: CiiSimulator;
  let token: string;
  beforeAll(async () => {
    sim = await startCiiSimulator();
    token = await fetchToken(sim);
  });
  afterAll(() => sim.close());

  it('has in its SDL every field the client schemas select', () => {
    const schema = buildCiiSchema();
    for (const query of Object.values(queries)) expect(validate(schema, parse(query))).toEqual([]);
  });

  it('answers ping', async () => {
    expect((await graphql(sim, token, '{ ping }')).body).toEqual({ data: { ping: true } });
  });

  it('answers getEndUser for every seeded user in the shape the client validates', async () => {
    for (const user of seedUsers) {
      const answer = await graphql(sim, token, queries.endUser, { login: user.login });
      expect(answer.status).toBe(200);
      const data = answer.body.data as { getEndUser: unknown };
      const parsed = endUserSchema.parse(data.getEndUser);
      expect(parsed.endUserDetails.login).toBe(user.login);
      expect(parsed.providerEndUserDetails.map((a) => a.userId)).toEqual(user.accounts.map((a) => a.userId));
    }
  });

  it('matches logins case-insensitively and returns the seeded state', async () => {
    const priya = seedUser('priya.raman@example.com');
    const answer = await graphql(sim, token, queries.state, { login: 'Priya.Raman@EXAMPLE.com' });
    const state = endUserStateSchema.parse((answer.body.data as { getEndUserState: unknown }).getEndUserState);
    expect(state).toMatchObject({ id: priya.id, login: priya.login, displayName: 'Priya Raman', status: 'ACTIVE' });
    expect(state.ipAddresses?.map((ip) => ip.ipAddress)).toContain(SEED_VPN_IP);
    expect(state.referenceUrl).toBe(`https://dashboard.oort.io/users/${priya.id}`);
  });

  it('answers an unknown login with HTTP 200, null data and a NotFound error', async () => {
    const answer = await graphql(sim, token, queries.state, { login: 'nobody@example.com' });
    expect(answer.status).toBe(200);
    expect(answer.body.data).toBeNull();
    expect(answer.body.errors).toEqual([
      expect.objectContaining({ message: 'End user not found', errorType: 'NotFound', path: ['getEndUserState'] }),
    ]);
  });

  it('rejects a query with an unknown field with 400 and records it', async () => {
    const before = sim.requests.length;
    const answer = await graphql(sim, token, '{ getEndUser(login: "a@example.com") { endUserDetails { shoeSize } } }');
    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual([
      expect.objectContaining({ message: expect.stringContaining('shoeSize') as string }),
    ]);
    expect(sim.requests.slice(before)).toEqual([
      expect.objectContaining({ kind: 'graphql', rootFields: ['getEndUser'], status: 400 }),
    ]);
  });

  it('rejects a syntax error and a missing variable with 400', async () => {
    expect((await graphql(sim, token, '{ getEndUser(')).status).toBe(400);
    const missing = await graphql(sim, token, queries.state);
    expect(missing.status).toBe(400);
    expect(missing.body).not.toHaveProperty('data');
  });

  it('answers a missing or unknown bearer token with 401 UnauthorizedException', async () => {
    const unauthorized = { errors: [{ errorType: 'UnauthorizedException', message: 'Unauthorized' }] };
    const none = await postJson(sim.apiUrl, { query: '{ ping }' });
    expect(none.status).toBe(401);
    expect(none.body).toEqual(unauthorized);
    const forged = await graphql(sim, token.slice(0, -4) + 'AAAA', '{ ping }');
    expect(forged.status).toBe(401);
    expect(forged.body).toEqual(unauthorized);
  });

  it('records the root fields and variables of each call', async () => {
    await graphql(sim, token, queries.state, { login: 'grace.kim@example.com' });
    const last = sim.graphqlCalls('getEndUserState').at(-1);
    expect(last).toMatchObject({ kind: 'graphql', variables: { login: 'grace.kim@example.com' }, status: 200 });
    expect(last?.durationMs).toBeGreaterThanOrEqual(0);
    expect(sim.graphqlCalls('ping').length).toBeGreaterThan(0);
    expect(sim.graphqlCalls().every((r) => r.kind === 'graphql')).toBe(true);
  });

  it('pages getEndUsersByIp with an opaque token until every user on the IP is seen', async () => {
    const expected = seedUsers.filter((u) => u.signIns.some((s) => s.ipAddress === SEED_VPN_IP)).map((u) => u.login);
    expect(expected.length).toBeGreaterThanOrEqual(30);
    const seen: string[] = [];
    let pageToken: string | null = null;
    let pages = 0;
    do {
      const answer = await graphql(sim, token, queries.byIp, { ip: SEED_VPN_IP, size: 10, token: pageToken });
      const page = endUsersByIpPageSchema.parse((answer.body.data as { getEndUsersByIp: unknown }).getEndUsersByIp);
      expect(page.items.length).toBeLessThanOrEqual(10);
      seen.push(...page.items.map((u) => u.login));
      pageToken = page.pageToken ?? null;
      pages++;
    } while (pageToken);
    expect(pages).toBe(Math.ceil(expected.length / 10));
    expect(seen.sort()).toEqual([...expected].sort());
  });

  it('finds users by IPv6 and answers an IP nobody used with no items', async () => {
    const v6 = await graphql(sim, token, queries.byIp, { ip: SEED_HQ_IPV6 });
    expect((v6.body.data as { getEndUsersByIp: { items: unknown[] } }).getEndUsersByIp.items.length).toBeGreaterThan(0);
    const empty = await graphql(sim, token, queries.byIp, { ip: '192.0.2.250' });
    expect(empty.body.data).toEqual({ getEndUsersByIp: { items: [], pageToken: null } });
  });

  it('refuses a page size above 500 and a forged page token', async () => {
    const big = await graphql(sim, token, queries.byIp, { ip: SEED_VPN_IP, size: 501 });
    expect(big.body.errors).toEqual([expect.objectContaining({ errorType: 'BadRequest' })]);
    const forged = await graphql(sim, token, queries.byIp, { ip: SEED_VPN_IP, token: 'not-a-token' });
    expect(forged.body.errors).toEqual([expect.objectContaining({ message: 'Invalid pageToken' })]);
  });

  it('lists end users in the requested order across pages', async () => {
    const query = `query($token: String) { listEndUsers(input: { orderBy: [{ name: "displayName", order: desc }] }, pageSize: 20, pageToken: $token) {
      items { login displayName providers hasMoreGroups endUserTrustScore { levelOfTrust } } pageToken } }`;
    type Page = { items: { displayName: string; hasMoreGroups: boolean; login: string }[]; pageToken: string | null };
    const first = (await graphql(sim, token, query)).body.data as { listEndUsers: Page };
    const second = (await graphql(sim, token, query, { token: first.listEndUsers.pageToken })).body.data as {
      listEndUsers: Page;
    };
    const names = [...first.listEndUsers.items, ...second.listEndUsers.items].map((u) => u.displayName);
    expect(names).toHaveLength(seedUsers.length);
    expect(names).toEqual([...names].sort((a, b) => b.localeCompare(a)));
    const marcus = [...first.listEndUsers.items, ...second.listEndUsers.items].find(
      (u) => u.login === 'marcus.chen@example.com',
    );
    expect(marcus?.hasMoreGroups).toBe(true);
  });

  it('answers getIntegrationsStatus with one entry per integration, its ActivityResultType and date', async () => {
    const answer = await graphql(sim, token, queries.integrations);
    const statuses = z
      .array(integrationStatusSchema)
      .parse((answer.body.data as { getIntegrationsStatus: unknown }).getIntegrationsStatus);
    expect(statuses.map((s) => s.integrationName).sort()).toEqual(['Duo Security', 'Microsoft Entra ID', 'Okta']);
    expect(statuses.find((s) => s.integrationName === 'Microsoft Entra ID')).toMatchObject({
      status: 'FAILURE',
      error: expect.stringContaining('429') as string,
    });
  });
});

describe('CII simulator options', () => {
  it('serves a schema without getIntegrationsStatus when asked, rejecting the query as invalid', async () => {
    const sim = await startCiiSimulator({ withIntegrationsStatus: false });
    try {
      const answer = await graphql(sim, await fetchToken(sim), queries.integrations);
      expect(answer.status).toBe(400);
      expect((await graphql(sim, await fetchToken(sim), '{ ping }')).status).toBe(200);
    } finally {
      await sim.close();
    }
  });

  it('serves the users it is given instead of the seed', async () => {
    const only = { ...seedUser('grace.kim@example.com'), login: 'solo@example.org' };
    const sim = await startCiiSimulator({ users: [only] });
    try {
      const token = await fetchToken(sim);
      expect((await graphql(sim, token, queries.state, { login: 'solo@example.org' })).body.data).not.toBeNull();
      expect((await graphql(sim, token, queries.state, { login: 'grace.kim@example.com' })).body.data).toBeNull();
    } finally {
      await sim.close();
    }
  });

  it('refuses tokens after revokeTokens and after they expire', async () => {
    const sim = await startCiiSimulator({ tokenTtlSeconds: 1 });
    try {
      const revoked = await fetchToken(sim);
      sim.revokeTokens();
      expect((await graphql(sim, revoked, '{ ping }')).status).toBe(401);
      const fresh = await fetchToken(sim);
      expect((await graphql(sim, fresh, '{ ping }')).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect((await graphql(sim, fresh, '{ ping }')).status).toBe(401);
      expect(sim.tokensIssued()).toBe(2);
    } finally {
      await sim.close();
    }
  });
});
