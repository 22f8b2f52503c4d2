import type { AddressInfo } from 'node:net';
import { App } from '@slack/bolt';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSlackDriver, type SlackDriver } from '../../../sim/slack/driver.ts';
import { startFakeSlack, type FakeSlack } from '../../../sim/slack/fake-slack.ts';
import { FORM_CONTENT_TYPE } from '../../../sim/slack/signer.ts';
import { silentLogger } from '../../../src/logger.ts';

const SECRET = 'driver-test-secret';
const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });
const card = (id: string) => [
  section(`Alert ${id}`),
  {
    type: 'actions',
    block_id: 'alert-actions',
    elements: [
      { type: 'button', action_id: 'approve', text: { type: 'plain_text', text: 'Approve' }, value: `${id}:approve` },
      {
        type: 'button',
        action_id: 'block',
        style: 'danger',
        text: { type: 'plain_text', text: 'Block' },
        value: `${id}:block`,
      },
    ],
  },
];

let fake: FakeSlack;
let app: App;
let driver: SlackDriver;
const seen: Record<string, unknown>[] = [];

beforeAll(async () => {
  fake = await startFakeSlack();
  app = new App({
    token: fake.botToken,
    signingSecret: SECRET,
    logger: silentLogger,
    clientOptions: { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } },
  });
  app.command('/cii', async ({ ack, respond, command }) => {
    await ack();
    await respond({ text: `Looking up ${command.text}`, blocks: card('lookup') });
  });
  app.action(/^(approve|block)$/, async ({ ack, respond, body, action }) => {
    await ack();
    seen.push(body as unknown as Record<string, unknown>);
    const value = 'value' in action ? action.value : '';
    await respond({ replace_original: true, text: `${body.user.id} chose ${value}` });
  });
  app.view('block_user', async ({ ack, view }) => {
    seen.push({ metadata: view.private_metadata, values: view.state.values });
    await ack();
  });
  app.event('app_mention', async ({ event, client }) => {
    await client.chat.postMessage({ channel: event.channel, text: `hello <@${event.user}>` });
  });
  const server = await app.start({ port: 0, host: '127.0.0.1' });
  const { port } = server.address() as AddressInfo;
  driver = createSlackDriver({ appUrl: `http://127.0.0.1:${port}`, signingSecret: SECRET, fake });
});
afterAll(async () => {
  await app.stop();
  await fake.close();
});
beforeEach(() => {
  fake.reset();
  seen.length = 0;
});

describe('Slack driver against a real Bolt app', () => {
  it('sends a signed slash command that Bolt acks, and records the respond() post', async () => {
    const ack = await driver.command('user bob@example.com', { userId: 'UANALYST', channelId: 'C0SOC' });
    expect(ack.status).toBe(200);
    const [posted] = await fake.waitForCalls('response_url', 1);
    expect(posted).toMatchObject({ url: ack.responseUrl, args: { text: 'Looking up user bob@example.com' } });
  });

  it('clicks a button in a channel message: real payload, and replace_original updates the message', async () => {
    const res = await app.client.chat.postMessage({ channel: 'C0SECALERT', text: 'Alert a1', blocks: card('a1') });
    const message = fake.message('C0SECALERT', String(res.ts));
    if (message === undefined) throw new Error('message not stored');
    const answer = await driver.click({ userId: 'UANALYST', channelId: 'C0SECALERT', message, actionId: 'block' });
    expect(answer.status).toBe(200);
    await fake.waitForCalls('response_url', 1);
    expect(seen[0]).toMatchObject({
      type: 'block_actions',
      user: { id: 'UANALYST', name: 'bob' },
      channel: { id: 'C0SECALERT', name: 'sec-alerts' },
      container: { type: 'message', message_ts: res.ts, channel_id: 'C0SECALERT', is_ephemeral: false },
      message: { ts: res.ts, text: 'Alert a1' },
      actions: [{ action_id: 'block', block_id: 'alert-actions', value: 'a1:block', style: 'danger', type: 'button' }],
    });
    expect(fake.message('C0SECALERT', String(res.ts))?.text).toBe('UANALYST chose a1:block');
  });

  it('clicks a button in an ephemeral response_url message as an ephemeral container', async () => {
    await driver.command('user bob@example.com', { userId: 'UANALYST', channelId: 'C0SOC' });
    const [lookup] = await fake.waitForCalls('response_url', 1);
    if (lookup === undefined) throw new Error('no lookup answer');
    await driver.click({
      userId: 'UANALYST',
      channelId: 'C0SOC',
      message: lookup,
      actionId: 'approve',
      value: 'override',
    });
    const calls = await fake.waitForCalls('response_url', 2);
    expect(seen[0]).toMatchObject({
      container: { is_ephemeral: true, channel_id: 'C0SOC' },
      actions: [{ value: 'override' }],
    });
    expect(seen[0]).not.toHaveProperty('message');
    expect(calls[1]?.args).toMatchObject({ replace_original: true, text: 'UANALYST chose override' });
  });

  it('throws a helpful error when the action_id is not in the message', async () => {
    const res = await app.client.chat.postMessage({ channel: 'C0SOC', text: 'x', blocks: card('a2') });
    const [call] = fake.callsTo('chat.postMessage');
    if (call === undefined || res.ts === undefined) throw new Error('not posted');
    await expect(
      driver.click({ userId: 'UADMIN', channelId: 'C0SOC', message: call, actionId: 'nope' }),
    ).rejects.toThrow("no element with action_id 'nope' in the message; action_ids: approve, block");
  });

  it('submits a view and delivers an event', async () => {
    const submitted = await driver.submitView({
      userId: 'UADMIN',
      view: { callback_id: 'block_user', private_metadata: 'a3' },
      values: { reason: { text: { type: 'plain_text_input', value: 'phishing' } } },
    });
    expect(submitted.status).toBe(200);
    expect(seen[0]).toEqual({
      metadata: 'a3',
      values: { reason: { text: { type: 'plain_text_input', value: 'phishing' } } },
    });
    const delivered = await driver.event({
      type: 'app_mention',
      user: 'UVIEWER',
      channel: 'C0SOC',
      text: '<@UBOT> hi',
      ts: '1.000001',
    });
    expect(delivered.status).toBe(200);
    const [hello] = await fake.waitForCalls('chat.postMessage', 1);
    expect(hello?.args).toMatchObject({ channel: 'C0SOC', text: 'hello <@UVIEWER>' });
  });

  it('is rejected by Bolt when signed with a stale timestamp', async () => {
    const stale = await driver.post('command=%2Fcii&text=x', FORM_CONTENT_TYPE, {
      timestampSeconds: Math.floor(Date.now() / 1000) - 600,
    });
    expect(stale.status).toBe(401);
  });
});
