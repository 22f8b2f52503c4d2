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
import { SEED_DOMAIN, seedAsOf, type SimUser } from '../cii/seed.ts';
import { mountConsole } from '../console/console-server.ts';
import { startIdpSimulators, type IdpSimulators } from '../idp/simulators.ts';
import { startFakeSlack, type FakeSlack } from '../slack/fake-slack.ts';
import { DEFAULT_USERS, type FakeUser } from '../slack/seed.ts';
import { DemoStartError, portProblem } from './start-errors.ts';

export { DemoStartError } from './start-errors.ts';

const DEMO_SIGNING_SECRET = 'demo-signing-secret-not-for-production';
const DEMO_WEBHOOK_SECRET = 'demo-webhook-secret-not-for-production';
const DEMO_USERS = { responder: 'UANALYST', nonResponder: 'UVIEWER' } as const;
/** The employee the demo's travel and location alerts ask "was this you?" (in CII's seed and in Slack). */
export const DEMO_AFFECTED_USER: FakeUser = {
  id: 'UMIA',
  name: 'mia',
  realName: 'Mia Johansson',
  email: `mia.johansson@${SEED_DOMAIN}`,
};
/** The checks whose alerts ask the user in the demo. */
const DEMO_VERIFY_CHECKS = ['impossible-travel', 'registered-location-mismatch'];

export interface Demo {
  /** The console: the one URL a person opens. */
  url: string;
  slack: FakeSlack;
  cii: CiiSimulator;
  idp: IdpSimulators;
  app: RunningApp;
  /** The seeded company as of the demo's start. */
  users: readonly SimUser[];
  stop(): Promise<void>;
}

export interface DemoOptions {
  /** Port of the console (the fake Slack); 0 picks a free one. */
  port?: number;
  logger?: Logger;
  /** Pacing of posts per channel; Slack's own limit (1 s) unless a test wants it faster. */
  perChannelIntervalMs?: number;
  /** The moment the seeded sign-ins, devices and syncs are measured from; default now. */
  startedAt?: Date;
  /** CII_STEP_UP=duo: Block, Unblock and Approve all open wait for the responder's Duo Push (the console's phone). */
  stepUp?: boolean;
}

/** The responder's own Duo account: Bob is not in CII's seed, so the app finds him in Duo by his email. */
const RESPONDER_DUO_ACCOUNT = { id: 'DUBOBANALYST000000001', username: 'bob', email: 'bob@example.com' };

function accountIds(users: readonly SimUser[], provider: 'DUO' | 'OKTA' | 'AZURE_AD'): string[] {
  return users.flatMap((u) => u.accounts.filter((a) => a.provider === provider).map((a) => a.userId));
}

const reason = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Everything the app talks to, simulated on loopback, and the real app configured against it: the CII
 * simulator with its seeded company, Duo/Okta/Graph simulators holding the same accounts, the fake Slack with
 * its browser console, and a throw-away SQLite file. Nothing inside the app is short-circuited.
 *
 * A failed start stops what had started, removes the temporary folder and throws a DemoStartError whose
 * message is one line saying what happened and what to do.
 */
export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
  const logger = options.logger ?? createLogger({ level: 'warn' });
  const port = options.port ?? 0;
  const seed = seedAsOf(options.startedAt ?? new Date());
  // Undone in reverse order, on stop or on a failed start.
  const undo: Array<() => unknown> = [];
  const stopAll = async (): Promise<unknown[]> => {
    const errors: unknown[] = [];
    for (const step of undo.splice(0).reverse())
      await Promise.resolve()
        .then(step)
        .catch((e: unknown) => errors.push(e));
    return errors;
  };
  const step = async <T>(what: string, start: () => Promise<T>, stop: (started: T) => unknown): Promise<T> => {
    let started: T;
    try {
      started = await start();
    } catch (err) {
      await stopAll();
      throw err instanceof DemoStartError
        ? err
        : new DemoStartError(
            `${what} could not start (${reason(err)}). Nothing was left running; if it happens again, run LOG_LEVEL=debug npm run demo to see more.`,
            { cause: err },
          );
    }
    undo.push(() => stop(started));
    return started;
  };

  const slack = await step(
    'The console (fake Slack)',
    () =>
      startFakeSlack({ port, users: [...DEFAULT_USERS, DEMO_AFFECTED_USER] }).catch(async (err: unknown) => {
        const problem = await portProblem(err, port);
        throw problem ? new DemoStartError(problem, { cause: err }) : err;
      }),
    (s) => s.close(),
  );
  const cii = await step(
    'The CII simulator',
    () => startCiiSimulator({ users: seed.users, integrations: seed.integrations }),
    (c) => c.close(),
  );
  const idp = await step(
    'The identity-provider simulators (Duo, Okta, Entra ID)',
    () =>
      startIdpSimulators({
        users: {
          duo: accountIds(seed.users, 'DUO'),
          okta: accountIds(seed.users, 'OKTA'),
          entra: accountIds(seed.users, 'AZURE_AD'),
        },
      }),
    (i) => i.close(),
  );
  idp.duo.users.set(RESPONDER_DUO_ACCOUNT.id, {
    status: 'active',
    username: RESPONDER_DUO_ACCOUNT.username,
    email: RESPONDER_DUO_ACCOUNT.email,
  });
  const dir = await step(
    'The temporary folder',
    () => Promise.resolve(mkdtempSync(join(tmpdir(), 'cii-slack-demo-'))),
    (d) => rmSync(d, { recursive: true, force: true }),
  );
  const config = loadConfig({
    ...simulatorEnv({ slack, cii, idp, signingSecret: DEMO_SIGNING_SECRET, webhookSecret: DEMO_WEBHOOK_SECRET }),
    CII_RESPONDERS: DEMO_USERS.responder,
    CII_VERIFY_CHECKS: DEMO_VERIFY_CHECKS.join(' '),
    CII_VERIFY_GROUP_SECONDS: '5',
    CII_ESCALATION_MENTION: 'S0RESPOND',
    CII_DEFAULT_EMAIL_DOMAIN: SEED_DOMAIN,
    ...(options.stepUp ? { CII_STEP_UP: 'duo' } : {}),
    DATABASE_URL: `sqlite:${join(dir, 'cii-slack.db')}`,
    PORT: '0',
    HOST: '127.0.0.1',
  });
  const app = await step(
    'The app',
    () =>
      startApp(config, {
        logger,
        ...(options.perChannelIntervalMs !== undefined
          ? { delivery: { perChannelIntervalMs: options.perChannelIntervalMs } }
          : {}),
      }),
    (a) => a.stop(),
  );

  // Register the app with CII exactly as `npm run cii:webhook -- register` would.
  await step(
    'The webhook registration with the CII simulator',
    () =>
      createCiiClient({
        tokenUrl: cii.tokenUrl,
        apiUrl: cii.apiUrl,
        clientId: cii.credentials.clientId,
        clientSecret: cii.credentials.clientSecret,
      }).registerWebhookWithApiKey({
        name: 'cii-slack demo',
        endpoint: `${app.url}/cii/webhook`,
        apiKeyName: config.webhook.headerName,
        apiKey: DEMO_WEBHOOK_SECRET,
        checkIds: checks.map((c) => c.id),
      }),
    () => undefined,
  );

  const console = await step(
    'The console',
    () =>
      Promise.resolve(
        mountConsole({
          fake: slack,
          appUrl: app.url,
          signingSecret: DEMO_SIGNING_SECRET,
          cii,
          idp,
          users: { ...DEMO_USERS, affected: DEMO_AFFECTED_USER.id },
          ciiUsers: seed.users,
        }),
      ),
    (c) => c.close(),
  );

  let stopped: Promise<void> | undefined;
  return {
    url: console.url,
    slack,
    cii,
    idp,
    app,
    users: seed.users,
    stop: () =>
      (stopped ??= stopAll().then((errors) => {
        if (errors.length > 0) throw errors[0];
      })),
  };
}
