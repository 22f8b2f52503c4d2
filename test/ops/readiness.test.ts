import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { startApp, type AppOptions, type RunningApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { StartupError } from '../../src/startup-error.ts';
import { startCiiSimulator, type CiiSimulator } from '../../sim/cii/server.ts';
import { createSlackDriver } from '../../sim/slack/driver.ts';
import { startFakeSlack, type FakeSlack, type ScriptedBehaviour } from '../../sim/slack/fake-slack.ts';
import { SIGNING_SECRET, simulatorEnv } from '../support/stack.ts';
import { until } from '../support/until.ts';

const fastRetries = { startupBackoff: { baseMs: 100, maxMs: 200 } } satisfies AppOptions;

describe('readiness and start-up against Slack', () => {
  let slack: FakeSlack;
  let cii: CiiSimulator;
  let app: RunningApp | undefined;
  let dataDir: string;
  const logs: string[] = [];

  async function start(authTest: ScriptedBehaviour[], options: AppOptions = {}) {
    slack = await startFakeSlack();
    cii = await startCiiSimulator();
    for (const behaviour of authTest) slack.script('auth.test', behaviour);
    dataDir = mkdtempSync(join(tmpdir(), 'cii-ready-'));
    const env = { ...simulatorEnv(slack, cii), DATABASE_URL: `sqlite:${join(dataDir, 'db')}`, PORT: '0' };
    const logger = createLogger({ level: 'debug', write: (line) => logs.push(line) });
    app = await startApp(loadConfig(env), { logger, ...fastRetries, ...options });
    return app;
  }
  const readyz = async () => {
    const res = await fetch(`${app!.url}/readyz`);
    return { status: res.status, body: (await res.json()) as { status: string; details: Record<string, unknown> } };
  };
  const readyAt = async (code: number) => {
    await until(async () => (await readyz()).status === code, `/readyz ${code}`);
    return readyz();
  };

  afterEach(async () => {
    await app?.stop();
    app = undefined;
    logs.length = 0;
    await Promise.all([slack?.close(), cii?.close()]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('not ready while Slack does not answer auth.test, then ready and serving as soon as it does', async () => {
    // Slack keeps failing until the test has seen the app not ready, however slow the machine is.
    await start([{ status: 503, times: Infinity }]);
    expect(await readyz()).toEqual({
      status: 503,
      body: {
        status: 'unavailable',
        details: { database: 'ok', slack: 'waiting', delivery: 'running', draining: false },
      },
    });
    expect((await fetch(`${app!.url}/healthz`)).status).toBe(200);
    await until(() => logs.filter((l) => l.includes('Slack did not answer auth.test')).length >= 3, 'three retries');
    slack.clearScripts();
    const ready = await readyAt(200);
    expect(ready.body).toEqual({
      status: 'ok',
      details: { database: 'ok', slack: 'authorized', delivery: 'running', draining: false },
    });
    const driver = createSlackDriver({ appUrl: app!.url, signingSecret: SIGNING_SECRET, fake: slack });
    expect((await driver.command('help', { userId: 'UANALYST', channelId: 'C0SECALERT' })).body).toContain('/cii');
    // Said once per attempt, without a stack.
    const retries = logs.filter((l) => l.includes('Slack did not answer auth.test'));
    expect(retries.length).toBe(slack.callsTo('auth.test').filter((c) => c.status === 503).length);
    expect(retries.length).toBeGreaterThanOrEqual(3);
    expect(logs.join('\n')).not.toMatch(/\n\s+at /);
  });

  test('a Slack that answers late is not kept as a failure: the next attempt authorizes', async () => {
    await start([{ delayMs: 2_500, status: 500 }]);
    expect((await readyz()).body.details.slack).toBe('waiting');
    expect((await readyAt(200)).status).toBe(200);
  });

  test('answers 503 while draining, still serving until the listener closes', async () => {
    await start([], { drainNoticeMs: 500 });
    expect((await readyz()).status).toBe(200);
    const stopped = app!.stop();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await readyz()).toMatchObject({ status: 503, body: { details: { draining: true } } });
    expect((await fetch(`${app!.url}/healthz`)).status).toBe(200);
    await stopped;
    await expect(fetch(`${app!.url}/healthz`)).rejects.toThrow();
  });

  test('a token Slack rejects at start-up stops it with one line naming SLACK_BOT_TOKEN', async () => {
    const err = await start([{ error: 'token_revoked' }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StartupError);
    expect((err as StartupError).message).toBe('Slack rejected SLACK_BOT_TOKEN (token_revoked)');
    expect((err as StartupError).variable).toBe('SLACK_BOT_TOKEN');
  });

  test('a token rejected while Slack was being retried stops the app and reports it once', async () => {
    const fatal: StartupError[] = [];
    const running = await start([{ status: 502, times: 20 }, { error: 'account_inactive' }], {
      onFatal: (e) => fatal.push(e),
    });
    await until(() => fatal.length > 0, 'the fatal rejection');
    expect(fatal.map((e) => e.message)).toEqual(['Slack rejected SLACK_BOT_TOKEN (account_inactive)']);
    await expect(fetch(`${running.url}/healthz`)).rejects.toThrow();
  });
});
