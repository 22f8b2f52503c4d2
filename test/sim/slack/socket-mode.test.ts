import { connect } from 'node:net';
import { App, type BlockButtonAction } from '@slack/bolt';
import { ErrorCode, WebClient, type WebAPIPlatformError } from '@slack/web-api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSocketModeDriver, type SocketModeDriver } from '../../../sim/slack/driver.ts';
import { startFakeSlack, type FakeSlack } from '../../../sim/slack/fake-slack.ts';
import { silentLogger } from '../../../src/logger.ts';

const APP_TOKEN = 'xapp-1-A0FAKEAPP-1-socket-test';

type Json = Record<string, unknown>;

function client(fake: FakeSlack, token: string): WebClient {
  return new WebClient(token, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 }, logger: silentLogger });
}

async function platformError(call: Promise<unknown>): Promise<string> {
  const err = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toMatchObject({ code: ErrorCode.PlatformError });
  return String((err as WebAPIPlatformError).data.error);
}

async function connectionUrl(fake: FakeSlack): Promise<string> {
  const res = await client(fake, APP_TOKEN).apps.connections.open();
  return String(res.url);
}

interface TestSocket {
  ws: WebSocket;
  messages: Json[];
  closed: Promise<{ code: number }>;
}

/** A plain WebSocket client; resolves after the first message (Slack's hello), rejects if the upgrade is refused. */
function openSocket(url: string): Promise<TestSocket> {
  const ws = new WebSocket(url);
  const messages: Json[] = [];
  const closed = new Promise<{ code: number }>((resolve) =>
    ws.addEventListener('close', (e) => resolve({ code: e.code })),
  );
  return new Promise((resolve, reject) => {
    ws.addEventListener('message', (e) => {
      messages.push(JSON.parse(String(e.data)) as Json);
      if (messages.length === 1) resolve({ ws, messages, closed });
    });
    ws.addEventListener('error', () => reject(new Error('WebSocket refused')));
  });
}

/** The frames a server sent, unmasked, after the HTTP answer. */
function serverFrames(bytes: Buffer): Array<{ opcode: number; payload: Buffer }> {
  const frames: Array<{ opcode: number; payload: Buffer }> = [];
  let at = 0;
  while (at + 2 <= bytes.length) {
    let length = bytes.readUInt8(at + 1) & 0x7f;
    let start = at + 2;
    if (length === 126) {
      length = bytes.readUInt16BE(at + 2);
      start = at + 4;
    }
    if (start + length > bytes.length) break;
    frames.push({ opcode: bytes.readUInt8(at) & 0x0f, payload: bytes.subarray(start, start + length) });
    at = start + length;
  }
  return frames;
}

describe('fake Slack apps.connections.open', () => {
  let fake: FakeSlack;
  beforeAll(async () => {
    fake = await startFakeSlack({ appToken: APP_TOKEN, userTokens: { 'xoxp-alice': 'UADMIN' } });
  });
  afterAll(() => fake.close());

  it('answers the app-level token with a ws:// URL on the fake carrying a ticket, recorded with that token', async () => {
    const url = new URL(await connectionUrl(fake));
    expect(url.protocol).toBe('ws:');
    expect(url.host).toBe(new URL(fake.url).host);
    expect(url.pathname).toBe('/socket');
    expect(url.searchParams.get('ticket')).toMatch(/^[0-9a-f]{32}$/);
    expect(url.searchParams.get('app_id')).toBe(fake.appId);
    expect(fake.callsTo('apps.connections.open').at(-1)).toMatchObject({ token: APP_TOKEN, status: 200 });
  });

  it('refuses bot and user tokens, unknown tokens and no token', async () => {
    expect(await platformError(client(fake, fake.botToken).apps.connections.open())).toBe('not_allowed_token_type');
    expect(await platformError(client(fake, 'xoxp-alice').apps.connections.open())).toBe('not_allowed_token_type');
    expect(await platformError(client(fake, 'xapp-1-wrong').apps.connections.open())).toBe('invalid_auth');
    expect(await platformError(client(fake, '').apps.connections.open())).toBe('not_authed');
  });

  it('refuses the app-level token on every other method and posts nothing', async () => {
    expect(await platformError(client(fake, APP_TOKEN).chat.postMessage({ channel: 'C0SOC', text: 'hi' }))).toBe(
      'not_allowed_token_type',
    );
    expect(fake.messages('C0SOC')).toHaveLength(0);
  });

  it('without an app token configured, refuses every apps.connections.open as invalid_auth', async () => {
    const plain = await startFakeSlack();
    try {
      expect(await platformError(client(plain, APP_TOKEN).apps.connections.open())).toBe('invalid_auth');
    } finally {
      await plain.close();
    }
  });
});

describe('fake Slack Socket Mode WebSocket', () => {
  let fake: FakeSlack;
  beforeAll(async () => {
    fake = await startFakeSlack({ appToken: APP_TOKEN });
  });
  afterAll(() => fake.close());

  it('greets a connection with hello naming the app, and accepts each ticket once', async () => {
    const url = await connectionUrl(fake);
    const socket = await openSocket(url);
    expect(socket.messages[0]).toMatchObject({
      type: 'hello',
      num_connections: 1,
      connection_info: { app_id: fake.appId },
    });
    await expect(openSocket(url)).rejects.toThrow('refused');
    await expect(openSocket(url.replace(/ticket=\w+/, 'ticket=forged'))).rejects.toThrow('refused');
    expect(fake.socketMode.openConnections()).toHaveLength(1);
    socket.ws.close(1000);
    await fake.socketMode.waitForNoConnections();
    expect(fake.socketMode.connections.at(-1)?.close).toEqual({ code: 1000, reason: '', by: 'client' });
  });

  it('completes the RFC 6455 handshake and answers a ping with a pong carrying the same data', async () => {
    const url = new URL(await connectionUrl(fake));
    const socket = connect(Number(url.port), '127.0.0.1');
    let received = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
    });
    await new Promise((resolve) => socket.once('connect', resolve));
    // The key and accept value of RFC 6455 §1.3.
    socket.write(
      `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
    const mask = Buffer.from([1, 2, 3, 4]);
    const data = Buffer.from('are you there');
    socket.write(Buffer.concat([Buffer.from([0x89, 0x80 | data.length]), mask, data.map((b, i) => b ^ mask[i % 4]!)]));
    const split = () => received.indexOf('\r\n\r\n');
    const pong = () =>
      split() < 0 ? undefined : serverFrames(received.subarray(split() + 4)).find((f) => f.opcode === 0xa);
    await expect.poll(() => pong()?.payload.toString()).toBe('are you there');
    const head = received.subarray(0, split()).toString();
    expect(head).toMatch(/^HTTP\/1\.1 101 /);
    expect(head).toContain('Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
    socket.destroy();
    await fake.socketMode.waitForNoConnections();
  });

  it('records an ack that arrives after the send gave up, and fails the send', async () => {
    const socket = await openSocket(await connectionUrl(fake));
    const send = fake.socketMode.send('events_api', { type: 'event_callback' }, { timeoutMs: 200 });
    await expect(send).rejects.toThrow('not acknowledged within 200 ms');
    const envelope = fake.socketMode.envelopes.at(-1)!;
    expect(envelope).toMatchObject({ type: 'events_api', accepts_response_payload: false, retry_attempt: 0 });
    socket.ws.send(JSON.stringify({ envelope_id: envelope.envelope_id }));
    await expect.poll(() => fake.socketMode.acks.at(-1)?.envelopeId).toBe(envelope.envelope_id);
    expect(fake.socketMode.acks.at(-1)!.afterMs).toBeGreaterThanOrEqual(200);
    socket.ws.close();
    await fake.socketMode.waitForNoConnections();
  });

  it('fails a send at once when there is no open connection', async () => {
    await expect(fake.socketMode.send('slash_commands', {})).rejects.toThrow('no open connection');
  });

  it('drop() cuts every open connection without a closing handshake, as when Slack goes away', async () => {
    const socket = await openSocket(await connectionUrl(fake));
    await fake.socketMode.drop();
    expect(await socket.closed).toEqual({ code: 1006 });
    expect(fake.socketMode.openConnections()).toHaveLength(0);
    expect(fake.socketMode.connections.at(-1)?.close).toEqual({ code: 1006, reason: '', by: 'none' });
  });

  it('closes open connections with 1001 when the fake closes', async () => {
    const other = await startFakeSlack({ appToken: APP_TOKEN });
    const socket = await openSocket(await connectionUrl(other));
    await other.close();
    expect(await socket.closed).toEqual({ code: 1001 });
    expect(other.socketMode.connections[0]?.close).toMatchObject({ code: 1001, by: 'server' });
  });
});

describe('a Bolt app in Socket Mode against the fake', () => {
  let fake: FakeSlack;
  let app: App;
  let driver: SocketModeDriver;
  let stopped = false;
  const clicks: Json[] = [];

  beforeAll(async () => {
    fake = await startFakeSlack({ appToken: APP_TOKEN });
    app = new App({
      token: fake.botToken,
      appToken: APP_TOKEN,
      socketMode: true,
      logger: silentLogger,
      clientOptions: { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } },
    });
    app.command('/cii', async ({ command, ack, respond }) => {
      if (command.text !== 'slow') {
        await ack({ response_type: 'ephemeral', text: `Looking up ${command.text}` });
        return;
      }
      await ack();
      await respond({ response_type: 'ephemeral', text: 'Slow answer' });
    });
    app.action<BlockButtonAction>('approve', async ({ ack, body }) => {
      await ack();
      clicks.push(body as unknown as Json);
    });
    await app.start();
    driver = createSocketModeDriver({ fake });
  });
  afterAll(async () => {
    if (!stopped) await app.stop();
    await fake.close();
  });
  beforeEach(() => {
    fake.reset();
  });

  it('connected with the app-level token, and Slack said hello', () => {
    expect(fake.socketMode.openConnections()).toHaveLength(1);
  });

  it('sends a slash command with the fields of the HTTP form as an object and returns the ack payload', async () => {
    const answer = await driver.socketCommand('user jane@example.com', { userId: 'UANALYST', channelId: 'C0SOC' });
    expect(answer.payload).toEqual({ response_type: 'ephemeral', text: 'Looking up user jane@example.com' });
    expect(answer.ack.late).toBe(false);
    const [envelope] = fake.socketMode.envelopes;
    expect(envelope).toMatchObject({
      type: 'slash_commands',
      accepts_response_payload: true,
      payload: {
        command: '/cii',
        text: 'user jane@example.com',
        user_id: 'UANALYST',
        channel_id: 'C0SOC',
        team_id: fake.teamId,
        api_app_id: fake.appId,
        response_url: answer.responseUrl,
      },
    });
    expect(envelope!.payload.trigger_id).toEqual(expect.any(String));
    expect(fake.socketMode.acks).toEqual([answer.ack]);
  });

  it('after an empty ack, respond() posts to the response_url given in the payload', async () => {
    const answer = await driver.socketCommand('slow', { userId: 'UANALYST', channelId: 'C0SOC' });
    expect(answer.payload).toEqual({});
    const [late] = await fake.waitForCalls('response_url', 1);
    expect(late!.url).toBe(answer.responseUrl);
    expect(late!.args).toMatchObject({ text: 'Slow answer', response_type: 'ephemeral' });
  });

  it('sends a button click as an interactive block_actions envelope', async () => {
    const posted = await client(fake, fake.botToken).chat.postMessage({
      channel: 'C0SOC',
      text: 'Alert',
      blocks: [
        {
          type: 'actions',
          elements: [
            { type: 'button', action_id: 'approve', text: { type: 'plain_text', text: 'Approve' }, value: 'a1' },
          ],
        },
      ],
    });
    const answer = await driver.socketClick({
      userId: 'UANALYST',
      channelId: 'C0SOC',
      message: fake.message('C0SOC', String(posted.ts))!,
      actionId: 'approve',
    });
    expect(answer.payload).toEqual({});
    expect(fake.socketMode.envelopes[0]).toMatchObject({ type: 'interactive', accepts_response_payload: false });
    expect(clicks.at(-1)).toMatchObject({
      type: 'block_actions',
      user: { id: 'UANALYST' },
      container: { message_ts: posted.ts, channel_id: 'C0SOC' },
      actions: [{ action_id: 'approve', value: 'a1' }],
      response_url: answer.responseUrl,
    });
  });

  it('reconnects with a new ticket when Slack sends disconnect, and keeps answering', async () => {
    fake.socketMode.disconnect('refresh_requested');
    await fake.waitForCalls('apps.connections.open', 1, 15_000);
    await expect.poll(() => fake.socketMode.openConnections().map((c) => c.id), { timeout: 5_000 }).toEqual([2]);
    expect(fake.socketMode.connections[0]?.close).toMatchObject({ code: 1000, by: 'client' });
    const answer = await driver.socketCommand('user grace.kim@example.com', { userId: 'UANALYST', channelId: 'C0SOC' });
    expect(answer.payload?.text).toBe('Looking up user grace.kim@example.com');
  }, 25_000);

  it('app.stop() closes the connection with a normal closure', async () => {
    stopped = true;
    await app.stop();
    await fake.socketMode.waitForNoConnections();
    expect(fake.socketMode.connections.at(-1)?.close).toMatchObject({ code: 1000, by: 'client' });
  });
});
