import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { seedUser } from '../../sim/cii/seed.ts';
import { startCiiSimulator } from '../../sim/cii/server.ts';
import { createSocketModeDriver } from '../../sim/slack/driver.ts';
import { startFakeSlack, type FakeSlack } from '../../sim/slack/fake-slack.ts';
import { freePort } from '../support/child-app.ts';
import { statusOf } from '../support/http-status.ts';
import { until } from '../support/until.ts';

const APP_TOKEN = 'xapp-1-A0FAKEAPP-1-socket-reconnect';
const main = join(import.meta.dirname, '..', '..', 'src', 'main.ts');
const RETRY_LINE = 'Slack did not reopen the Socket Mode connection';

describe('Socket Mode after Slack drops the connection', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const clean of cleanups.splice(0).reverse()) await clean();
  });

  /** The real app (`node src/main.ts`) in Socket Mode against a fake Slack, connected and ready. */
  async function connected() {
    const cii = await startCiiSimulator();
    const dir = mkdtempSync(join(tmpdir(), 'cii-socket-reconnect-'));
    cleanups.push(
      () => cii.close(),
      () => rmSync(dir, { recursive: true, force: true }),
    );
    const [port, slackPort] = await Promise.all([freePort(), freePort()]);
    const slack = await startFakeSlack({ port: slackPort, appToken: APP_TOKEN });
    const child = spawn(process.execPath, [main], {
      env: {
        PATH: process.env.PATH ?? '',
        SLACK_BOT_TOKEN: slack.botToken,
        SLACK_API_URL: slack.apiUrl,
        SLACK_APP_TOKEN: APP_TOKEN,
        // A silent Slack is given up on after 1 s, so one attempt of the test answers too late.
        SLACK_TIMEOUT_SECONDS: '1',
        CII_CLIENT_ID: cii.credentials.clientId,
        CII_CLIENT_SECRET: cii.credentials.clientSecret,
        CII_TOKEN_URL: cii.tokenUrl,
        CII_API_URL: cii.apiUrl,
        DATABASE_URL: `sqlite:${join(dir, 'db')}`,
        PORT: String(port),
        METRICS_PORT: 'off',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    let serving: FakeSlack | undefined = slack;
    const world = {
      child,
      exited,
      slack,
      url: `http://127.0.0.1:${port}`,
      output: () => output,
      /** Slack goes away: the connection is cut and nothing answers at its address. */
      async slackDown() {
        await slack.socketMode.drop();
        await slack.close();
        serving = undefined;
      },
      /** Slack answers again at the same address. */
      async slackUp() {
        serving = await startFakeSlack({ port: slackPort, appToken: APP_TOKEN });
        return serving;
      },
    };
    cleanups.push(async () => {
      if (child.exitCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
      await serving?.close();
    });
    await until(async () => (await statusOf(`${world.url}/readyz`)) === 200, 'ready in Socket Mode', 20_000);
    expect(slack.socketMode.openConnections()).toHaveLength(1);
    return world;
  }

  const failedOpens = (slack: FakeSlack) =>
    slack.callsTo('apps.connections.open').filter((c) => (c.response as { ok?: boolean }).ok !== true);

  test("Slack's disconnect message (refresh_requested) is followed by a new connection at once, without a retry", async () => {
    const w = await connected();
    const asked = Date.now();
    w.slack.socketMode.disconnect('refresh_requested');
    await until(
      () =>
        w.slack.socketMode
          .openConnections()
          .map((c) => c.id)
          .join() === '2',
      'the second connection open, the first closed',
    );
    expect(w.slack.socketMode.connections[0]?.close).toMatchObject({ code: 1000, by: 'client' });
    // Bolt's own reconnect waited 5 s first.
    expect(w.slack.socketMode.connections[1]!.openedAt - asked).toBeLessThan(2_000);
    expect(await statusOf(`${w.url}/readyz`)).toBe(200);
    const answer = await createSocketModeDriver({ fake: w.slack }).socketCommand('help', {
      userId: 'UANALYST',
      channelId: 'C0SOC',
    });
    expect(JSON.stringify(answer.payload)).toContain('/cii');
    expect(w.output()).not.toContain(RETRY_LINE);
  }, 60_000);

  test('a reconnect Slack does not answer (unreachable, 5xx, 429, too slow) is retried with backoff, not ready meanwhile, one warning per attempt; it reopens and serves again', async () => {
    const w = await connected();

    await w.slackDown();
    await until(async () => (await statusOf(`${w.url}/readyz`)) === 503, '/readyz 503 once the socket is gone');
    await until(() => w.output().split(RETRY_LINE).length > 2, 'two unanswered reconnects said', 20_000);
    expect(w.child.exitCode).toBeNull();

    // Slack answers again, but refuses to open a connection for a while: 5xx, then 429, then too slowly.
    const slack = await w.slackUp();
    slack.script('apps.connections.open', { status: 503, times: Infinity });
    await slack.waitForCalls('apps.connections.open', 1, 20_000);
    slack.clearScripts();
    slack.script('apps.connections.open', { status: 429, retryAfterSeconds: 1 });
    slack.script('apps.connections.open', { delayMs: 1_500 });
    expect(await statusOf(`${w.url}/readyz`)).toBe(503);
    expect(w.child.exitCode).toBeNull();

    await until(async () => (await statusOf(`${w.url}/readyz`)) === 200, 'ready once Slack opens again', 40_000);
    expect(failedOpens(slack).map((c) => c.status)).toEqual([503, 429]);
    expect(slack.callsTo('apps.connections.open').length).toBeGreaterThanOrEqual(4);
    expect(slack.socketMode.openConnections()).toHaveLength(1);
    const user = seedUser('marcus.chen@example.com');
    const answer = await createSocketModeDriver({ fake: slack }).socketCommand(`user ${user.login}`, {
      userId: 'UANALYST',
      channelId: 'C0SOC',
    });
    expect(String(answer.payload?.text)).toContain(user.displayName);

    expect(w.child.exitCode).toBeNull();
    const output = w.output();
    expect(output).not.toMatch(/unhandled/i);
    expect(output).not.toMatch(/^\s+at /m);
    const retries = output
      .split('\n')
      .filter((l) => l.includes(RETRY_LINE))
      .map((l) => JSON.parse(l) as { level: string; reason: string });
    for (const line of retries) expect(line.level).toBe('warn');
    // One line per failed attempt: unreachable (at least twice), then the 503, the 429 and the answer too late.
    const unreachable = retries.filter((l) => l.reason === 'ECONNREFUSED');
    expect(unreachable.length).toBeGreaterThanOrEqual(2);
    expect(retries.slice(unreachable.length).map((l) => l.reason)).toEqual([
      expect.stringContaining('statusCode = 503'),
      expect.stringContaining('rate-limit'),
      expect.stringContaining('timeout'),
    ]);
    expect(output).toContain('reconnected to Slack in Socket Mode');
  }, 90_000);

  test('a reconnect Slack refuses because the app-level token is now rejected: exit 1 with one line naming SLACK_APP_TOKEN, no stack', async () => {
    const w = await connected();
    w.slack.script('apps.connections.open', { error: 'invalid_auth', times: Infinity });
    await w.slack.socketMode.drop();
    expect(await w.exited).toBe(1);
    const output = w.output();
    expect(output.trim().split('\n').at(-1)).toBe(
      'cii-slack cannot start: Slack rejected SLACK_APP_TOKEN (invalid_auth)',
    );
    expect(output).not.toMatch(/unhandled/i);
    expect(output).not.toMatch(/^\s+at /m);
    expect(output).not.toContain(APP_TOKEN);
  }, 60_000);
});
