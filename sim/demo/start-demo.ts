import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp, type RunningApp } from '../../src/app.ts';
import { createCiiClient } from '../../src/cii/client.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger, type Logger } from '../../src/logger.ts';
import { simulatorEnv } from '../app-env.ts';
import { checks } from '../cii/checks.ts';
import { startCiiSimulator, type CiiSimulator } from '../cii/server.ts';
import { seedUsers } from '../cii/seed.ts';
import { mountConsole } from '../console/console-server.ts';
import { startIdpSimulators, type IdpSimulators } from '../idp/simulators.ts';
import { startFakeSlack, type FakeSlack } from '../slack/fake-slack.ts';

export const DEMO_SIGNING_SECRET = 'demo-signing-secret-not-for-production';
export const DEMO_WEBHOOK_SECRET = 'demo-webhook-secret-not-for-production';
export const DEMO_USERS = { responder: 'UANALYST', nonResponder: 'UVIEWER' } as const;

export interface Demo {
  /** The console: the one URL a person opens. */
  url: string;
  slack: FakeSlack;
  cii: CiiSimulator;
  idp: IdpSimulators;
  app: RunningApp;
  stop(): Promise<void>;
}

export interface DemoOptions {
  /** Port of the console (the fake Slack); 0 picks a free one. */
  port?: number;
  logger?: Logger;
  /** Pacing of posts per channel; Slack's own limit (1 s) unless a test wants it faster. */
  perChannelIntervalMs?: number;
}

function accountIds(provider: 'DUO' | 'OKTA' | 'AZURE_AD'): string[] {
  return seedUsers.flatMap((u) => u.accounts.filter((a) => a.provider === provider).map((a) => a.userId));
}

/**
 * Everything the app talks to, simulated on loopback, and the real app configured against it: the CII
 * simulator with its seeded company, Duo/Okta/Graph simulators holding the same accounts, the fake Slack with
 * its browser console, and a throw-away SQLite file. Nothing inside the app is short-circuited.
 */
export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
  const logger = options.logger ?? createLogger({ level: 'warn' });
  const dir = mkdtempSync(join(tmpdir(), 'cii-slack-demo-'));
  const slack = await startFakeSlack({ port: options.port ?? 0 });
  const cii = await startCiiSimulator();
  const idp = await startIdpSimulators({
    users: { duo: accountIds('DUO'), okta: accountIds('OKTA'), entra: accountIds('AZURE_AD') },
  });
  const config = loadConfig({
    ...simulatorEnv({ slack, cii, idp, signingSecret: DEMO_SIGNING_SECRET, webhookSecret: DEMO_WEBHOOK_SECRET }),
    CII_RESPONDERS: DEMO_USERS.responder,
    DATABASE_URL: `sqlite:${join(dir, 'cii-slack.db')}`,
    PORT: '0',
    HOST: '127.0.0.1',
  });
  const app = await startApp(config, {
    logger,
    ...(options.perChannelIntervalMs !== undefined
      ? { delivery: { perChannelIntervalMs: options.perChannelIntervalMs } }
      : {}),
  });

  // Register the app with CII exactly as `npm run cii:webhook -- register` would.
  const ciiClient = createCiiClient({
    tokenUrl: cii.tokenUrl,
    apiUrl: cii.apiUrl,
    clientId: cii.credentials.clientId,
    clientSecret: cii.credentials.clientSecret,
  });
  await ciiClient.registerWebhookWithApiKey({
    name: 'cii-slack demo',
    endpoint: `${app.url}/cii/webhook`,
    apiKeyName: config.webhook.headerName,
    apiKey: DEMO_WEBHOOK_SECRET,
    checkIds: checks.map((c) => c.id),
  });

  const console = mountConsole({
    fake: slack,
    appUrl: app.url,
    signingSecret: DEMO_SIGNING_SECRET,
    cii,
    idp,
    users: DEMO_USERS,
  });

  let stopped: Promise<void> | undefined;
  return {
    url: console.url,
    slack,
    cii,
    idp,
    app,
    stop: () =>
      (stopped ??= (async () => {
        console.close();
        await app.stop();
        await Promise.all([slack.close(), cii.close(), idp.close()]);
        rmSync(dir, { recursive: true, force: true });
      })()),
  };
}
