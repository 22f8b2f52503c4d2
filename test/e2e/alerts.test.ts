import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildFailedCheckEnvelope } from '../../sim/cii/server.ts';
import { seedUsers } from '../../sim/cii/seed.ts';
import type { RecordedCall } from '../../sim/slack/fake-slack.ts';
import { startStack, WEBHOOK_SECRET, type Stack } from '../support/stack.ts';
import { countRows, postWebhook, registerAppWebhook } from '../support/webhook.ts';

const fastDelivery = { perChannelIntervalMs: 20, pollIntervalMs: 50, backoff: { baseMs: 50, maxMs: 200 } };
const logins = seedUsers.filter((u) => u.login.includes('@')).map((u) => u.login);

function ackText(body: string): string {
  return body === '' ? '' : JSON.stringify(JSON.parse(body));
}

function postsTo(stack: Stack, channel: string): RecordedCall[] {
  return stack.slack
    .callsTo('chat.postMessage')
    .filter((c) => c.args.channel === channel && c.response && (c.response as { ok?: boolean }).ok);
}

async function settle(ms = 400): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await settle(25);
  }
}

describe('detection alerts end to end', () => {
  let stack: Stack;
  const run = (text: string, channelId: string, userId = 'UANALYST') =>
    stack.driver.command(text, { userId, channelId });

  beforeAll(async () => {
    stack = await startStack({ app: { delivery: fastDelivery } });
    await registerAppWebhook(stack, ['no-mfa', 'impossible-travel', 'inactive-users', 'user-lock-out-risk-detected']);
  });
  afterAll(() => stack.stop());

  test('subscribing twice with the same filter changes nothing and says so', async () => {
    expect(ackText((await run('subscribe no-mfa', 'C0SECALERT')).body)).toContain('now gets CII alerts');
    expect(ackText((await run('subscribe no-mfa', 'C0SECALERT')).body)).toContain('nothing changed');
    expect(ackText((await run('subscribe severity:high', 'C0SOC')).body)).toContain('now gets CII alerts');
    const listed = ackText((await run('subscriptions', 'C0SECALERT')).body);
    expect(listed).toContain('no-mfa');
    expect(listed).not.toContain('C0SOC');
  });

  test('joins a public channel to subscribe it, and asks to be invited into a private one', async () => {
    expect(ackText((await run('subscribe inactive-users', 'C0NOTMEMBER')).body)).toContain('now gets CII alerts');
    expect(stack.slack.callsTo('conversations.join').map((c) => c.args.channel)).toContain('C0NOTMEMBER');
    const refused = ackText((await run('subscribe', 'G0PRIVATE')).body);
    expect(refused).toMatch(/invite/i);
    expect(ackText((await run('subscriptions', 'G0PRIVATE')).body)).toContain('No CII alert subscriptions');
  });

  test('routes by check id and by minimum severity across channels, with the user enriched from CII', async () => {
    stack.slack.reset();
    const [medium] = await stack.cii.deliverFailedCheck({
      checkId: 'no-mfa',
      severity: 'medium',
      logins: [logins[0]!],
    });
    expect(medium!.status).toBe(202);
    const [high] = await stack.cii.deliverFailedCheck({
      checkId: 'impossible-travel',
      severity: 'high',
      logins: [logins[1]!],
    });
    expect(high!.status).toBe(202);
    await until(() => postsTo(stack, 'C0SECALERT').length === 1 && postsTo(stack, 'C0SOC').length === 1);
    await settle();
    expect(postsTo(stack, 'C0SECALERT')).toHaveLength(1);
    expect(postsTo(stack, 'C0SOC')).toHaveLength(1);
    expect(postsTo(stack, 'C0NOTMEMBER')).toHaveLength(0);
    const secCard = JSON.stringify(postsTo(stack, 'C0SECALERT')[0]!.args.blocks);
    expect(secCard).toContain('No MFA Configured');
    expect(secCard).toContain(seedUsers.find((u) => u.login === logins[0])!.displayName);
    expect(secCard).toContain('alert_approve');
    expect(JSON.stringify(postsTo(stack, 'C0SOC')[0]!.args.blocks)).toContain(logins[1]!);
  });

  test('a moderate finding reaches a medium subscription and a critical one reaches every matching channel', async () => {
    stack.slack.reset();
    await run('subscribe user-lock-out-risk-detected severity:medium', 'C0SECALERT');
    await stack.cii.deliverFailedCheck({
      checkId: 'user-lock-out-risk-detected',
      severity: 'moderate',
      logins: [logins[2]!],
    });
    await stack.cii.deliverFailedCheck({ checkId: 'no-mfa', severity: 'critical', logins: [logins[3]!] });
    await until(() => postsTo(stack, 'C0SECALERT').length === 2 && postsTo(stack, 'C0SOC').length === 1);
    await settle();
    expect(postsTo(stack, 'C0SECALERT')).toHaveLength(2);
    expect(postsTo(stack, 'C0SOC')).toHaveLength(1);
  });

  test('the same event delivered three times gives one card per channel', async () => {
    stack.slack.reset();
    const envelope = {
      checkId: 'no-mfa',
      severity: 'high',
      logins: [logins[4]!],
      findingId: 'finding-dup-1',
      envelopeId: 'envelope-dup-1',
    };
    for (let i = 0; i < 3; i++) expect((await stack.cii.deliverFailedCheck(envelope))[0]!.status).toBe(202);
    // Same finding and user in a new envelope: still nothing new.
    await stack.cii.deliverFailedCheck({ ...envelope, envelopeId: 'envelope-dup-2' });
    await until(() => postsTo(stack, 'C0SECALERT').length === 1 && postsTo(stack, 'C0SOC').length === 1);
    await settle(600);
    expect(postsTo(stack, 'C0SECALERT')).toHaveLength(1);
    expect(postsTo(stack, 'C0SOC')).toHaveLength(1);
  });

  test.each([
    [
      'a wrong secret',
      { 'content-type': 'application/json', 'x-api-client-token': 'not-the-secret-at-all' },
      undefined,
      401,
    ],
    ['a missing secret', { 'content-type': 'application/json' }, undefined, 401],
    ['malformed JSON', undefined, '{"version":"0",', 400],
    ['a body over 1 MiB', undefined, JSON.stringify({ pad: 'x'.repeat(1024 * 1024) }), 413],
    [
      'a missing checkId',
      undefined,
      JSON.stringify({
        ...buildFailedCheckEnvelope({ checkId: 'no-mfa', logins: ['a@example.com'] }),
        detail: { id: 'f', severity: 'high', usersFailing: ['a@example.com'] },
      }),
      400,
    ],
    ['a wrong content type', { 'content-type': 'text/plain', 'x-api-client-token': WEBHOOK_SECRET }, undefined, 415],
  ])('rejects %s with the right status, stores nothing and posts nothing', async (_name, headers, body, status) => {
    stack.slack.reset();
    const before = {
      alerts: countRows(stack.env.DATABASE_URL, 'alerts'),
      deliveries: countRows(stack.env.DATABASE_URL, 'deliveries'),
      events: countRows(stack.env.DATABASE_URL, 'seen_events'),
    };
    const valid = JSON.stringify(
      buildFailedCheckEnvelope({ checkId: 'no-mfa', severity: 'critical', logins: [logins[5]!] }),
    );
    const res = await postWebhook(stack, body ?? valid, headers);
    expect(res.status).toBe(status);
    await settle();
    expect({
      alerts: countRows(stack.env.DATABASE_URL, 'alerts'),
      deliveries: countRows(stack.env.DATABASE_URL, 'deliveries'),
      events: countRows(stack.env.DATABASE_URL, 'seen_events'),
    }).toEqual(before);
    expect(stack.slack.callsTo('chat.postMessage')).toHaveLength(0);
  });

  test('a webhook test answers 200 and shows in /cii status', async () => {
    const [result] = await stack.cii.deliverTest();
    expect(result!.status).toBe(200);
    const status = ackText((await run('status', 'C0SOC')).body);
    expect(status).toContain('Last webhook test');
    expect(status).not.toMatch(/Last webhook test\*\\nnever/);
  });

  test('honours Retry-After on a 429: the retry waits at least 2 s', async () => {
    stack.slack.reset();
    stack.slack.script('chat.postMessage', { status: 429, retryAfterSeconds: 2, times: 1, channel: 'C0SECALERT' });
    await stack.cii.deliverFailedCheck({ checkId: 'no-mfa', severity: 'low', logins: [logins[6]!] });
    await until(() => postsTo(stack, 'C0SECALERT').length === 1);
    const attempts = stack.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === 'C0SECALERT');
    expect(attempts).toHaveLength(2);
    expect(attempts[0]!.status).toBe(429);
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(2_000);
  });

  test('a finding with 30 users posts one summary card and 30 cards in its thread', async () => {
    stack.slack.reset();
    const thirty = logins.slice(0, 30);
    expect(thirty).toHaveLength(30);
    await stack.cii.deliverFailedCheck({
      checkId: 'no-mfa',
      severity: 'low',
      logins: thirty,
      findingId: 'finding-thirty',
    });
    await until(() => postsTo(stack, 'C0SECALERT').length === 31, 20_000);
    const [summary, ...cards] = postsTo(stack, 'C0SECALERT');
    expect(summary!.args.thread_ts).toBeUndefined();
    expect(JSON.stringify(summary!.args.blocks)).toContain('30');
    const summaryTs = (summary!.response as { ts: string }).ts;
    expect(cards.every((c) => c.args.thread_ts === summaryTs)).toBe(true);
    expect(new Set(cards.map((c) => JSON.stringify(c.args.blocks).match(/[a-z.]+@example\.com/)?.[0])).size).toBe(30);
  });

  test('a channel Slack refuses breaks its subscription; its cards wait, are shown, and are posted once repaired', async () => {
    stack.slack.reset();
    stack.slack.script('chat.postMessage', { error: 'is_archived', times: 1, channel: 'C0SOC' });
    await stack.cii.deliverFailedCheck({ checkId: 'impossible-travel', severity: 'critical', logins: [logins[7]!] });
    await until(() => stack.slack.callsTo('chat.postMessage').some((c) => c.args.channel === 'C0SOC'));
    await settle(600);
    await stack.cii.deliverFailedCheck({ checkId: 'inactive-users', severity: 'critical', logins: [logins[8]!] });
    await settle(600);
    expect(stack.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === 'C0SOC')).toHaveLength(1);
    const listed = ackText((await run('subscriptions', 'C0SOC')).body);
    expect(listed).toContain('⚠️ broken: is_archived');
    expect(listed).toMatch(/<#C0SOC> broken since .*? \(`is_archived`\): 2 findings waiting/);
    expect(ackText((await run('status', 'C0SOC')).body)).toContain('2 findings waiting');
    expect(ackText((await run('alerts pending', 'C0SOC')).body)).toContain(
      '⏸ waiting in <#C0SOC>: channel broken (is_archived)',
    );

    const repaired = ackText((await run('subscribe severity:high', 'C0SOC')).body);
    expect(repaired).toContain('was broken and is active again');
    expect(repaired).toContain('the cards of 2 findings that waited for it are being posted now');
    await until(() => postsTo(stack, 'C0SOC').length === 2);
    await settle(600);
    const texts = postsTo(stack, 'C0SOC').map((c) => String(c.args.text));
    expect(texts).toHaveLength(2);
    expect(texts.filter((t) => t.endsWith(`(${logins[7]!})`))).toHaveLength(1);
    expect(texts.filter((t) => t.endsWith(`(${logins[8]!})`))).toHaveLength(1);
    expect(ackText((await run('subscriptions', 'C0SOC')).body)).not.toContain('broken');
  });

  test('a refused channel is repaired, and its cards posted, as soon as Slack says the app was added back', async () => {
    stack.slack.reset();
    stack.slack.script('chat.postMessage', { error: 'not_in_channel', times: 1, channel: 'C0SOC' });
    await stack.cii.deliverFailedCheck({ checkId: 'impossible-travel', severity: 'critical', logins: [logins[10]!] });
    await until(() => stack.slack.callsTo('chat.postMessage').some((c) => c.args.channel === 'C0SOC'));
    await settle(600);
    expect(ackText((await run('subscriptions', 'C0SOC')).body)).toContain('⚠️ broken: not_in_channel');

    // Someone else joining the channel changes nothing.
    await stack.driver.event({ type: 'member_joined_channel', user: 'UANALYST', channel: 'C0SOC', channel_type: 'C' });
    await settle(300);
    expect(postsTo(stack, 'C0SOC')).toHaveLength(0);

    const joined = { type: 'member_joined_channel', user: stack.slack.botUserId, channel: 'C0SOC', channel_type: 'C' };
    expect((await stack.driver.event(joined)).status).toBe(200);
    await until(() => postsTo(stack, 'C0SOC').length === 1);
    expect(String(postsTo(stack, 'C0SOC')[0]!.args.text)).toContain(logins[10]!);
    expect(ackText((await run('subscriptions', 'C0SOC')).body)).not.toContain('broken');
    // Slack's retry of the same event repairs nothing more and posts nothing twice.
    await stack.driver.event(joined, { retryNum: 1, retryReason: 'http_timeout' });
    await settle(300);
    expect(postsTo(stack, 'C0SOC')).toHaveLength(1);
  });

  test('a card Slack refuses for its content is failed, and a short notice in its place says which finding and where to see it', async () => {
    stack.slack.reset();
    stack.slack.script('chat.postMessage', { error: 'invalid_blocks', times: 1, channel: 'C0SECALERT' });
    await stack.cii.deliverFailedCheck({ checkId: 'no-mfa', severity: 'low', logins: [logins[9]!] });
    await until(() => postsTo(stack, 'C0SECALERT').length === 1);
    await settle(600);
    const calls = stack.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === 'C0SECALERT');
    expect(calls).toHaveLength(2);
    const notice = JSON.stringify(calls[1]!.args.blocks);
    expect(notice).toContain(`for \`${logins[9]!}\``);
    expect(notice).toContain("Slack refused this alert's card (`invalid_blocks`)");
    expect(ackText((await run(`alerts ${logins[9]!}`, 'C0SECALERT')).body)).toContain(
      'not posted in <#C0SECALERT>: invalid_blocks',
    );
  });
});

describe('subscription management with CII_ADMINS set', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { CII_ADMINS: 'UADMIN S0RESPOND' } });
  });
  afterAll(() => stack.stop());

  test('refuses non-admins, naming who may manage, and changes nothing', async () => {
    const refused = ackText((await stack.driver.command('subscribe', { userId: 'UVIEWER', channelId: 'C0SOC' })).body);
    expect(refused).toContain('Only CII admins');
    expect(refused).toContain('<@UADMIN>');
    expect(
      ackText((await stack.driver.command('subscriptions', { userId: 'UVIEWER', channelId: 'C0SOC' })).body),
    ).toContain('No CII alert subscriptions');
  });

  test('lets a listed user and a member of a listed user group manage; admins see every channel', async () => {
    expect(
      ackText((await stack.driver.command('subscribe no-mfa', { userId: 'UADMIN', channelId: 'C0SOC' })).body),
    ).toContain('now gets');
    expect(
      ackText((await stack.driver.command('subscribe', { userId: 'UANALYST', channelId: 'C0SECALERT' })).body),
    ).toContain('now gets');
    const all = ackText((await stack.driver.command('subscriptions', { userId: 'UADMIN', channelId: 'C0SOC' })).body);
    expect(all).toContain('C0SOC');
    expect(all).toContain('C0SECALERT');
    expect(
      ackText((await stack.driver.command('unsubscribe all', { userId: 'UVIEWER', channelId: 'C0SOC' })).body),
    ).toContain('Only CII admins');
    expect(
      ackText((await stack.driver.command('unsubscribe all', { userId: 'UADMIN', channelId: 'C0SOC' })).body),
    ).toContain('Removed all 1');
  });
});
