import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { seedUsers } from '../../sim/cii/seed.ts';
import type { RecordedCall } from '../../sim/slack/fake-slack.ts';
import { startStack, type Stack } from '../support/stack.ts';
import { until } from '../support/until.ts';
import { registerAppWebhook } from '../support/webhook.ts';

const fastDelivery = { perChannelIntervalMs: 20, pollIntervalMs: 50, backoff: { baseMs: 50, maxMs: 200 } };
const DAY = 24 * 3600_000;
const [MIA, TOM] = seedUsers.filter((u) => u.login.includes('@')).map((u) => u.login) as [string, string];
const SOC = 'C0SOC';

interface Card {
  ts: string;
  call: RecordedCall;
}

describe('mutes, end to end', () => {
  let stack: Stack;
  // The app's clock: moved forward to let a mute run out (and left there).
  let offset = 0;

  beforeAll(async () => {
    stack = await startStack({
      env: { CII_ADMINS: 'UADMIN', CII_RESPONDERS: 'S0RESPOND' },
      app: { delivery: fastDelivery, now: () => new Date(Date.now() + offset) },
    });
    await registerAppWebhook(stack, ['impossible-travel', 'no-mfa']);
    await stack.driver.command('subscribe impossible-travel no-mfa', { userId: 'UADMIN', channelId: SOC });
  });
  afterAll(() => stack.stop());

  const cards = (checkTitle: string, login: string): Card[] =>
    stack.slack
      .callsTo('chat.postMessage')
      .filter((c) => (c.response as { ok?: boolean }).ok === true)
      .filter((c) => (c.args.metadata as { event_type?: string } | undefined)?.event_type === 'cii_alert')
      .filter((c) => String(c.args.text).includes(checkTitle) && String(c.args.text).includes(login))
      .map((c) => ({ ts: (c.response as { ts: string }).ts, call: c }));

  async function deliver(checkId: string, logins: string[]): Promise<void> {
    const [delivered] = await stack.cii.deliverFailedCheck({ checkId, severity: 'high', logins });
    expect(delivered!.status).toBe(202);
  }

  const command = async (text: string, userId = 'UANALYST') =>
    JSON.stringify(JSON.parse((await stack.driver.command(text, { userId, channelId: SOC })).body));

  const pickMute = (card: Card, userId: string, duration: string) =>
    stack.driver.click({
      message: card.call,
      actionId: 'alert_mute',
      option: `${duration}:${(card.call.args.metadata as { event_payload: { alert_id: string } }).event_payload.alert_id}`,
      userId,
      channelId: SOC,
    });

  const threadOf = (card: Card) =>
    stack.slack
      .callsTo('chat.postMessage')
      .filter((c) => c.args.thread_ts === card.ts && !c.args.metadata)
      .map((c) => JSON.stringify(c.args.blocks));

  function auditRows(action: string): Array<Record<string, unknown>> {
    const db = new DatabaseSync(String(stack.env.DATABASE_URL).replace(/^sqlite:/, ''), { readOnly: true });
    try {
      return db.prepare('SELECT * FROM audit_log WHERE action = ? ORDER BY id').all(action);
    } finally {
      db.close();
    }
  }

  test('a responder mutes Impossible Travel for one user: later findings of it about her are counted, not posted; other users and checks still are; then it expires', async () => {
    await deliver('impossible-travel', [MIA]);
    await until(() => cards('Impossible Travel', MIA).length === 1, 'the first card');
    const [card] = cards('Impossible Travel', MIA) as [Card];

    // A viewer is refused before any modal opens.
    const refused = await pickMute(card, 'UVIEWER', '7d');
    await until(() => stack.slack.callsTo('response_url').some((c) => c.url === refused.responseUrl), 'refusal');
    const refusal = stack.slack.callsTo('response_url').find((c) => c.url === refused.responseUrl)!;
    expect(JSON.stringify(refusal.args)).toContain('Only CII responders');
    expect(stack.slack.callsTo('views.open')).toHaveLength(0);

    await pickMute(card, 'UANALYST', '7d');
    const [opened] = await stack.slack.waitForCalls('views.open', 1);
    const view = (opened!.response as { view: Record<string, unknown> }).view;
    expect(JSON.stringify(view.blocks)).toMatch(/Mute \*Impossible Travel\*.*for \*7 days\*/);

    // Two submits at once (a double click, or a second responder): one mute, one notice, one "already".
    const values = { reason: { reason_text: { type: 'plain_text_input', value: 'travelling' } } };
    await Promise.all([
      stack.driver.submitView({ userId: 'UANALYST', view, values }),
      stack.driver.submitView({ userId: 'UANALYST', view, values }),
    ]);
    await until(() => stack.slack.callsTo('chat.postEphemeral').length === 2, 'both answers');
    const answers = stack.slack.callsTo('chat.postEphemeral').map((c) => JSON.stringify(c.args.blocks));
    expect(answers.filter((a) => a.includes('Muted *Impossible Travel*'))).toHaveLength(1);
    expect(answers.filter((a) => a.includes('is already muted until'))).toHaveLength(1);
    await until(() => threadOf(card).length === 1, 'the notice in the thread');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(threadOf(card)).toHaveLength(1);
    expect(threadOf(card)[0]).toMatch(/<@UANALYST> muted \*Impossible Travel\* for .*for 7 days: travelling/);

    // Muted: her next Impossible Travel is stored, not posted; Tom's is, and so is her No MFA.
    await deliver('impossible-travel', [MIA, TOM]);
    await deliver('no-mfa', [MIA]);
    await until(
      () => cards('Impossible Travel', TOM).length === 1 && cards('No MFA', MIA).length === 1,
      'the cards not muted',
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(cards('Impossible Travel', MIA)).toHaveLength(1);

    const status = await command('status');
    expect(status).toMatch(/Last 24 hours:\*? 4 arrived · 3 posted · 0 waiting for Slack · 0 unrouted · 🔇 1 muted/);
    expect(await command('alerts open')).not.toContain('muted: not posted');
    expect(await command(`alerts ${MIA}`)).toContain('🔇 muted: not posted');

    const listed = await command('mutes');
    expect(listed).toContain('Muted checks (1)');
    expect(listed).toMatch(
      /Impossible Travel\*.*`impossible-travel`.*for .*\\n.*until \d{4}-\d\d-\d\d \d\d:\d\d UTC · muted by <@UANALYST> in <#C0SOC> just now/,
    );
    expect(listed).toContain('> travelling');
    expect(listed).toContain('mute_lift');
    expect(await command('mutes', 'UVIEWER')).toContain('Only CII responders and admins can list the mutes');

    const audit = await command('audit');
    expect(audit).toMatch(
      /<@UANALYST> muted (\*[^*]+\*|`[^`]+`): Impossible Travel \(impossible-travel\) for 7 days, until [^—]+ — \*Impossible Travel\* \(\w+\): _travelling_/,
    );
    expect(audit).toMatch(/tried to Mute (\*[^*]+\*|`[^`]+`) — already muted: Impossible Travel/);
    expect(auditRows('mute').map((r) => r.outcome)).toEqual(['refused_not_responder', 'muted', 'already_muted']);

    // Seven days later the mute has run out by itself: her next Impossible Travel is posted again.
    offset = 7 * DAY + 60_000;
    expect(await command('mutes')).toContain('No check is muted');
    await deliver('impossible-travel', [MIA]);
    await until(() => cards('Impossible Travel', MIA).length === 2, 'the card after the mute ended');
  }, 40_000);

  test('Unmute in /cii mutes lifts a mute once, for responders only, says so in the card’s thread and is audited', async () => {
    await deliver('no-mfa', [TOM]);
    await until(() => cards('No MFA', TOM).length === 1, 'the card');
    const [card] = cards('No MFA', TOM) as [Card];
    const opens = stack.slack.callsTo('views.open').length;
    await pickMute(card, 'UANALYST', '30d');
    await stack.slack.waitForCalls('views.open', opens + 1);
    const view = (stack.slack.callsTo('views.open')[opens]!.response as { view: Record<string, unknown> }).view;
    await stack.driver.submitView({ userId: 'UANALYST', view, values: {} });
    await until(() => threadOf(card).length === 1, 'the mute notice');
    expect(threadOf(card)[0]).toMatch(/muted \*No MFA Configured\* for .* for 30 days"/);

    const ack = await stack.driver.command('mutes', { userId: 'UANALYST', channelId: SOC });
    const list = {
      method: 'response_url',
      args: JSON.parse(ack.body) as unknown,
      at: Date.now(),
    } as unknown as RecordedCall;
    const clickUnmute = (userId: string) =>
      stack.driver.click({
        message: list,
        actionId: 'mute_lift',
        userId,
        channelId: SOC,
        responseUrl: ack.responseUrl,
      });

    await clickUnmute('UVIEWER');
    await until(
      () =>
        stack.slack
          .callsTo('response_url')
          .some((c) => JSON.stringify(c.args).includes('Only CII responders can lift')),
      'refusal',
    );
    await Promise.all([clickUnmute('UANALYST'), clickUnmute('UANALYST')]);
    await until(() => threadOf(card).length === 2, 'the unmute notice');
    expect(threadOf(card)[1]).toContain('<@UANALYST> lifted the mute of *No MFA Configured*');
    const answers = stack.slack.callsTo('response_url').map((c) => JSON.stringify(c.args));
    expect(answers.filter((a) => a.includes('You lifted the mute'))).toHaveLength(1);
    expect(answers.filter((a) => a.includes('had already ended'))).toHaveLength(1);
    expect(auditRows('unmute').map((r) => r.outcome)).toEqual(['refused_not_responder', 'unmuted']);
    expect(await command('mutes')).toContain('No check is muted');

    await deliver('no-mfa', [TOM]);
    await until(() => cards('No MFA', TOM).length === 2, 'the card after the unmute');
  }, 30_000);

  test('a mute withdraws the cards of its check for its user still waiting to be posted, says how many, and lists them as withdrawn', async () => {
    const [card] = cards('Impossible Travel', TOM) as [Card];
    const posted = cards('Impossible Travel', TOM).length;
    // Slack holds the channel for five seconds: the next three findings about Tom queue behind it.
    const since = Date.now();
    stack.slack.script('chat.postMessage', { status: 429, retryAfterSeconds: 5, times: 1, channel: SOC });
    for (let i = 0; i < 3; i++) await deliver('impossible-travel', [TOM]);
    await until(
      () => stack.slack.callsTo('chat.postMessage').some((c) => c.status === 429 && c.at >= since),
      'Slack holding the channel',
    );

    const opens = stack.slack.callsTo('views.open').length;
    const ephemerals = stack.slack.callsTo('chat.postEphemeral').length;
    await pickMute(card, 'UANALYST', '24h');
    await stack.slack.waitForCalls('views.open', opens + 1);
    const view = (stack.slack.callsTo('views.open')[opens]!.response as { view: Record<string, unknown> }).view;
    await stack.driver.submitView({ userId: 'UANALYST', view, values: {} });
    await until(() => stack.slack.callsTo('chat.postEphemeral').length > ephemerals, 'the answer');
    const answer = JSON.stringify(stack.slack.callsTo('chat.postEphemeral')[ephemerals]!.args.blocks);
    const withdrawn = Number(/(\d) cards? of it waiting to be posted (?:was|were) withdrawn/.exec(answer)?.[1]);
    // Slack's hold leaves none of them being posted: all three are withdrawn, and none is posted once it ends.
    expect(withdrawn).toBe(3);
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    expect(cards('Impossible Travel', TOM)).toHaveLength(posted);
    const listed = await command(`alerts ${TOM}`);
    expect(listed.match(/not posted in <#C0SOC>: withdrawn by a mute/g)).toHaveLength(withdrawn);
    expect(auditRows('mute').at(-1)?.detail).toMatch(new RegExp(`; ${withdrawn} queued cards? withdrawn$`));
  }, 30_000);
});
