import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCiiClient } from '../../src/cii/client.ts';
import { startCiiSimulator, type CiiSimulator } from '../../sim/cii/server.ts';
import { createSlackDriver } from '../../sim/slack/driver.ts';
import { startFakeSlack, type FakeChannel, type FakeSlack } from '../../sim/slack/fake-slack.ts';
import { DEFAULT_CHANNELS } from '../../sim/slack/seed.ts';
import { startChildApp, type ChildApp } from './child-app.ts';
import { SIGNING_SECRET, simulatorEnv, WEBHOOK_SECRET } from './stack.ts';

/**
 * The app as its own process (`node src/main.ts`, SQLite in a temporary directory) against the fake Slack and the
 * CII simulator, for reliability tests that kill it, restart it and count what Slack received.
 */
export interface DeliveryWorld {
  slack: FakeSlack;
  cii: CiiSimulator;
  app: ChildApp;
  /** Runs `/cii <text>` in the channel as the admin and returns the answer's text. */
  command(text: string, channelId: string): Promise<string>;
  /** Delivers one finding of `no-mfa` for one user, with a finding id of ours. */
  finding(findingId: string, login?: string): Promise<void>;
  /** Posted alert cards per finding id (from the cards' metadata), in every channel. */
  cardsByFinding(): Map<string, number>;
  /** SIGKILL, then the same app again on the same database. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

const LOGIN = 'marcus.chen@example.com';

export async function startDeliveryWorld(options: {
  channels?: FakeChannel[];
  env?: Record<string, string>;
}): Promise<DeliveryWorld> {
  const slack = await startFakeSlack({ channels: [...DEFAULT_CHANNELS, ...(options.channels ?? [])] });
  const cii = await startCiiSimulator();
  const dir = mkdtempSync(join(tmpdir(), 'cii-slack-reliability-'));
  const env = {
    ...simulatorEnv(slack, cii),
    DATABASE_URL: `sqlite:${join(dir, 'cii-slack.db')}`,
    LOG_LEVEL: 'info',
    CII_ADMINS: 'UADMIN',
    ...options.env,
  };
  let app = await startChildApp(env);
  const ciiClient = createCiiClient({
    tokenUrl: cii.tokenUrl,
    apiUrl: cii.apiUrl,
    clientId: cii.credentials.clientId,
    clientSecret: cii.credentials.clientSecret,
  });
  await ciiClient.registerWebhookWithApiKey({
    name: 'reliability',
    endpoint: `${app.url}/cii/webhook`,
    apiKeyName: 'x-api-client-token',
    apiKey: WEBHOOK_SECRET,
    checkIds: ['no-mfa'],
  });

  const world: DeliveryWorld = {
    slack,
    cii,
    get app() {
      return app;
    },
    async command(text, channelId) {
      const driver = createSlackDriver({ appUrl: app.url, signingSecret: SIGNING_SECRET, fake: slack });
      const answered = await driver.command(text, { userId: 'UADMIN', channelId });
      // A slow answer comes through the response_url once the command was acknowledged empty.
      const later = () => slack.callsTo('response_url').filter((c) => c.url === answered.responseUrl);
      if (answered.body === '') await until(() => later().length > 0, 5_000);
      return (
        answered.body +
        later()
          .map((c) => JSON.stringify(c.args))
          .join('\n')
      );
    },
    async finding(findingId, login = LOGIN) {
      const [result] = await cii.deliverFailedCheck({
        checkId: 'no-mfa',
        severity: 'high',
        logins: [login],
        findingId,
      });
      if (result?.status !== 202) throw new Error(`the app did not accept finding ${findingId}: ${result?.status}`);
    },
    cardsByFinding() {
      const counts = new Map<string, number>();
      const channels = [...DEFAULT_CHANNELS, ...(options.channels ?? [])].map((c) => c.id);
      for (const message of channels.flatMap((c) => slack.messages(c))) {
        const metadata = message.metadata as
          { event_type?: string; event_payload?: { finding_id?: string } } | undefined;
        const findingId = metadata?.event_payload?.finding_id;
        if (metadata?.event_type !== 'cii_alert' || findingId === undefined) continue;
        counts.set(findingId, (counts.get(findingId) ?? 0) + 1);
      }
      return counts;
    },
    async restart() {
      await app.kill9();
      app = await startChildApp(env);
    },
    async stop() {
      await app.stop();
      await Promise.all([slack.close(), cii.close()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return world;
}

/** Lost and duplicated cards among the expected ones: `copies` is how many cards each finding should have. */
export function tally(
  cards: Map<string, number>,
  findingIds: string[],
  copies = 1,
): { lost: number; duplicated: number; posted: number } {
  let lost = 0;
  let duplicated = 0;
  let posted = 0;
  for (const id of findingIds) {
    const n = cards.get(id) ?? 0;
    posted += Math.min(n, copies);
    lost += Math.max(0, copies - n);
    duplicated += Math.max(0, n - copies);
  }
  return { lost, duplicated, posted };
}

export async function until(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return true;
}
