// Crash recovery: the app is killed (kill -9) in the middle of a Block, after some providers acted. Measures how
// long the card says "Blocking in progress" after the kill and how many provider write calls are repeated, on SQLite (the
// app restarted) and on PostgreSQL (a second replica, already running, takes over; the killed one restarts too).
// Run alone: npx vitest run test/reliability/crash-recovery.test.ts
// CRASH_LEASE_SECONDS sets the action lease (default 3, so the test is fast; the app's default is 30).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeEach, describe, expect, test } from 'vitest';
import { startCiiSimulator, type CiiSimulator } from '../../sim/cii/server.ts';
import { seedUser } from '../../sim/cii/seed.ts';
import { CALLER_GONE, startIdpSimulators, type IdpSimulators, type RecordedRequest } from '../../sim/idp/simulators.ts';
import { createSlackDriver } from '../../sim/slack/driver.ts';
import { startFakeSlack, type FakeSlack, type RecordedCall } from '../../sim/slack/fake-slack.ts';
import { startChildApp, type ChildApp } from '../support/child-app.ts';
import { SIGNING_SECRET, simulatorEnv } from '../support/stack.ts';
import { registerWebhookAt } from '../support/webhook.ts';

const LEASE_SECONDS = Number(process.env.CRASH_LEASE_SECONDS ?? 3);
/** How long the test waits for the card to leave "Blocking in progress" (a run of the old fixed-age sweeper needs ~11 min). */
const WAIT_SECONDS = Number(process.env.CRASH_WAIT_SECONDS ?? 60);
const CHANNEL = 'C0SECALERT';
const LOGIN = 'james.whitaker@example.com';
const accounts = seedUser(LOGIN).accounts;
const POSTGRES = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const probe = new pg.Client({ connectionString: POSTGRES, connectionTimeoutMillis: 2_000 });
const postgresReachable = await probe.connect().then(
  () => probe.end().then(() => true),
  () => false,
);

async function until(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met in time: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A request that may change an account: anything but a read or Entra ID's token request. */
const isWrite = (r: RecordedRequest) => r.method !== 'GET' && !r.path.endsWith('/oauth2/v2.0/token');
const applied = (r: RecordedRequest) => r.status >= 200 && r.status < 300;
const call = (r: RecordedRequest) => `${r.provider} ${r.method} ${r.path}`;

describe('a Block interrupted by kill -9', () => {
  let slack: FakeSlack;
  let cii: CiiSimulator;
  let idp: IdpSimulators;
  const apps: ChildApp[] = [];
  const cleanups: Array<() => Promise<void> | void> = [];

  beforeEach(async () => {
    slack = await startFakeSlack();
    cii = await startCiiSimulator();
    idp = await startIdpSimulators({ autoCreateUsers: true });
  });
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((a) => a.stop()));
    await Promise.all([slack.close(), cii.close(), idp.close()]);
  });
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  const envFor = (databaseUrl: string) => ({
    ...simulatorEnv(slack, cii, idp),
    DATABASE_URL: databaseUrl,
    CII_RESPONDERS: 'UANALYST',
    CII_ACTION_LEASE_SECONDS: String(LEASE_SECONDS),
    LOG_LEVEL: 'info',
  });
  const start = async (env: Record<string, string>) => {
    const app = await startChildApp(env);
    apps.push(app);
    return app;
  };

  /** The alert card as Slack shows it now. */
  const cardText = (card: { channel: string; ts: string }) =>
    JSON.stringify(slack.message(card.channel, card.ts)?.blocks);

  /**
   * Blocks the alert through `app` and kills it once Duo and Okta acted while Entra ID, answering late, has not;
   * then `afterKill` starts what recovers it. Returns the figures and the card.
   */
  async function interruptedBlock(app: ChildApp, afterKill: () => Promise<ChildApp>) {
    const driver = createSlackDriver({ appUrl: app.url, signingSecret: SIGNING_SECRET, fake: slack });
    await driver.command('subscribe no-mfa', { userId: 'UANALYST', channelId: CHANNEL });
    await registerWebhookAt(cii, app.url, ['no-mfa'], 'crash-recovery');
    await cii.deliverFailedCheck({ checkId: 'no-mfa', severity: 'high', logins: [LOGIN] });
    const posted = () =>
      slack
        .callsTo('chat.postMessage')
        .find((c) => (c.args.metadata as { event_type?: string } | undefined)?.event_type === 'cii_alert');
    await until(() => posted() !== undefined, 'the alert card');
    const cardCall = posted()!;
    const card = { channel: CHANNEL, ts: (cardCall.response as { ts: string }).ts };

    idp.delay('AZURE_AD', { ms: 120_000, method: 'PATCH' });
    const opened = slack.callsTo('views.open').length;
    await driver.click({ message: cardCall, actionId: 'alert_block', userId: 'UANALYST', channelId: CHANNEL });
    await until(() => slack.callsTo('views.open').length > opened, 'the Block modal');
    const modalId = (slack.callsTo('views.open')[opened]!.response as { view: { id: string } }).view.id;
    const preview = () =>
      slack
        .callsTo('views.update')
        .map((c: RecordedCall) => (c.response as { view?: Record<string, unknown> & { id: string } }).view)
        .find((v) => v?.id === modalId && !JSON.stringify(v.blocks).includes('Reading what Block'));
    await until(() => preview() !== undefined, 'the Block preview');
    await driver.submitView({ userId: 'UANALYST', view: preview()!, values: {} });

    const writesDone = () => idp.requests.filter((r) => isWrite(r) && applied(r)).map(call);
    await until(
      () => writesDone().some((w) => w.startsWith('DUO')) && writesDone().some((w) => w.includes('/sessions')),
      'Duo and Okta acting',
    );
    // Time for the app to record what it heard (the old app recorded nothing until every provider answered).
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(cardText(card)).toContain('Blocking in progress');
    await app.kill9();
    const killedAt = Date.now();
    const beforeKill = new Set(writesDone());
    const requestsBeforeKill = idp.requests.length;

    const survivor = await afterKill();
    await until(
      () => !cardText(card).includes('Blocking in progress'),
      'the card leaving "Blocking in progress"',
      WAIT_SECONDS * 1000,
    );
    const blockingSeconds = (Date.now() - killedAt) / 1000;
    // An app that only marked the action interrupted offers Retry: the analyst clicks it.
    const retried = cardText(card).includes('alert_retry');
    if (retried) {
      const message = slack.message(card.channel, card.ts)!;
      await createSlackDriver({ appUrl: survivor.url, signingSecret: SIGNING_SECRET, fake: slack }).click({
        message,
        actionId: 'alert_retry',
        userId: 'UANALYST',
        channelId: CHANNEL,
      });
    }
    await until(() => cardText(card).includes('*Blocked* by'), 'the card saying Blocked', 30_000);

    // Write calls the providers answered after the kill (the one cut by the kill never reached Entra ID's state).
    const afterKillCalls = idp.requests.slice(requestsBeforeKill).filter((r) => isWrite(r) && r.status !== CALLER_GONE);
    const repeated = afterKillCalls.filter((r) => beforeKill.has(call(r))).map(call);
    const calledAgain = new Set(afterKillCalls.map((r) => r.provider));
    const reads = idp.requests.slice(requestsBeforeKill).filter((r) => r.method === 'GET');
    console.info(
      `crash recovery: lease ${LEASE_SECONDS} s; "Blocking in progress" for ${blockingSeconds.toFixed(1)} s after kill -9` +
        `${retried ? ' (then Retry clicked)' : ''}; provider writes applied before the kill: ${beforeKill.size}; ` +
        `write calls after: ${afterKillCalls.length} (${afterKillCalls.map((r) => `${call(r)} ${r.status}`).join(', ')}) ` +
        `to ${calledAgain.size} of 3 providers; repeated: ${repeated.length}; account reads after: ${reads.length}`,
    );

    const byProvider = (provider: string) => accounts.find((a) => a.provider === provider)!.userId;
    expect(idp.duo.users.get(byProvider('DUO'))?.status).toBe('disabled');
    expect(idp.okta.users.get(byProvider('OKTA'))?.status).toBe('SUSPENDED');
    expect(idp.entra.users.get(byProvider('AZURE_AD'))?.accountEnabled).toBe(false);
    expect(repeated).toEqual([]);
    expect(retried).toBe(false);
    expect(blockingSeconds).toBeLessThan(LEASE_SECONDS * 1.5 + 15);
    return { driver: createSlackDriver({ appUrl: survivor.url, signingSecret: SIGNING_SECRET, fake: slack }) };
  }

  /** How many times /cii audit says the block was recovered (the entry is written after the cards are updated). */
  async function recoveriesAudited(driver: ReturnType<typeof createSlackDriver>): Promise<number> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const audit = (await driver.command(`audit ${LOGIN}`, { userId: 'UANALYST', channelId: CHANNEL })).body;
      const recoveries = audit.match(/finished after the app stopped mid-action/g)?.length ?? 0;
      if (recoveries > 0 || Date.now() > deadline) return recoveries;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  test(
    'SQLite, the app restarted: the card leaves "Blocking in progress" within the lease and no provider write is repeated',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'cii-slack-crash-recovery-'));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      const env = envFor(`sqlite:${join(dir, 'cii-slack.db')}`);
      const { driver } = await interruptedBlock(await start(env), () => start(env));
      expect(await recoveriesAudited(driver)).toBe(1);
    },
    (WAIT_SECONDS + 120) * 1000,
  );

  test.skipIf(!postgresReachable && !process.env.TEST_POSTGRES_URL)(
    'PostgreSQL, two replicas: the other replica takes the Block over, exactly once though the killed one restarts',
    async () => {
      const schema = `crash_${randomUUID().replaceAll('-', '')}`;
      cleanups.push(async () => {
        const client = new pg.Client({ connectionString: POSTGRES });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await client.end();
      });
      const url = new URL(POSTGRES);
      url.searchParams.set('schema', schema);
      const env = envFor(url.toString());
      const acting = await start(env);
      const standby = await start(env);
      const { driver } = await interruptedBlock(acting, async () => {
        // Both sweep for expired leases from now on.
        await start(env);
        return standby;
      });
      expect(await recoveriesAudited(driver)).toBe(1);
    },
    (WAIT_SECONDS + 120) * 1000,
  );
});
