import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp, type AppOptions, type RunningApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { startCiiSimulator, type CiiSimulator, type CiiSimulatorOptions } from '../../sim/cii/server.ts';
import { startIdpSimulators, type IdpSimulatorOptions, type IdpSimulators } from '../../sim/idp/simulators.ts';
import { simulatorEnv as worldEnv } from '../../sim/app-env.ts';
import { createSlackDriver } from '../../sim/slack/driver.ts';
import { startFakeSlack, type FakeSlack, type FakeSlackOptions } from '../../sim/slack/fake-slack.ts';

export const SIGNING_SECRET = 'e2e-signing-secret-0123456789abcdef';
export const WEBHOOK_SECRET = 'e2e-webhook-secret-0123456789';

export interface StackOptions {
  /** Added to (or, as `undefined`, removed from) the simulators' environment; a function can read the CII simulator. */
  env?: Record<string, string | undefined> | ((cii: CiiSimulator) => Record<string, string | undefined>);
  cii?: CiiSimulatorOptions;
  slack?: FakeSlackOptions;
  app?: AppOptions;
  /** Starts the Duo/Okta/Entra ID simulators and configures the app to use all three (DUO_*, OKTA_*, ENTRA_* env). */
  idp?: IdpSimulatorOptions;
}

export interface Stack {
  slack: FakeSlack;
  cii: CiiSimulator;
  app: RunningApp;
  driver: ReturnType<typeof createSlackDriver>;
  /** Present when the stack was started with `idp`. */
  idp?: IdpSimulators;
  /** Every line the app logged, for asserting what was (and was not) logged. */
  logs: string[];
  env: Record<string, string | undefined>;
  stop(): Promise<void>;
}

/** The app's environment for the fake Slack and the CII simulator (add DATABASE_URL, PORT...). */
export function simulatorEnv(
  slack: FakeSlack,
  cii: CiiSimulator,
  idp?: IdpSimulators,
): Record<string, string | undefined> {
  return worldEnv({
    slack,
    cii,
    ...(idp ? { idp } : {}),
    signingSecret: SIGNING_SECRET,
    webhookSecret: WEBHOOK_SECRET,
  });
}

/** The real app, on a loopback port, wired to the fake Slack and the CII simulator. */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const slack = await startFakeSlack(options.slack);
  const cii = await startCiiSimulator(options.cii);
  const idp = options.idp ? await startIdpSimulators(options.idp) : undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'cii-slack-e2e-'));
  const env = {
    ...simulatorEnv(slack, cii, idp),
    DATABASE_URL: `sqlite:${join(dataDir, 'cii-slack.db')}`,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'debug',
    ...(typeof options.env === 'function' ? options.env(cii) : options.env),
  };
  const logs: string[] = [];
  const logger = createLogger({ level: 'debug', write: (line) => logs.push(line) });
  const app = await startApp(loadConfig(env), { logger, ...options.app });
  const driver = createSlackDriver({ appUrl: app.url, signingSecret: SIGNING_SECRET, fake: slack });
  return {
    slack,
    cii,
    app,
    driver,
    ...(idp ? { idp } : {}),
    logs,
    env,
    async stop() {
      await app.stop();
      await Promise.all([slack.close(), cii.close(), idp?.close()]);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
