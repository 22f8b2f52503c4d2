import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { startCiiSimulator, type CiiSimulator } from '../../sim/cii/server.ts';
import { createSlackDriver } from '../../sim/slack/driver.ts';
import { startFakeSlack, type FakeSlack } from '../../sim/slack/fake-slack.ts';
import { freePort } from '../support/child-app.ts';
import { statusOf } from '../support/http-status.ts';
import { SIGNING_SECRET, WEBHOOK_SECRET } from '../support/stack.ts';
import { until } from '../support/until.ts';

const main = join(import.meta.dirname, '..', '..', 'src', 'main.ts');
const PG = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** `node src/main.ts` as in production; its output, exit code and a way to wait for either. */
function spawnApp(env: Record<string, string>) {
  const child = spawn(process.execPath, [main], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, output: () => stdout + stderr, stderr: () => stderr };
}

describe('start-up of the process', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const clean of cleanups.splice(0).reverse()) await clean();
  });

  async function world() {
    const cii: CiiSimulator = await startCiiSimulator();
    const dir = mkdtempSync(join(tmpdir(), 'cii-start-'));
    cleanups.push(
      () => cii.close(),
      () => rmSync(dir, { recursive: true, force: true }),
    );
    const port = await freePort();
    const env = (slackApiUrl: string, overrides: Record<string, string> = {}) => ({
      SLACK_BOT_TOKEN: 'xoxb-fake-token',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slackApiUrl,
      CII_CLIENT_ID: cii.credentials.clientId,
      CII_CLIENT_SECRET: cii.credentials.clientSecret,
      CII_TOKEN_URL: cii.tokenUrl,
      CII_API_URL: cii.apiUrl,
      CII_WEBHOOK_SECRET: WEBHOOK_SECRET,
      DATABASE_URL: `sqlite:${join(dir, 'db')}`,
      PORT: String(port),
      METRICS_PORT: 'off',
      ...overrides,
    });
    return { env, url: `http://127.0.0.1:${port}` };
  }
  function run(env: Record<string, string>) {
    const app = spawnApp(env);
    cleanups.push(async () => {
      if (app.child.exitCode === null) {
        app.child.kill('SIGKILL');
        await app.exited;
      }
    });
    return app;
  }
  const expectOneLineNoStack = (stderr: string, line: string) => {
    const lines = stderr.trim().split('\n');
    expect(lines.at(-1)).toBe(line);
    expect(stderr).not.toMatch(/^\s+at /m);
    expect(stderr).not.toContain('Error:');
  };

  test('with Slack down it serves, not ready, retries auth.test, and is ready and answering once Slack is up', async () => {
    const slackPort = await freePort();
    const w = await world();
    const app = run(w.env(`http://127.0.0.1:${slackPort}/api/`));
    await until(async () => (await statusOf(`${w.url}/healthz`)) === 200, 'liveness');
    expect(await statusOf(`${w.url}/readyz`)).toBe(503);
    await until(() => app.output().includes('Slack did not answer auth.test'), 'a retry line');

    const slack: FakeSlack = await startFakeSlack({ port: slackPort });
    cleanups.push(() => slack.close());
    await until(async () => (await statusOf(`${w.url}/readyz`)) === 200, 'ready once Slack is up', 40_000);
    const driver = createSlackDriver({ appUrl: w.url, signingSecret: SIGNING_SECRET, fake: slack });
    expect((await driver.command('help', { userId: 'UANALYST', channelId: 'C0SECALERT' })).body).toContain('/cii');

    app.child.kill('SIGTERM');
    expect(await app.exited).toBe(0);
    expect(app.output()).not.toMatch(/^\s+at /m);
    // One line per attempt, each naming the wait, never a stack.
    const retries = app
      .output()
      .split('\n')
      .filter((l) => l.includes('Slack did not answer auth.test'));
    expect(retries.length).toBeGreaterThan(0);
    for (const line of retries) expect(JSON.parse(line)).toMatchObject({ level: 'warn', reason: 'ECONNREFUSED' });
  }, 60_000);

  test('a token Slack rejects: exit 1 with one line naming SLACK_BOT_TOKEN, no stack, no token', async () => {
    const slack = await startFakeSlack();
    cleanups.push(() => slack.close());
    const w = await world();
    const app = run(w.env(slack.apiUrl, { SLACK_BOT_TOKEN: 'xoxb-revoked-SECRET' }));
    expect(await app.exited).toBe(1);
    expectOneLineNoStack(app.stderr(), 'cii-slack cannot start: Slack rejected SLACK_BOT_TOKEN (invalid_auth)');
    expect(app.output()).not.toContain('SECRET');
  });

  test('waits for a database that is not reachable yet and starts once it is', async () => {
    const slack = await startFakeSlack();
    cleanups.push(() => slack.close());
    const w = await world();
    const dbPort = await freePort();
    const url = new URL(PG);
    url.port = String(dbPort);
    url.searchParams.set('schema', `start_${process.pid}_${Date.now()}`);
    const app = run(w.env(slack.apiUrl, { DATABASE_URL: url.toString() }));
    await until(() => app.output().includes('the database is not reachable yet'), 'a database retry line');
    expect(app.child.exitCode).toBeNull();

    // PostgreSQL "comes up" on that port: a proxy to the real server.
    const proxy: Server = createServer((socket) => {
      const upstream = connect(Number(new URL(PG).port || 5432), new URL(PG).hostname);
      socket.pipe(upstream).pipe(socket);
      socket.on('error', () => upstream.destroy());
      upstream.on('error', () => socket.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(dbPort, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => proxy.close(resolve)));
    await until(async () => (await statusOf(`${w.url}/readyz`)) === 200, 'ready once the database is up', 40_000);
    app.child.kill('SIGTERM');
    expect(await app.exited).toBe(0);
  }, 60_000);

  test('a database that does not exist: exit 1 with one line naming DATABASE_URL, no password', async () => {
    const slack = await startFakeSlack();
    cleanups.push(() => slack.close());
    const w = await world();
    const url = new URL(PG);
    url.password = 'pw-SECRET';
    url.pathname = '/no_such_database_here';
    const app = run(w.env(slack.apiUrl, { DATABASE_URL: url.toString() }));
    expect(await app.exited).toBe(1);
    expectOneLineNoStack(
      app.stderr(),
      'cii-slack cannot start: DATABASE_URL: the database cannot be used (3D000: database "no_such_database_here" does not exist)',
    );
    expect(app.output()).not.toContain('SECRET');
  });
});
