import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack } from '../../sim/slack/fake-slack.ts';
import { silentLogger } from '../../src/logger.ts';
import { SlackPostError, type SlackPoster } from '../../src/services/delivery/poster.ts';
import { createSlackPoster } from '../../src/slack/slack-poster.ts';
import { createSlackWebApi } from '../../src/slack/web-api.ts';

let fake: FakeSlack;
let client: WebClient;
let poster: SlackPoster;

const card = (deliveryId: number, alertId = 'a-1') => ({
  event_type: 'cii_alert',
  event_payload: { delivery_id: deliveryId, alert_id: alertId, finding_id: 'f-1' },
});

async function post(channel: string, deliveryId: number, extra: { alertId?: string; threadTs?: string } = {}) {
  return poster.post({
    channel,
    text: `card ${deliveryId}`,
    blocks: [],
    metadata: card(deliveryId, extra.alertId),
    ...(extra.threadTs ? { threadTs: extra.threadTs } : {}),
  });
}

beforeAll(async () => {
  fake = await startFakeSlack();
  client = new WebClient(fake.botToken, {
    slackApiUrl: fake.apiUrl,
    retryConfig: { retries: 0 },
    logger: silentLogger,
  });
  poster = createSlackPoster(createSlackWebApi(client));
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.reset();
  fake.clearScripts();
});

describe('the delivery poster looking for an earlier post', () => {
  it('finds a card by its delivery and alert in its metadata, posted since the given time', async () => {
    const since = Date.now() - 1_000;
    await post('C0SOC', 7, { alertId: 'another-install' });
    const { ts } = await post('C0SOC', 7);
    await post('C0SOC', 8);
    expect(await poster.findPosted({ channel: 'C0SOC', since, metadata: card(7) })).toEqual({ ts });
    expect(await poster.findPosted({ channel: 'C0SOC', since, metadata: card(9) })).toBeUndefined();
    expect(
      await poster.findPosted({ channel: 'C0SOC', since: Date.now() + 60_000, metadata: card(7) }),
    ).toBeUndefined();
    expect(String(fake.callsTo('conversations.history').at(-1)?.args.include_all_metadata)).toBe('true');
  });

  it('looks in the thread for a card posted under a summary', async () => {
    const since = Date.now() - 1_000;
    const summary = await post('C0SOC', 1);
    const { ts } = await post('C0SOC', 2, { threadTs: summary.ts });
    expect(await poster.findPosted({ channel: 'C0SOC', since, metadata: card(2) })).toBeUndefined();
    expect(await poster.findPosted({ channel: 'C0SOC', threadTs: summary.ts, since, metadata: card(2) })).toEqual({
      ts,
    });
  });

  it('reads page after page, and gives up (to look again later) past 1,000 messages', async () => {
    const since = Date.now() - 1_000;
    const { ts } = await post('C0SOC', 1);
    for (let i = 0; i < 250; i++) await client.chat.postMessage({ channel: 'C0SOC', text: `chatter ${i}` });
    expect(await poster.findPosted({ channel: 'C0SOC', since, metadata: card(1) })).toEqual({ ts });
    expect(fake.callsTo('conversations.history')).toHaveLength(2);
    for (let i = 0; i < 800; i++) await client.chat.postMessage({ channel: 'C0SOC', text: `more ${i}` });
    const err = await poster.findPosted({ channel: 'C0SOC', since, metadata: card(1) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SlackPostError);
    expect(err).toMatchObject({ kind: 'transient', message: 'more than 1000 messages to look through' });
  }, 30_000);

  it('says why Slack will not let it read: a channel refusal or an app-wide one', async () => {
    const refused = (channel: string) =>
      poster.findPosted({ channel, since: 0, metadata: card(1) }).catch((e: unknown) => e as SlackPostError);
    expect(await refused('C0NOTMEMBER')).toMatchObject({ kind: 'permanent', code: 'not_in_channel', scope: 'channel' });
    fake.script('conversations.history', { error: 'invalid_auth' });
    expect(await refused('C0SOC')).toMatchObject({ kind: 'permanent', code: 'invalid_auth', scope: 'app' });
    fake.script('conversations.history', { status: 503 });
    expect(await refused('C0SOC')).toMatchObject({ kind: 'transient' });
  });
});
