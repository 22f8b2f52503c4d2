import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startApp, type RunningApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { buildFailedCheckEnvelope, startCiiSimulator, type CiiSimulator } from '../../sim/cii/server.ts';
import { seedUsers } from '../../sim/cii/seed.ts';
import { createSlackDriver } from '../../sim/slack/driver.ts';
import { startFakeSlack, type FakeSlack } from '../../sim/slack/fake-slack.ts';
import { SIGNING_SECRET, simulatorEnv, WEBHOOK_SECRET } from '../support/stack.ts';

const SERVER = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const probe = new pg.Client({ connectionString: SERVER, connectionTimeoutMillis: 2_000 });
const reachable = await probe.connect().then(
  () => probe.end().then(() => true),
  () => false,
);
if (!reachable && !process.env.TEST_POSTGRES_URL) console.warn(`replica tests skipped: no PostgreSQL at ${SERVER}`);

describe.skipIf(!reachable && !process.env.TEST_POSTGRES_URL)('two replicas sharing PostgreSQL', () => {
  const schema = `e2e_${randomUUID().replaceAll('-', '')}`;
  let slack: FakeSlack;
  let cii: CiiSimulator;
  const replicas: RunningApp[] = [];
  const INTERVAL_MS = 200;

  beforeAll(async () => {
    slack = await startFakeSlack();
    cii = await startCiiSimulator();
    const url = new URL(SERVER);
    url.searchParams.set('schema', schema);
    const env = {
      ...simulatorEnv(slack, cii),
      DATABASE_URL: url.toString(),
      PORT: '0',
    };
    for (let i = 0; i < 2; i++) {
      replicas.push(
        await startApp(loadConfig(env), {
          logger: createLogger({ write: () => {} }),
          delivery: { perChannelIntervalMs: INTERVAL_MS, pollIntervalMs: 50 },
        }),
      );
    }
  });

  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.stop()));
    await Promise.all([slack?.close(), cii?.close()]);
    const client = new pg.Client({ connectionString: SERVER });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  });

  test('post each card once, paced per channel across replicas, even when CII retries on the other replica', async () => {
    const driver = createSlackDriver({ appUrl: replicas[0]!.url, signingSecret: SIGNING_SECRET, fake: slack });
    expect((await driver.command('subscribe no-mfa', { userId: 'UANALYST', channelId: 'C0SECALERT' })).body).toContain(
      'now gets',
    );

    const logins = seedUsers.slice(0, 4).map((u) => u.login);
    const envelope = JSON.stringify(buildFailedCheckEnvelope({ checkId: 'no-mfa', severity: 'high', logins }));
    const send = (replica: RunningApp) =>
      fetch(`${replica.url}/cii/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-client-token': WEBHOOK_SECRET },
        body: envelope,
      });
    // The same delivery lands on both replicas at once (a retry through the load balancer).
    const statuses = await Promise.all([send(replicas[0]!), send(replicas[1]!)]).then((r) => r.map((x) => x.status));
    expect(statuses).toEqual([202, 202]);

    const posted = () => slack.callsTo('chat.postMessage').filter((c) => (c.response as { ok?: boolean }).ok);
    const deadline = Date.now() + 15_000;
    while (posted().length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 1_000));

    // Each card's fallback text ends with its user (the blocks may name others, such as a manager).
    const cards = posted().map((c) => String(c.args.text));
    expect(cards).toHaveLength(4);
    for (const login of logins) expect(cards.filter((c) => c.endsWith(`(${login})`))).toHaveLength(1);
    // Claims are spaced by the shared per-channel gate; posts can drift by a few ms of work after the claim.
    const times = posted().map((c) => c.at);
    expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(3 * INTERVAL_MS * 0.8);
  }, 30_000);
});
