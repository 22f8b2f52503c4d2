import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { seedUser, seedUsers } from '../../sim/cii/seed.ts';
import { startCiiSimulator, type CiiSimulator } from '../../sim/cii/server.ts';
import { createSocketModeDriver, type SocketModeDriver } from '../../sim/slack/driver.ts';
import { startFakeSlack, type FakeSlack, type RecordedCall } from '../../sim/slack/fake-slack.ts';
import { startApp, type RunningApp } from '../../src/app.ts';
import { createCiiClient } from '../../src/cii/client.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { simulatorEnv, WEBHOOK_SECRET } from '../support/stack.ts';

const APP_TOKEN = 'xapp-1-A0FAKEAPP-1-e2e-socket-mode';
const ANALYST = { userId: 'UANALYST', channelId: 'C0SOC' };
const fastRetries = { retryBaseMs: 10, retryMaxMs: 50, maxRetries: 2, timeoutMs: 8_000 };
const fastDelivery = { perChannelIntervalMs: 20, pollIntervalMs: 50, backoff: { baseMs: 50, maxMs: 200 } };

/** Bolt's Socket Mode side server listens on PORT as given: port 0 would leave the app's URL unknown. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

function allText(payload: Record<string, unknown> | undefined): string {
  return JSON.stringify(payload ?? {});
}

describe('Socket Mode end to end', () => {
  let slack: FakeSlack;
  let cii: CiiSimulator;
  let app: RunningApp;
  let driver: SocketModeDriver;
  let port: number;
  let dataDir: string;
  let stopping: Promise<void> | undefined;

  // Bolt's stop() does not wait for the WebSocket to close: wait for it before closing the fake.
  const stop = () =>
    (stopping ??= (async () => {
      await app.stop();
      await slack.socketMode.waitForNoConnections();
      await Promise.all([slack.close(), cii.close()]);
      rmSync(dataDir, { recursive: true, force: true });
    })());

  beforeAll(async () => {
    slack = await startFakeSlack({ appToken: APP_TOKEN });
    cii = await startCiiSimulator();
    dataDir = mkdtempSync(join(tmpdir(), 'cii-slack-socket-'));
    port = await freePort();
    const env = {
      ...simulatorEnv(slack, cii),
      SLACK_SIGNING_SECRET: undefined,
      SLACK_APP_TOKEN: APP_TOKEN,
      DATABASE_URL: `sqlite:${join(dataDir, 'cii-slack.db')}`,
      PORT: String(port),
      LOG_LEVEL: 'debug',
    };
    const logger = createLogger({ level: 'debug', write: () => {} });
    app = await startApp(loadConfig(env), { logger, cii: fastRetries, delivery: fastDelivery });
    driver = createSocketModeDriver({ fake: slack });
  });
  afterAll(() => stop());
  afterEach(() => {
    cii.setLatency(0);
    slack.reset();
  });

  test('connects with the app-level token, serves /healthz on PORT and has no HTTP request URL', async () => {
    expect(slack.callsTo('apps.connections.open').map((c) => c.token)).toEqual([APP_TOKEN]);
    expect(slack.socketMode.openConnections()).toHaveLength(1);
    expect(app.url).toBe(`http://127.0.0.1:${port}`);
    const health = await fetch(`${app.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const events = await fetch(`${app.url}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(events.status).toBe(404);
  });

  test('answers /cii user with the card in the acknowledgement', async () => {
    const user = seedUser('marcus.chen@example.com');
    const answer = await driver.socketCommand(`user ${user.login}`, ANALYST);
    expect(answer.ack.late).toBe(false);
    expect(answer.payload).toMatchObject({ response_type: 'ephemeral' });
    expect(String(answer.payload?.text)).toContain(user.displayName);
    const card = allText(answer.payload);
    for (const expected of [user.login, user.title!, 'Open in CII', 'Share in channel'])
      expect(card).toContain(expected);
  });

  test('acknowledges a slow lookup empty, then posts the card to the response_url of the payload', async () => {
    cii.setLatency(5_000);
    const answer = await driver.socketCommand('user zoe.williams@example.com', ANALYST);
    expect(answer.payload).toEqual({});
    expect(answer.ack.late).toBe(false);
    const [late] = await slack.waitForCalls('response_url', 1, 15_000);
    expect(late!.url).toBe(answer.responseUrl);
    expect(late!.args.response_type).toBe('ephemeral');
    expect(String(late!.args.text)).toContain('Zoe');
  }, 20_000);

  test('Share in channel, clicked over the socket, posts the card to the channel and removes the ephemeral one', async () => {
    const answer = await driver.socketCommand('user grace.kim@example.com', ANALYST);
    // The card came back in the acknowledgement: click it as Slack shows it, an ephemeral message.
    const shown: RecordedCall = {
      method: 'response_url',
      args: answer.payload ?? {},
      at: Date.now(),
      status: 200,
      response: 'ok',
      warnings: [],
    };
    const click = await driver.socketClick({
      ...ANALYST,
      message: shown,
      actionId: 'share_card',
      responseUrl: answer.responseUrl,
    });
    expect(click.ack.late).toBe(false);
    expect(slack.socketMode.envelopes.at(-1)).toMatchObject({
      type: 'interactive',
      payload: { type: 'block_actions' },
    });
    const [post] = await slack.waitForCalls('chat.postMessage', 1);
    expect(post!.args.channel).toBe('C0SOC');
    expect(JSON.stringify(post!.args.blocks)).toContain('Shared by <@UANALYST>');
    const [removed] = await slack.waitForCalls('response_url', 1);
    expect(removed!.args.delete_original).toBe(true);
  });

  test('a CII failed-check webhook on the side server reaches the channel subscribed over the socket', async () => {
    const subscribed = await driver.socketCommand('subscribe no-mfa', { userId: 'UANALYST', channelId: 'C0SECALERT' });
    expect(allText(subscribed.payload)).toContain('now gets CII alerts');
    await createCiiClient({
      tokenUrl: cii.tokenUrl,
      apiUrl: cii.apiUrl,
      clientId: cii.credentials.clientId,
      clientSecret: cii.credentials.clientSecret,
    }).registerWebhookWithApiKey({
      name: 'e2e-socket-mode',
      endpoint: `${app.url}/cii/webhook`,
      apiKeyName: 'x-api-client-token',
      apiKey: WEBHOOK_SECRET,
      checkIds: ['no-mfa'],
    });
    const login = seedUsers.find((u) => u.login.includes('@'))!.login;
    const [delivery] = await cii.deliverFailedCheck({ checkId: 'no-mfa', severity: 'high', logins: [login] });
    expect(delivery!.status).toBe(202);
    const [post] = await slack.waitForCalls('chat.postMessage', 1, 10_000);
    expect(post!.args.channel).toBe('C0SECALERT');
    expect(JSON.stringify(post!.args.blocks)).toContain(login);
  });

  test('stops cleanly: closes the WebSocket with a normal closure and the side server', async () => {
    await stop();
    expect(slack.socketMode.connections).toHaveLength(1);
    expect(slack.socketMode.connections[0]!.close).toMatchObject({ code: 1000, by: 'client' });
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });
});
