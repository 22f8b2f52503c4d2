import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { seedUser } from '../../sim/cii/seed.ts';
import { startCiiSimulator, type CiiSimulator } from '../../sim/cii/server.ts';
import { createSocketModeDriver } from '../../sim/slack/driver.ts';
import { startFakeSlack } from '../../sim/slack/fake-slack.ts';
import { startApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { until } from '../support/until.ts';
import { freePort } from '../support/child-app.ts';
import { statusOf } from '../support/http-status.ts';

const APP_TOKEN = 'xapp-1-A0FAKEAPP-1-socket-startup';
const main = join(import.meta.dirname, '..', '..', 'src', 'main.ts');

/** Bolt's Socket Mode probe server listens on PORT as given. */

describe('Socket Mode start-up', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const clean of cleanups.splice(0).reverse()) await clean();
  });

  async function world() {
    const cii: CiiSimulator = await startCiiSimulator();
    const dir = mkdtempSync(join(tmpdir(), 'cii-socket-start-'));
    cleanups.push(
      () => cii.close(),
      () => rmSync(dir, { recursive: true, force: true }),
    );
    const [port, slackPort] = await Promise.all([freePort(), freePort()]);
    const env = (overrides: Record<string, string> = {}): Record<string, string> => ({
      SLACK_BOT_TOKEN: 'xoxb-fake-token',
      SLACK_API_URL: `http://127.0.0.1:${slackPort}/api/`,
      SLACK_APP_TOKEN: APP_TOKEN,
      CII_CLIENT_ID: cii.credentials.clientId,
      CII_CLIENT_SECRET: cii.credentials.clientSecret,
      CII_TOKEN_URL: cii.tokenUrl,
      CII_API_URL: cii.apiUrl,
      DATABASE_URL: `sqlite:${join(dir, 'db')}`,
      PORT: String(port),
      METRICS_PORT: 'off',
      ...overrides,
    });
    return { env, slackPort, url: `http://127.0.0.1:${port}` };
  }

  test('with Slack down it serves its probes, not ready, retries, and answers over the socket once Slack is up', async () => {
    const w = await world();
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', write: (line) => lines.push(line) });
    const app = await startApp(loadConfig(w.env()), {
      logger,
      startupBackoff: { baseMs: 50, maxMs: 200 },
    });
    cleanups.push(() => app.stop());
    expect(await statusOf(`${w.url}/healthz`)).toBe(200);
    expect(await statusOf(`${w.url}/readyz`)).toBe(503);
    await until(() => lines.some((l) => l.includes('Slack did not open the Socket Mode connection')), 'a retry line');

    const slack = await startFakeSlack({ port: w.slackPort, appToken: APP_TOKEN });
    cleanups.push(async () => {
      await app.stop();
      await slack.socketMode.waitForNoConnections();
      await slack.close();
    });
    await until(async () => (await statusOf(`${w.url}/readyz`)) === 200, 'ready once Slack is up', 20_000);
    const user = seedUser('marcus.chen@example.com');
    const answer = await createSocketModeDriver({ fake: slack }).socketCommand(`user ${user.login}`, {
      userId: 'UANALYST',
      channelId: 'C0SOC',
    });
    expect(String(answer.payload?.text)).toContain(user.displayName);
    expect(slack.socketMode.openConnections()).toHaveLength(1);
  }, 40_000);

  test("Slack rate-limiting the connection's opening: one line, waits its Retry-After, not the shorter backoff, then serves", async () => {
    const w = await world();
    const slack = await startFakeSlack({ port: w.slackPort, appToken: APP_TOKEN });
    slack.script('apps.connections.open', { status: 429, retryAfterSeconds: 1 });
    const lines: string[] = [];
    const app = await startApp(loadConfig(w.env()), {
      logger: createLogger({ level: 'info', write: (line) => lines.push(line) }),
      startupBackoff: { baseMs: 50, maxMs: 200 },
    });
    cleanups.push(async () => {
      await app.stop();
      await slack.socketMode.waitForNoConnections();
      await slack.close();
    });
    await until(async () => (await statusOf(`${w.url}/readyz`)) === 200, 'ready once the wait is over', 20_000);
    expect(lines.filter((l) => l.includes('Slack did not open the Socket Mode connection'))).toEqual([
      expect.stringContaining('trying again in 1.0 s'),
    ]);
    expect(slack.callsTo('apps.connections.open')).toHaveLength(2);
    // One line per failed attempt: Bolt's client's own line about it is kept at debug.
    expect(lines.filter((l) => l.includes('"level":"error"'))).toEqual([]);
  }, 30_000);

  test('an app-level token Slack rejects: exit 1 with one line naming SLACK_APP_TOKEN, no stack, no token', async () => {
    const w = await world();
    const slack = await startFakeSlack({ port: w.slackPort, appToken: APP_TOKEN });
    cleanups.push(() => slack.close());
    const child = spawn(process.execPath, [main], {
      env: { PATH: process.env.PATH ?? '', ...w.env({ SLACK_APP_TOKEN: 'xapp-1-A0FAKEAPP-1-revoked-SECRET' }) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(stderr.trim().split('\n').at(-1)).toBe(
      'cii-slack cannot start: Slack rejected SLACK_APP_TOKEN (invalid_auth)',
    );
    expect(stderr).not.toMatch(/^\s+at /m);
    expect(stderr).not.toContain('revoked-SECRET');
  }, 30_000);
});
