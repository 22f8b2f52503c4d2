import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checks } from '../../../sim/cii/checks.ts';
import { SIM_EVENT_SOURCE } from '../../../sim/cii/envelopes.ts';
import { SEED_NOW, seedUsers } from '../../../sim/cii/seed.ts';
import {
  buildFailedCheckEnvelope,
  buildTestEnvelope,
  startCiiSimulator,
  type CiiEnvelope,
  type CiiSimulator,
} from '../../../sim/cii/server.ts';
import { fetchToken, graphql } from './http.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface Received {
  headers: IncomingHttpHeaders;
  body: CiiEnvelope;
}

async function startReceiver(status = 200): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as CiiEnvelope });
      res.writeHead(status).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/cii/webhook`, received, server };
}

const register = `mutation($input: RegisterWebhookWithApiKey!) { registerWebhookWithApiKey(input: $input) }`;

describe('CII simulator webhooks', () => {
  let sim: CiiSimulator;
  let token: string;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeEach(async () => {
    sim = await startCiiSimulator();
    token = await fetchToken(sim);
    receiver = await startReceiver();
  });
  afterEach(async () => {
    await sim.close();
    await new Promise((resolve) => receiver.server.close(resolve));
  });

  const registerTarget = async (checkIds: string[], url = receiver.url) => {
    const input = { name: 'slack-bot', endpoint: url, apiKeyName: 'x-api-client-token', apiKey: 's3cret', checkIds };
    const answer = await graphql(sim, token, register, { input });
    return (answer.body.data as { registerWebhookWithApiKey: string }).registerWebhookWithApiKey;
  };

  it('registers a target with a uuid and lists it', async () => {
    const id = await registerTarget(['no-mfa']);
    expect(id).toMatch(UUID);
    expect(sim.webhooks()).toEqual([
      {
        id,
        name: 'slack-bot',
        endpoint: receiver.url,
        apiKeyName: 'x-api-client-token',
        apiKey: 's3cret',
        checkIds: ['no-mfa'],
      },
    ]);
  });

  it('unregisters a known id and answers false for an unknown one', async () => {
    const id = await registerTarget(['no-mfa']);
    const unregister = 'mutation($id: ID!) { unregisterWebhook(id: $id) }';
    expect((await graphql(sim, token, unregister, { id })).body.data).toEqual({ unregisterWebhook: true });
    expect((await graphql(sim, token, unregister, { id })).body.data).toEqual({ unregisterWebhook: false });
    expect(sim.webhooks()).toEqual([]);
  });

  it('rejects a target whose endpoint is not a URL', async () => {
    const input = {
      name: 'x',
      endpoint: 'not a url',
      apiKeyName: 'x-api-client-token',
      apiKey: 'k',
      checkIds: ['no-mfa'],
    };
    const answer = await graphql(sim, token, register, { input });
    expect(answer.body.errors).toEqual([expect.objectContaining({ errorType: 'BadRequest' })]);
    expect(sim.webhooks()).toEqual([]);
  });

  it('registers a Duo Security client target, which receives no HTTP deliveries', async () => {
    const mutation = `mutation { registerWebhookWithDuoSecurityClient(input: { name: "duo", duoIntegrationInstanceId: "DIABC", checkIds: ["no-mfa"] }) }`;
    const answer = await graphql(sim, token, mutation);
    expect(
      (answer.body.data as { registerWebhookWithDuoSecurityClient: string }).registerWebhookWithDuoSecurityClient,
    ).toMatch(UUID);
    expect(await sim.deliverFailedCheck({ checkId: 'no-mfa', logins: ['hrms.serviceuser'] })).toEqual([]);
  });

  it('delivers a batched failed check with the api key header to subscribed targets only', async () => {
    await registerTarget(['no-mfa', 'impossible-travel']);
    const other = await startReceiver();
    await registerTarget(['inactive-users'], other.url);
    try {
      const results = await sim.deliverFailedCheck({
        checkId: 'no-mfa',
        logins: ['hrms.serviceuser', 'tom.harris@example.com'],
      });
      expect(results).toEqual([{ endpoint: receiver.url, status: 200, body: 'ok' }]);
      expect(other.received).toEqual([]);
      const [delivery] = receiver.received;
      expect(delivery?.headers['x-api-client-token']).toBe('s3cret');
      expect(delivery?.headers['content-type']).toBe('application/json');
      const envelope = delivery?.body;
      expect(envelope).toMatchObject({
        version: '0',
        'detail-type': 'FAILED_CHECK',
        source: SIM_EVENT_SOURCE,
        region: 'us-east-2',
        resources: [],
      });
      expect(envelope?.detail).toMatchObject({ checkId: 'no-mfa', title: 'No MFA Configured', severity: 'high' });
      expect(envelope?.detail.usersFailing).toEqual(['hrms.serviceuser', 'tom.harris@example.com']);
      expect(envelope?.detail).not.toHaveProperty('login');
      const providers = envelope?.detail.loginDetails.map((d) => JSON.parse(d.details[0]?.value ?? 'null') as unknown);
      expect(providers).toEqual([['OKTA'], ['OKTA']]);
    } finally {
      await new Promise((resolve) => other.server.close(resolve));
    }
  });

  it('delivers one envelope per user in the single shape', async () => {
    await registerTarget(['impossible-travel']);
    const logins = ['mia.johansson@example.com', 'hannah.schmidt@example.com'];
    const results = await sim.deliverFailedCheck({
      checkId: 'impossible-travel',
      logins,
      shape: 'single',
      severity: 'CRITICAL',
    });
    expect(results.map((r) => r.status)).toEqual([200, 200]);
    const details = receiver.received.map((r) => r.body.detail);
    expect(details.map((d) => d.login).sort()).toEqual([...logins].sort());
    expect(details.every((d) => d.usersFailing === undefined && d.severity === 'critical')).toBe(true);
    expect(new Set(receiver.received.map((r) => r.body.id)).size).toBe(2);
  });

  it('reuses given ids, as a redelivery would', async () => {
    await registerTarget(['no-mfa']);
    const ids = {
      findingId: '11111111-1111-4111-8111-111111111111',
      envelopeId: '22222222-2222-4222-8222-222222222222',
    };
    await sim.deliverFailedCheck({ checkId: 'no-mfa', logins: ['hrms.serviceuser'], ...ids });
    await sim.deliverFailedCheck({ checkId: 'no-mfa', logins: ['hrms.serviceuser'], ...ids });
    expect(receiver.received.map((r) => [r.body.id, r.body.detail.id])).toEqual([
      [ids.envelopeId, ids.findingId],
      [ids.envelopeId, ids.findingId],
    ]);
  });

  it('reports the status a target answers and an unreachable target as 0', async () => {
    const failing = await startReceiver(500);
    await registerTarget(['no-mfa'], failing.url);
    await new Promise((resolve) => failing.server.close(resolve));
    const results = await sim.deliverFailedCheck({ checkId: 'no-mfa', logins: ['hrms.serviceuser'] });
    expect(results).toEqual([{ endpoint: failing.url, status: 0, body: expect.any(String) as string }]);
  });

  it('sends the connectivity test to every target', async () => {
    await registerTarget(['inactive-users']);
    const results = await sim.deliverTest();
    expect(results.map((r) => r.status)).toEqual([200]);
    expect(receiver.received[0]?.body).toMatchObject({
      'detail-type': 'WebhookTest',
      detail: { checkId: 'oort-test-check-id', title: 'OORT Failing Check Event Test' },
    });
  });
});

describe('CII envelope builders', () => {
  it('builds an EventBridge envelope with second-precision time and millisecond published', () => {
    const now = new Date('2026-11-20T09:00:00.123Z');
    const envelope = buildFailedCheckEnvelope({ checkId: 'inactive-users', logins: ['walter.grant@example.com'], now });
    expect(envelope.id).toMatch(UUID);
    expect(envelope.detail.id).toMatch(UUID);
    expect(envelope.detail.id).not.toBe(envelope.id);
    expect(envelope.time).toBe('2026-11-20T09:00:00Z');
    expect(envelope.detail.published).toBe('2026-11-20T09:00:00.123Z');
    expect(envelope.source).toMatch(/^[0-9a-f-]{36}__[0-9a-f]+$/);
    expect(envelope.detail.description.join(' ')).toContain('{{numberOfDays}}');
    expect(envelope.detail.loginDetails).toEqual([
      {
        login: 'walter.grant@example.com',
        details: [
          { key: 'providersFailingChecks', value: '["OKTA","AZURE_AD"]' },
          { key: 'numberOfDays', value: '140' },
        ],
      },
    ]);
  });

  it('sends a value for every placeholder of the description of each check a seeded user fails, in both shapes', () => {
    const failing = seedUsers.flatMap((u) => u.failingChecks.map((checkId) => ({ checkId, login: u.login })));
    expect(failing.length).toBeGreaterThanOrEqual(10);
    for (const { checkId, login } of failing) {
      const batched = buildFailedCheckEnvelope({ checkId, logins: [login], now: new Date(SEED_NOW) }).detail;
      const single = buildFailedCheckEnvelope({
        checkId,
        logins: [login],
        shape: 'single',
        now: new Date(SEED_NOW),
      }).detail;
      const keys = new Set(batched.loginDetails[0]!.details.map((d) => d.key.toLowerCase()));
      const wanted = [...batched.description.join(' ').matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) =>
        m[1]!.toLowerCase(),
      );
      expect(
        wanted.filter((k) => !keys.has(k)),
        `${checkId} for ${login}`,
      ).toEqual([]);
      expect(single.explainabilityDetails ?? []).toEqual(batched.loginDetails[0]!.details.slice(1));
    }
    const travel = buildFailedCheckEnvelope({ checkId: 'impossible-travel', logins: ['mia.johansson@example.com'] });
    expect(travel.detail.loginDetails[0]!.details).toEqual(
      expect.arrayContaining([
        { key: 'distanceKm', value: '7511' },
        { key: 'elapsedMinutes', value: '65' },
      ]),
    );
  });

  it('gives an unknown login an empty provider list and refuses an unknown check or a multi-user single shape', () => {
    const envelope = buildFailedCheckEnvelope({ checkId: 'no-mfa', logins: ['ghost@example.com'] });
    expect(envelope.detail.loginDetails[0]?.details[0]?.value).toBe('[]');
    expect(() => buildFailedCheckEnvelope({ checkId: 'made-up', logins: ['a'] })).toThrow(/unknown check/);
    expect(() => buildFailedCheckEnvelope({ checkId: 'no-mfa', logins: ['a', 'b'], shape: 'single' })).toThrow();
  });

  it('has a buildable envelope for every catalogued check, with lower-case severity', () => {
    for (const check of checks) {
      const envelope = buildFailedCheckEnvelope({ checkId: check.id, logins: ['hrms.serviceuser'] });
      expect(envelope.detail.title).toBe(check.title);
      expect(envelope.detail.severity).toMatch(/^(critical|high|medium|moderate|low)$/);
      expect(envelope.detail.id).toMatch(UUID);
    }
  });

  it('builds the connectivity test envelope', () => {
    expect(buildTestEnvelope()).toMatchObject({
      version: '0',
      'detail-type': 'WebhookTest',
      detail: { checkId: 'oort-test-check-id' },
    });
  });
});
