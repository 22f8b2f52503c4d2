import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { seedUsers } from '../../sim/cii/seed.ts';
import type { RecordedCall } from '../../sim/slack/fake-slack.ts';
import { startStack, type Stack } from '../support/stack.ts';
import { until } from '../support/until.ts';
import { registerAppWebhook } from '../support/webhook.ts';

const fastDelivery = { perChannelIntervalMs: 20, pollIntervalMs: 50, backoff: { baseMs: 50, maxMs: 200 } };
const logins = seedUsers.filter((u) => u.login.includes('@')).map((u) => u.login);
const ADMIN = { userId: 'UADMIN', channelId: 'C0SOC' };

function answerOf(body: string): { text: string; blocks: unknown[] } {
  return JSON.parse(body) as { text: string; blocks: unknown[] };
}

function postsTo(stack: Stack, channel: string): RecordedCall[] {
  return stack.slack
    .callsTo('chat.postMessage')
    .filter((c) => c.args.channel === channel && (c.response as { ok?: boolean } | undefined)?.ok);
}

describe('every finding accounted for, end to end', () => {
  let stack: Stack;
  const run = async (text: string, as = ADMIN) => answerOf((await stack.driver.command(text, as)).body);

  beforeAll(async () => {
    stack = await startStack({
      env: { CII_ADMINS: 'UADMIN', CII_RESPONDERS: 'S0RESPOND' },
      app: { delivery: fastDelivery },
    });
    await registerAppWebhook(stack, ['no-mfa', 'impossible-travel']);
  });
  afterAll(() => stack.stop());

  test('an unrouted finding shows in /cii status and /cii alerts, and a new subscription posts it once on a click', async () => {
    const [delivered] = await stack.cii.deliverFailedCheck({
      checkId: 'impossible-travel',
      severity: 'high',
      logins: [logins[0]!],
    });
    expect(delivered!.status).toBe(202);

    const status = JSON.stringify(await run('status'));
    expect(status).toMatch(/Last 24 hours:\*? 1 arrived · 0 posted · 0 waiting for Slack · ⚠️ 1 unrouted/);
    const unrouted = JSON.stringify(await run('alerts unrouted'));
    expect(unrouted).toContain(logins[0]!);
    expect(unrouted).toContain('unrouted: no subscription matched');
    expect(JSON.stringify(await run('alerts open nobody@example.com'))).toContain(
      'No recent alerts waiting for a decision',
    );
    // A viewer is neither admin nor responder: no list.
    expect(JSON.stringify(await run('alerts', { userId: 'UVIEWER', channelId: 'C0SOC' }))).toContain(
      'Only CII responders and admins',
    );

    // A subscription that does not match it has no backlog; one that does offers to post it.
    expect(JSON.stringify(await run('subscribe no-mfa'))).toContain('No alert of the last 7 days');
    const ack = await stack.driver.command('subscribe impossible-travel severity:medium', ADMIN);
    const answer = answerOf(ack.body);
    expect(JSON.stringify(answer)).toContain('1 alert of the last 7 days match this filter');
    const message = { method: 'response_url', args: answer, at: Date.now() } as unknown as RecordedCall;
    expect(postsTo(stack, 'C0SOC')).toHaveLength(0);

    // A viewer's click is refused and posts nothing.
    await stack.driver.click({
      userId: 'UVIEWER',
      channelId: 'C0SOC',
      message,
      actionId: 'post_backlog',
      responseUrl: ack.responseUrl,
    });
    const [refused] = await stack.slack.waitForCalls('response_url', 1);
    expect(String(refused!.args.text)).toContain('Only CII responders and admins');

    // A responder's click posts it through the outbox; a second click posts nothing more.
    await stack.driver.click({
      userId: 'UANALYST',
      channelId: 'C0SOC',
      message,
      actionId: 'post_backlog',
      responseUrl: ack.responseUrl,
    });
    await until(() => postsTo(stack, 'C0SOC').length === 1, 'the expected Slack calls');
    expect(JSON.stringify(postsTo(stack, 'C0SOC')[0]!.args.blocks)).toContain('Impossible Travel');
    await stack.driver.click({
      userId: 'UADMIN',
      channelId: 'C0SOC',
      message,
      actionId: 'post_backlog',
      responseUrl: ack.responseUrl,
    });
    await until(() => stack.slack.callsTo('response_url').length === 3, 'the expected Slack calls');
    expect(String(stack.slack.callsTo('response_url')[2]!.args.text)).toContain('Nothing left to post');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(postsTo(stack, 'C0SOC')).toHaveLength(1);

    const after = JSON.stringify(await run('status'));
    expect(after).toMatch(/Last 24 hours:\*? 1 arrived · 1 posted · 0 waiting for Slack · 0 unrouted/);
    const listed = JSON.stringify(await run(`alerts ${logins[0]!}`));
    expect(listed).toContain('posted in <#C0SOC>');
    expect(listed).toMatch(/archives\/C0SOC\/p\d+\|card/);
    expect(JSON.stringify(await run('alerts unrouted'))).toContain('No recent alerts unrouted');
  }, 30_000);
});

describe('CII_FALLBACK_CHANNEL', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      env: { CII_FALLBACK_CHANNEL: 'C0SECALERT' },
      app: { delivery: { ...fastDelivery, refusedChannelRetryMs: 1_500 } },
    });
    await registerAppWebhook(stack, ['no-mfa']);
  });
  afterAll(() => stack.stop());

  test('posts a finding no subscription matches in the fallback channel, marked unrouted, and still counts it', async () => {
    await stack.cii.deliverFailedCheck({ checkId: 'no-mfa', severity: 'low', logins: [logins[1]!] });
    await until(() => postsTo(stack, 'C0SECALERT').length === 1, 'the expected Slack calls');
    expect(JSON.stringify(postsTo(stack, 'C0SECALERT')[0]!.args.blocks)).toContain(
      '*Unrouted*: no subscription matched',
    );
    const status = JSON.stringify(answerOf((await stack.driver.command('status', ADMIN)).body));
    expect(status).toMatch(/1 arrived · 1 posted · 0 waiting for Slack · ⚠️ 1 unrouted/);
    const listed = JSON.stringify(answerOf((await stack.driver.command('alerts unrouted', ADMIN)).body));
    expect(listed).toContain('sent to the fallback channel');
    expect(listed).toContain('posted in <#C0SECALERT>');
  }, 20_000);

  test('keeps the cards of a fallback channel Slack refuses, shows why, and posts them once a later try succeeds', async () => {
    stack.slack.reset();
    stack.slack.script('chat.postMessage', { error: 'not_in_channel', times: 1, channel: 'C0SECALERT' });
    await stack.cii.deliverFailedCheck({ checkId: 'no-mfa', severity: 'low', logins: [logins[2]!] });
    await stack.cii.deliverFailedCheck({ checkId: 'no-mfa', severity: 'low', logins: [logins[3]!] });
    await until(() => stack.slack.callsTo('chat.postMessage').length === 1, 'the refused post');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(stack.slack.callsTo('chat.postMessage')).toHaveLength(1);

    const status = JSON.stringify(answerOf((await stack.driver.command('status', ADMIN)).body));
    expect(status).toMatch(/<#C0SECALERT> broken since .*? \(`not_in_channel`\): 2 findings waiting/);
    expect(status).toContain('No subscription names it (the fallback channel): it is tried again in a moment');
    const pending = JSON.stringify(answerOf((await stack.driver.command('alerts pending', ADMIN)).body));
    expect(pending).toContain('⏸ waiting in <#C0SECALERT>: channel broken (not_in_channel)');

    await until(() => postsTo(stack, 'C0SECALERT').length === 2, 'both cards posted on the next try');
    const posted = postsTo(stack, 'C0SECALERT').map((c) => String(c.args.text));
    expect(posted.filter((t) => t.endsWith(`(${logins[2]!})`))).toHaveLength(1);
    expect(posted.filter((t) => t.endsWith(`(${logins[3]!})`))).toHaveLength(1);
    const after = JSON.stringify(answerOf((await stack.driver.command('status', ADMIN)).body));
    expect(after).not.toContain('broken since');
    expect(after).toMatch(/3 arrived · 3 posted · 0 waiting for Slack/);
  }, 20_000);
});
