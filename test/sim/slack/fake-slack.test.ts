import { ErrorCode, WebClient, type WebAPIPlatformError, type WebAPIRateLimitedError } from '@slack/web-api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack } from '../../../sim/slack/fake-slack.ts';
import { silentLogger } from '../../../src/logger.ts';

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });
const buttons = {
  type: 'actions',
  elements: [{ type: 'button', action_id: 'block', text: { type: 'plain_text', text: 'Block' }, value: 'a1' }],
};

let fake: FakeSlack;
let client: WebClient;

function clientWith(token: string, extra: ConstructorParameters<typeof WebClient>[1] = {}): WebClient {
  return webClient(fake, token, extra);
}

function webClient(
  target: FakeSlack,
  token: string,
  extra: ConstructorParameters<typeof WebClient>[1] = {},
): WebClient {
  return new WebClient(token, {
    slackApiUrl: target.apiUrl,
    retryConfig: { retries: 0 },
    logger: silentLogger,
    ...extra,
  });
}

async function platformError(call: Promise<unknown>): Promise<WebAPIPlatformError> {
  const err = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toMatchObject({ code: ErrorCode.PlatformError });
  return err as WebAPIPlatformError;
}

beforeAll(async () => {
  fake = await startFakeSlack({ userTokens: { 'xoxp-alice': 'UADMIN' } });
  client = clientWith(fake.botToken);
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.reset();
  fake.clearScripts();
});

describe('fake Slack Web API with @slack/web-api', () => {
  it('answers auth.test for the bot token', async () => {
    const res = await client.auth.test();
    expect(res).toMatchObject({ ok: true, team_id: 'T0FAKE', user_id: 'UBOT', bot_id: 'BBOT' });
  });

  it('rejects a wrong token with invalid_auth and an unknown method with unknown_method', async () => {
    expect((await platformError(clientWith('xoxb-wrong').auth.test())).data.error).toBe('invalid_auth');
    expect((await platformError(client.apiCall('nothing.here'))).data.error).toBe('unknown_method');
  });

  it('posts a message, decodes form-encoded blocks and metadata, and keeps it as live state', async () => {
    const metadata = { event_type: 'cii_alert', event_payload: { alert_id: 'a1' } };
    const res = await client.chat.postMessage({
      channel: 'C0SECALERT',
      text: 'Alert',
      blocks: [section('*hi*'), buttons],
      metadata,
    });
    expect(res.ok).toBe(true);
    expect(res.ts).toMatch(/^\d{10}\.\d{6}$/);
    const [call] = fake.callsTo('chat.postMessage');
    expect(call?.args.blocks).toEqual([section('*hi*'), buttons]);
    expect(call?.args.metadata).toEqual(metadata);
    expect(call?.token).toBe('xoxb-fake-token');
    expect(call?.args).not.toHaveProperty('token');
    expect(fake.messages('C0SECALERT')).toEqual([
      expect.objectContaining({
        ts: res.ts,
        user: 'UBOT',
        bot_id: 'BBOT',
        text: 'Alert',
        metadata,
        token: 'xoxb-fake-token',
      }),
    ]);
  });

  it('gives increasing unique timestamps and threads replies', async () => {
    const parent = await client.chat.postMessage({ channel: 'C0SOC', text: 'parent' });
    const reply = await client.chat.postMessage({ channel: 'C0SOC', text: 'reply', thread_ts: parent.ts });
    expect(Number(reply.ts)).toBeGreaterThan(Number(parent.ts));
    const thread = await client.conversations.replies({ channel: 'C0SOC', ts: String(parent.ts) });
    expect(thread.messages?.map((m) => m.text)).toEqual(['parent', 'reply']);
    expect(thread.messages?.[1]?.thread_ts).toBe(parent.ts);
  });

  it('pages conversations.history after `oldest`, with metadata only when include_all_metadata is set', async () => {
    const metadata = { event_type: 'cii_alert', event_payload: { delivery_id: 7 } };
    const first = await client.chat.postMessage({ channel: 'C0SOC', text: 'one', metadata });
    for (const text of ['two', 'three', 'four']) await client.chat.postMessage({ channel: 'C0SOC', text, metadata });
    const page1 = await client.conversations.history({ channel: 'C0SOC', oldest: first.ts, limit: 2 });
    expect(page1.messages?.map((m) => m.text)).toEqual(['four', 'three']);
    expect(page1.messages?.[0]?.metadata).toBeUndefined();
    expect(page1.has_more).toBe(true);
    const page2 = await client.conversations.history({
      channel: 'C0SOC',
      oldest: first.ts,
      limit: 2,
      cursor: page1.response_metadata?.next_cursor,
      include_all_metadata: true,
    });
    expect(page2.messages?.map((m) => [m.text, m.metadata])).toEqual([['two', metadata]]);
    expect(page2.has_more).toBe(false);
    expect(
      (await client.conversations.history({ channel: 'C0SOC', oldest: first.ts, inclusive: true })).messages,
    ).toHaveLength(4);
  });

  it('gives a thread with metadata from conversations.replies, and refuses history where the bot is not', async () => {
    const metadata = { event_type: 'cii_alert', event_payload: { delivery_id: 8 } };
    const parent = await client.chat.postMessage({ channel: 'C0SOC', text: 'summary' });
    await client.chat.postMessage({ channel: 'C0SOC', text: 'card', thread_ts: parent.ts, metadata });
    const thread = await client.conversations.replies({
      channel: 'C0SOC',
      ts: String(parent.ts),
      oldest: parent.ts,
      include_all_metadata: true,
    });
    expect(thread.messages?.map((m) => [m.text, m.metadata])).toEqual([
      ['summary', undefined],
      ['card', metadata],
    ]);
    expect((await platformError(client.conversations.history({ channel: 'C0NOTMEMBER' }))).data.error).toBe(
      'not_in_channel',
    );
  });

  it('posts at once but answers late with answerAfterMs, so a client that gives up first has posted anyway', async () => {
    fake.script('chat.postMessage', { answerAfterMs: 1_000 });
    const impatient = clientWith(fake.botToken, { timeout: 200 });
    await expect(impatient.chat.postMessage({ channel: 'C0SOC', text: 'late' })).rejects.toThrow();
    expect(fake.messages('C0SOC').map((m) => m.text)).toEqual(['late']);
    expect(fake.callsTo('chat.postMessage')).toHaveLength(1);
  });

  it('updates the bot message, keeping blocks when omitted', async () => {
    const posted = await client.chat.postMessage({ channel: 'C0SECALERT', text: 'v1', blocks: [section('one')] });
    await client.chat.update({ channel: 'C0SECALERT', ts: String(posted.ts), text: 'v2' });
    expect(fake.message('C0SECALERT', String(posted.ts))).toMatchObject({ text: 'v2', blocks: [section('one')] });
    await client.chat.update({ channel: 'C0SECALERT', ts: String(posted.ts), text: 'v3', blocks: [section('three')] });
    expect(fake.message('C0SECALERT', String(posted.ts))).toMatchObject({
      text: 'v3',
      blocks: [section('three')],
      edited: { user: 'UBOT' },
    });
  });

  it('refuses to update a missing message or one posted by another token', async () => {
    expect((await platformError(client.chat.update({ channel: 'C0SOC', ts: '1.000001', text: 'x' }))).data.error).toBe(
      'message_not_found',
    );
    const byAlice = await clientWith('xoxp-alice').chat.postMessage({ channel: 'C0SOC', text: 'mine' });
    expect(byAlice.message?.user).toBe('UADMIN');
    const err = await platformError(client.chat.update({ channel: 'C0SOC', ts: String(byAlice.ts), text: 'x' }));
    expect(err.data.error).toBe('cant_update_message');
  });

  it('deletes a message', async () => {
    const posted = await client.chat.postMessage({ channel: 'C0SOC', text: 'bye' });
    await client.chat.delete({ channel: 'C0SOC', ts: String(posted.ts) });
    expect(fake.messages('C0SOC')).toEqual([]);
  });

  it('answers channel_not_found, not_in_channel and is_archived like Slack', async () => {
    const archived = await startFakeSlack({ channels: [{ id: 'C0OLD', name: 'old', isArchived: true }] });
    try {
      const old = webClient(archived, archived.botToken);
      expect((await platformError(old.chat.postMessage({ channel: 'C0OLD', text: 'x' }))).data.error).toBe(
        'is_archived',
      );
    } finally {
      await archived.close();
    }
    expect((await platformError(client.chat.postMessage({ channel: 'C0NOPE', text: 'x' }))).data.error).toBe(
      'channel_not_found',
    );
    expect((await platformError(client.chat.postMessage({ channel: 'C0NOTMEMBER', text: 'x' }))).data.error).toBe(
      'not_in_channel',
    );
    expect((await platformError(client.chat.postMessage({ channel: 'G0PRIVATE', text: 'x' }))).data.error).toBe(
      'channel_not_found',
    );
    expect(fake.callsTo('chat.postMessage').map((c) => c.status)).toEqual([200, 200, 200]);
  });

  it('rejects 51 blocks and a 3001-character section with invalid_blocks and the reasons', async () => {
    const tooMany = Array.from({ length: 51 }, () => ({ type: 'divider' }));
    const err = await platformError(client.chat.postMessage({ channel: 'C0SOC', text: 'x', blocks: tooMany }));
    expect(err.data.error).toBe('invalid_blocks');
    expect(err.data).toMatchObject({ errors: ['must provide no more than 50 items [json-pointer:/blocks]'] });
    const long = await platformError(
      client.chat.postMessage({ channel: 'C0SOC', text: 'x', blocks: [section('x'.repeat(3001))] }),
    );
    expect(long.data.response_metadata?.messages).toEqual([
      '[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]',
    ]);
    expect(fake.messages('C0SOC')).toEqual([]);
  });

  it('rejects a message whose blocks total over 13,000 characters with msg_blocks_too_long', async () => {
    const blocks = Array.from({ length: 5 }, () => section('y'.repeat(2900)));
    expect((await platformError(client.chat.postMessage({ channel: 'C0SOC', text: 'x', blocks }))).data.error).toBe(
      'msg_blocks_too_long',
    );
  });

  it('answers no_text without text or blocks and warns when blocks come without text', async () => {
    expect((await platformError(client.chat.postMessage({ channel: 'C0SOC', text: '' }))).data.error).toBe('no_text');
    await client.chat.postMessage({ channel: 'C0SOC', blocks: [section('only blocks')] });
    expect(fake.callsTo('chat.postMessage').at(-1)?.warnings).toEqual(['missing_text_or_fallback_or_attachments']);
  });

  it('surfaces a scripted 429 as a rate-limit error with retryAfter, then answers normally', async () => {
    fake.script('chat.postMessage', { status: 429, retryAfterSeconds: 7 });
    const limited = clientWith(fake.botToken, { rejectRateLimitedCalls: true });
    const err = await limited.chat.postMessage({ channel: 'C0SOC', text: 'x' }).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: ErrorCode.RateLimitedError,
      retryAfter: 7,
    } satisfies Partial<WebAPIRateLimitedError>);
    expect(fake.callsTo('chat.postMessage')[0]).toMatchObject({ status: 429 });
    expect((await limited.chat.postMessage({ channel: 'C0SOC', text: 'x' })).ok).toBe(true);
  });

  it('applies a scripted ok:false only to the scripted channel, for the given number of times', async () => {
    fake.script('chat.postMessage', { error: 'fatal_error', channel: 'C0SECALERT', times: 2 });
    expect((await client.chat.postMessage({ channel: 'C0SOC', text: 'x' })).ok).toBe(true);
    expect((await platformError(client.chat.postMessage({ channel: 'C0SECALERT', text: 'x' }))).data.error).toBe(
      'fatal_error',
    );
    expect((await platformError(client.chat.postMessage({ channel: 'C0SECALERT', text: 'x' }))).data.error).toBe(
      'fatal_error',
    );
    expect((await client.chat.postMessage({ channel: 'C0SECALERT', text: 'x' })).ok).toBe(true);
  });

  it('answers a scripted 503 as an HTTP error and waits for a scripted delay', async () => {
    fake.script('users.info', { status: 503 });
    const err = await client.users.info({ user: 'UADMIN' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: ErrorCode.HTTPError, statusCode: 503 });
    fake.script('users.info', { delayMs: 300 });
    const started = Date.now();
    expect((await client.users.info({ user: 'UADMIN' })).ok).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it('serves users, usergroups and channel info from the seed', async () => {
    const bob = await client.users.lookupByEmail({ email: 'BOB@example.com' });
    expect(bob.user).toMatchObject({ id: 'UANALYST', real_name: 'Bob Analyst', profile: { email: 'bob@example.com' } });
    expect((await client.users.info({ user: 'UADMIN' })).user).toMatchObject({
      is_admin: true,
      real_name: 'Alice Admin',
    });
    expect((await platformError(client.users.lookupByEmail({ email: 'nobody@example.com' }))).data.error).toBe(
      'users_not_found',
    );
    expect((await client.usergroups.users.list({ usergroup: 'S0RESPOND' })).users).toEqual(['UANALYST']);
    expect((await platformError(client.usergroups.users.list({ usergroup: 'S0NONE' }))).data.error).toBe(
      'no_such_subteam',
    );
    expect((await client.usergroups.list({ include_users: true })).usergroups).toEqual([
      expect.objectContaining({ id: 'S0RESPOND', handle: 'sec-responders', users: ['UANALYST'] }),
    ]);
    const info = await client.conversations.info({ channel: 'C0NOTMEMBER' });
    expect(info.channel).toMatchObject({ name: 'random', is_private: false, is_archived: false, is_member: false });
    expect((await client.conversations.members({ channel: 'C0SOC' })).members).toEqual([
      'UADMIN',
      'UANALYST',
      'UVIEWER',
      'UBOT',
    ]);
  });

  it('joins a public channel (then posting works) but not a private one', async () => {
    await client.conversations.join({ channel: 'C0NOTMEMBER' });
    expect((await client.chat.postMessage({ channel: 'C0NOTMEMBER', text: 'hi' })).ok).toBe(true);
    const err = await platformError(client.conversations.join({ channel: 'G0PRIVATE' }));
    expect(err.data.error).toBe('method_not_supported_for_channel_type');
    fake.reset();
    expect(fake.channel('C0NOTMEMBER')?.botIsMember).toBe(false);
  });

  it('opens and updates a modal, requiring a trigger_id and a valid view', async () => {
    const view = {
      type: 'modal' as const,
      title: { type: 'plain_text' as const, text: 'Block user' },
      blocks: [section('sure?')],
    };
    const opened = await client.views.open({ trigger_id: '1.2.abc', view });
    expect(opened.view).toMatchObject({ type: 'modal', root_view_id: opened.view?.id });
    const updated = await client.views.update({
      view_id: String(opened.view?.id),
      view: { ...view, blocks: [section('done')] },
    });
    expect(updated.view?.id).toBe(opened.view?.id);
    expect((await platformError(client.views.open({ trigger_id: '', view }))).data.error).toBe('invalid_arguments');
    const badTitle = { ...view, title: { type: 'plain_text' as const, text: 'x'.repeat(25) } };
    expect((await platformError(client.views.open({ trigger_id: '1.2.abc', view: badTitle }))).data.error).toBe(
      'invalid_arguments',
    );
  });

  it('publishes a Home tab per user, keeping its id, and refuses what Slack would', async () => {
    const home = { type: 'home' as const, blocks: [section('hello')] };
    const first = await client.views.publish({ user_id: 'UANALYST', view: home });
    const again = await client.views.publish({ user_id: 'UANALYST', view: { ...home, blocks: [section('again')] } });
    expect(again.view).toMatchObject({ type: 'home', id: first.view?.id });
    expect((await platformError(client.views.publish({ user_id: 'UNOBODY', view: home }))).data.error).toBe(
      'user_not_found',
    );
    const tooMany = { type: 'home' as const, blocks: Array.from({ length: 101 }, () => section('x')) };
    expect((await platformError(client.views.publish({ user_id: 'UANALYST', view: tooMany }))).data.error).toBe(
      'invalid_arguments',
    );
    const modal = { type: 'modal' as const, title: { type: 'plain_text' as const, text: 'x' }, blocks: [] };
    expect((await platformError(client.views.publish({ user_id: 'UANALYST', view: modal }))).data.error).toBe(
      'invalid_arguments',
    );
  });

  it('gives a permalink and answers postEphemeral only to members of the channel', async () => {
    const posted = await client.chat.postMessage({ channel: 'C0SOC', text: 'x' });
    const link = await client.chat.getPermalink({ channel: 'C0SOC', message_ts: String(posted.ts) });
    expect(link.permalink).toBe(`https://fake.slack.com/archives/C0SOC/p${String(posted.ts).replace('.', '')}`);
    const eph = await client.chat.postEphemeral({ channel: 'C0SOC', user: 'UANALYST', text: 'only you' });
    expect(eph.message_ts).toMatch(/^\d+\.\d+$/);
    const restricted = await startFakeSlack({ channels: [{ id: 'C0X', name: 'x', members: ['UADMIN'] }] });
    try {
      const c = webClient(restricted, restricted.botToken);
      expect(
        (await platformError(c.chat.postEphemeral({ channel: 'C0X', user: 'UANALYST', text: 'x' }))).data.error,
      ).toBe('user_not_in_channel');
    } finally {
      await restricted.close();
    }
  });

  it('waitForCalls resolves once enough calls arrived and times out listing what was recorded', async () => {
    const waiting = fake.waitForCalls('chat.postMessage', 2);
    await client.chat.postMessage({ channel: 'C0SOC', text: '1' });
    await client.chat.postMessage({ channel: 'C0SOC', text: '2' });
    expect(await waiting).toHaveLength(2);
    await expect(fake.waitForCalls('chat.update', 1, 100)).rejects.toThrow(
      /waited 100 ms for 1 call\(s\) to chat.update, got 0; recorded: chat.postMessage\(200\), chat.postMessage\(200\)/,
    );
  });
});

describe('fake Slack response_url', () => {
  async function postJson(url: string, body: unknown): Promise<{ status: number; text: string }> {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, text: await res.text() };
  }

  it('records JSON posts to a response_url and answers 200 ok', async () => {
    const url = fake.newResponseUrl();
    expect(url).toMatch(new RegExp(`^${fake.url}/response/\\w+$`));
    expect(await postJson(url, { text: 'Looking up…', response_type: 'ephemeral' })).toEqual({
      status: 200,
      text: 'ok',
    });
    const [call] = fake.callsTo('response_url');
    expect(call).toMatchObject({ url, status: 200, args: { text: 'Looking up…', response_type: 'ephemeral' } });
  });

  it('rejects invalid blocks, an unknown url and a sixth use', async () => {
    const url = fake.newResponseUrl();
    expect((await postJson(url, { text: 'x', blocks: [section('')] })).status).toBe(400);
    expect((await postJson(`${fake.url}/response/R0NOPE`, { text: 'x' })).status).toBe(404);
    for (let i = 0; i < 4; i++) expect((await postJson(url, { text: `use ${i}` })).status).toBe(200);
    expect(await postJson(url, { text: 'too many' })).toEqual({ status: 404, text: 'used_url' });
  });

  it('replaces, posts in channel or deletes the source message', async () => {
    const posted = await client.chat.postMessage({ channel: 'C0SECALERT', text: 'card', blocks: [buttons] });
    const ts = String(posted.ts);
    const url = fake.newResponseUrl({ channel: 'C0SECALERT', ts });
    await postJson(url, { replace_original: true, text: 'Blocked by bob', blocks: [section('Blocked')] });
    expect(fake.message('C0SECALERT', ts)).toMatchObject({ text: 'Blocked by bob', blocks: [section('Blocked')] });
    await postJson(url, { response_type: 'in_channel', text: 'FYI' });
    expect(fake.messages('C0SECALERT').map((m) => m.text)).toEqual(['Blocked by bob', 'FYI']);
    await postJson(url, { delete_original: true });
    expect(fake.messages('C0SECALERT').map((m) => m.text)).toEqual(['FYI']);
  });

  it('can be scripted to fail', async () => {
    fake.script('response_url', { status: 500 });
    const url = fake.newResponseUrl();
    expect((await postJson(url, { text: 'x' })).status).toBe(500);
    expect((await postJson(url, { text: 'x' })).status).toBe(200);
  });
});
