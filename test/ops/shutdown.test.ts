import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';
import { afterEach, describe, expect, test } from 'vitest';
import { startApp, type RunningApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { buildFailedCheckEnvelope, startCiiSimulator, type CiiSimulator } from '../../sim/cii/server.ts';
import { startIdpSimulators } from '../../sim/idp/simulators.ts';
import { createSlackDriver } from '../../sim/slack/driver.ts';
import { startFakeSlack, type FakeSlack, type RecordedCall } from '../../sim/slack/fake-slack.ts';
import { startChildApp } from '../support/child-app.ts';
import { SIGNING_SECRET, simulatorEnv, WEBHOOK_SECRET } from '../support/stack.ts';
import { until } from '../support/until.ts';

const SERVER = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const probe = new pg.Client({ connectionString: SERVER, connectionTimeoutMillis: 2_000 });
const postgres = await probe.connect().then(
  () => probe.end().then(() => true),
  () => false,
);

const cards = (slack: FakeSlack): RecordedCall[] =>
  slack.callsTo('chat.postMessage').filter((c) => (c.response as { ok?: boolean }).ok && c.args.metadata !== undefined);

describe('graceful shutdown', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const clean of cleanups.splice(0).reverse()) await clean();
  });

  test('SIGTERM during a Block lets it finish (providers called, cards updated, audited) and exits 0', async () => {
    const slack = await startFakeSlack();
    const cii: CiiSimulator = await startCiiSimulator();
    const idp = await startIdpSimulators({ autoCreateUsers: true });
    const dir = mkdtempSync(join(tmpdir(), 'cii-sigterm-'));
    cleanups.push(
      () => Promise.all([slack.close(), cii.close(), idp.close()]),
      () => rmSync(dir, { recursive: true, force: true }),
    );
    const app = await startChildApp({
      ...simulatorEnv(slack, cii, idp),
      DATABASE_URL: `sqlite:${join(dir, 'db')}`,
      CII_RESPONDERS: 'UADMIN',
      CII_ADMINS: 'UADMIN',
      METRICS_PORT: 'off',
    });
    cleanups.push(() => app.kill9());
    await until(async () => (await fetch(`${app.url}/readyz`)).ok, 'ready');
    const driver = createSlackDriver({ appUrl: app.url, signingSecret: SIGNING_SECRET, fake: slack });
    await driver.command('subscribe no-mfa', { userId: 'UADMIN', channelId: 'C0SECALERT' });
    const envelope = buildFailedCheckEnvelope({
      checkId: 'no-mfa',
      severity: 'high',
      logins: ['grace.kim@example.com'],
    });
    const res = await fetch(`${app.url}/cii/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-client-token': WEBHOOK_SECRET },
      body: JSON.stringify(envelope),
    });
    expect(res.status).toBe(202);
    await until(() => cards(slack).length === 1, 'the card');

    // Block opens its preview modal; submitting it blocks, reading the user from CII first: slow CII keeps the
    // block under way when SIGTERM arrives.
    const clicked = await driver.click({
      message: cards(slack)[0]!,
      actionId: 'alert_block',
      userId: 'UADMIN',
      channelId: 'C0SECALERT',
    });
    expect(clicked.status).toBe(200);
    const [preview] = await slack.waitForCalls('views.update', 1);
    cii.setLatency(1_500);
    expect((await driver.submitView({ userId: 'UADMIN', view: preview!, values: {} })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(idp.requests).toEqual([]);
    app.process.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => app.process.once('exit', resolve));

    expect(code).toBe(0);
    expect(idp.requests.length).toBeGreaterThan(0);
    const card = slack.messages('C0SECALERT').find((m) => m.ts === (cards(slack)[0]!.response as { ts: string }).ts);
    expect(JSON.stringify(card?.blocks)).toContain('*Blocked* by');
    const db = new DatabaseSync(join(dir, 'db'), { readOnly: true });
    const audit = db.prepare('SELECT action, outcome FROM audit_log').all();
    db.close();
    expect(audit).toContainEqual({ action: 'block', outcome: 'blocked' });
    expect(app.output()).toContain('stopping: finishing the work under way');
    expect(app.output()).not.toContain('stopping with Slack work still under way');
  }, 60_000);

  test.skipIf(!postgres)(
    'a stopping replica posts no new card and hands its outbox leases over: another posts them at once',
    async () => {
      const slack = await startFakeSlack();
      const cii = await startCiiSimulator();
      const schema = `stop_${randomUUID().replaceAll('-', '')}`;
      const url = new URL(SERVER);
      url.searchParams.set('schema', schema);
      const db = new pg.Client({ connectionString: SERVER });
      await db.connect();
      cleanups.push(async () => {
        await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await db.end();
        await Promise.all([slack.close(), cii.close()]);
      });
      const config = loadConfig({ ...simulatorEnv(slack, cii), DATABASE_URL: url.toString(), PORT: '0' });
      const start = (enrichTimeoutMs: number) =>
        startApp(config, {
          logger: createLogger({ write: () => {} }),
          delivery: { perChannelIntervalMs: 20, pollIntervalMs: 50, leaseMs: 30_000, enrichTimeoutMs },
        });
      // Replica A waits long on CII for each card's enrichment, so it holds leases without posting.
      const a: RunningApp = await start(3_000);
      cleanups.push(() => a.stop());
      const driver = createSlackDriver({ appUrl: a.url, signingSecret: SIGNING_SECRET, fake: slack });
      for (const channelId of ['C0SECALERT', 'C0SOC'])
        await driver.command('subscribe no-mfa', { userId: 'UANALYST', channelId });
      cii.setLatency(10_000);
      const logins = ['grace.kim@example.com', 'ethan.brooks@example.com'];
      const res = await fetch(`${a.url}/cii/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-client-token': WEBHOOK_SECRET },
        body: JSON.stringify(buildFailedCheckEnvelope({ checkId: 'no-mfa', severity: 'high', logins })),
      });
      expect(res.status).toBe(202);
      const leased = async () =>
        Number(
          (
            await db.query<{ n: string }>(
              `SELECT COUNT(*) AS n FROM "${schema}".deliveries WHERE lease_owner IS NOT NULL`,
            )
          ).rows[0]?.n,
        );
      await until(async () => (await leased()) === 2, 'replica A holds two leases');

      const b = await start(50);
      cleanups.push(() => b.stop());
      await a.stop();
      const stoppedAt = Date.now();
      await until(() => cards(slack).length === 4, 'all four cards posted', 10_000);
      // Well before A's leases would have expired, and each card once.
      expect(Date.now() - stoppedAt).toBeLessThan(5_000);
      const posted = cards(slack).map((c) => `${String(c.args.channel)} ${JSON.stringify(c.args.blocks)}`);
      for (const channel of ['C0SECALERT', 'C0SOC'])
        for (const login of logins)
          expect(
            posted.filter((p) => p.startsWith(channel) && p.includes(login)),
            `${channel} ${login}`,
          ).toHaveLength(1);
    },
    60_000,
  );
});
