import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startCiiSimulator, type CiiSimulator } from '../../sim/cii/server.ts';
import { seedUsers } from '../../sim/cii/seed.ts';
import { createSlackDriver } from '../../sim/slack/driver.ts';
import { startFakeSlack, type FakeSlack } from '../../sim/slack/fake-slack.ts';
import { startChildApp, type ChildApp } from '../support/child-app.ts';
import { SIGNING_SECRET, simulatorEnv, WEBHOOK_SECRET } from '../support/stack.ts';
import { countRows } from '../support/webhook.ts';
import { createCiiClient } from '../../src/cii/client.ts';

describe('delivery after a crash', () => {
  let slack: FakeSlack;
  let cii: CiiSimulator;
  let dir: string;
  let env: Record<string, string | undefined>;
  const apps: ChildApp[] = [];

  beforeAll(async () => {
    slack = await startFakeSlack();
    cii = await startCiiSimulator();
    dir = mkdtempSync(join(tmpdir(), 'cii-slack-crash-'));
    env = {
      ...simulatorEnv(slack, cii),
      DATABASE_URL: `sqlite:${join(dir, 'cii-slack.db')}`,
      LOG_LEVEL: 'info',
    };
  });
  afterAll(async () => {
    await Promise.all(apps.map((a) => a.stop()));
    await Promise.all([slack.close(), cii.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  test('posts each pending delivery exactly once after kill -9 and a restart', async () => {
    const first = await startChildApp(env);
    apps.push(first);
    const driver = createSlackDriver({ appUrl: first.url, signingSecret: SIGNING_SECRET, fake: slack });
    expect((await driver.command('subscribe no-mfa', { userId: 'UANALYST', channelId: 'C0SECALERT' })).body).toContain(
      'now gets',
    );
    const ciiClient = createCiiClient({
      tokenUrl: cii.tokenUrl,
      apiUrl: cii.apiUrl,
      clientId: cii.credentials.clientId,
      clientSecret: cii.credentials.clientSecret,
    });
    await ciiClient.registerWebhookWithApiKey({
      name: 'crash',
      endpoint: `${first.url}/cii/webhook`,
      apiKeyName: 'x-api-client-token',
      apiKey: WEBHOOK_SECRET,
      checkIds: ['no-mfa'],
    });

    // Slack is down: the cards are stored and keep failing to post.
    slack.script('chat.postMessage', { status: 503, times: Infinity });
    const logins = seedUsers.slice(0, 3).map((u) => u.login);
    const [accepted] = await cii.deliverFailedCheck({ checkId: 'no-mfa', severity: 'high', logins });
    expect(accepted!.status).toBe(202);
    while (slack.callsTo('chat.postMessage').length === 0) await new Promise((r) => setTimeout(r, 20));
    await first.kill9();
    expect(countRows(env.DATABASE_URL, 'deliveries')).toBe(3);

    slack.clearScripts();
    slack.reset();
    const second = await startChildApp(env);
    apps.push(second);
    const deadline = Date.now() + 45_000;
    const posted = () => slack.callsTo('chat.postMessage').filter((c) => (c.response as { ok?: boolean }).ok);
    while (posted().length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    // Long enough for any duplicate to show up (the worker polls every 500 ms and paces 1 s per channel).
    await new Promise((r) => setTimeout(r, 2_500));
    // Each card's fallback text ends with its user (the blocks may name others, such as a manager).
    const cards = posted().map((c) => String(c.args.text));
    expect(cards).toHaveLength(3);
    for (const login of logins) expect(cards.filter((c) => c.endsWith(`(${login})`))).toHaveLength(1);
  }, 90_000);
});
