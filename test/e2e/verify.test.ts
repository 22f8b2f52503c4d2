import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SEED_SERVICE_ACCOUNT, seedUser } from '../../sim/cii/seed.ts';
import type { RecordedCall } from '../../sim/slack/fake-slack.ts';
import { DEFAULT_USERGROUPS, DEFAULT_USERS } from '../../sim/slack/seed.ts';
import { startStack, type Stack } from '../support/stack.ts';
import { registerAppWebhook } from '../support/webhook.ts';

const fastDelivery = { perChannelIntervalMs: 20, pollIntervalMs: 50, backoff: { baseMs: 50, maxMs: 200 } };
const fastCii = { retryBaseMs: 10, retryMaxMs: 50, maxRetries: 1, timeoutMs: 8_000 };
const CHANNEL = 'C0SECALERT';
const TRAVEL = 'impossible-travel';
const LOCATION = 'registered-location-mismatch';

async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met in time: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const SLACK_USERS = [
  ...DEFAULT_USERS,
  { id: 'UMIA', name: 'mia', realName: 'Mia Johansson', email: 'mia.johansson@example.com' },
  { id: 'UNOAH', name: 'noah', realName: 'Noah Fischer', email: 'noah.fischer@example.com' },
  { id: 'UZOE', name: 'zoe', realName: 'Zoe Williams', email: 'zoe.williams@example.com' },
  { id: 'UGONE', name: 'ryan', realName: 'Ryan Patel', email: 'ryan.patel@example.com', deleted: true },
  { id: 'ULUCAS', name: 'lucas', realName: 'Lucas Silva', email: 'lucas.silva@example.com' },
];

describe('"was this you?" end to end', () => {
  let stack: Stack;
  let offsetMs = 0;

  beforeAll(async () => {
    stack = await startStack({
      env: {
        CII_RESPONDERS: 'S0RESPOND',
        CII_VERIFY_CHECKS: `${TRAVEL} ${LOCATION}`,
        CII_VERIFY_GROUP_SECONDS: '1',
        CII_VERIFY_MAX_PER_HOUR: '1',
        CII_VERIFY_TIMEOUT_MINUTES: '30',
        CII_ESCALATION_MENTION: 'S0RESPOND',
      },
      slack: { users: SLACK_USERS, usergroups: [...DEFAULT_USERGROUPS] },
      app: { delivery: fastDelivery, cii: fastCii, now: () => new Date(Date.now() + offsetMs) },
    });
    await registerAppWebhook(stack, [TRAVEL, LOCATION, 'no-mfa']);
    await stack.driver.command('subscribe', { userId: 'UADMIN', channelId: CHANNEL });
  });
  afterAll(() => stack.stop());

  /** The posted alert cards of a user, with their alert ids. */
  function cardsOf(login: string) {
    return stack.slack
      .callsTo('chat.postMessage')
      .filter((c) => (c.args.metadata as { event_type?: string } | undefined)?.event_type === 'cii_alert')
      .filter((c) => JSON.stringify(c.args.blocks).includes(login))
      .map((c) => {
        const response = c.response as { channel: string; ts: string };
        const payload = (c.args.metadata as { event_payload: { alert_id: string } }).event_payload;
        return { channel: response.channel, ts: response.ts, alertId: payload.alert_id, call: c };
      });
  }
  const cardNow = (card: { channel: string; ts: string }) =>
    JSON.stringify(stack.slack.message(card.channel, card.ts)?.blocks ?? []);
  /** Every "was this you?" DM posted to a Slack user. */
  const questionsTo = (userId: string): RecordedCall[] =>
    stack.slack
      .callsTo('chat.postMessage')
      .filter(
        (c) =>
          (c.args.metadata as { event_type?: string } | undefined)?.event_type === 'cii_verify_question' &&
          (c.response as { channel?: string }).channel === `D${userId.slice(1)}`,
      );
  const dmNow = (call: RecordedCall) => {
    const { channel, ts } = call.response as { channel: string; ts: string };
    const m = stack.slack.message(channel, ts);
    return JSON.stringify(m?.blocks ?? []) + (m?.text ?? '');
  };
  const answer = (call: RecordedCall, userId: string, actionId: 'verify_yes' | 'verify_no') =>
    stack.driver.click({ message: call, actionId, userId, channelId: (call.response as { channel: string }).channel });
  const auditRows = (alertId: string) => {
    const db = new DatabaseSync(String(stack.env.DATABASE_URL).replace(/^sqlite:/, ''), { readOnly: true });
    try {
      return db.prepare('SELECT * FROM audit_log WHERE alert_id = ? ORDER BY id').all(alertId) as Array<
        Record<string, unknown>
      >;
    } finally {
      db.close();
    }
  };

  async function deliver(checkId: string, logins: string[]) {
    await stack.cii.deliverFailedCheck({ checkId, severity: 'high', logins });
    await until(() => logins.every((l) => cardsOf(l).some((c) => c.call.args.blocks !== undefined)), 'cards');
  }

  test('two alerts for Mia in a short window: one DM in plain words listing both; Yes confirms on the cards', async () => {
    const login = 'mia.johansson@example.com';
    await Promise.all([deliver(TRAVEL, [login]), deliver(LOCATION, [login])]);
    await until(() => questionsTo('UMIA').length === 1, 'the DM to Mia');
    const [dm] = questionsTo('UMIA');
    const text = dmNow(dm!);
    expect(text).toContain('Hi Mia');
    expect(text).toContain('Impossible Travel');
    expect(text).toContain('Registered Location Mismatch');
    expect(text).toContain('Your last sign-in');
    expect(text).toContain('Yes, it was me');
    expect(text).toContain("No, it wasn't me");
    const cards = cardsOf(login);
    expect(cards).toHaveLength(2);
    // No internal ids in what Mia reads: neither alert ids nor the login of anybody else.
    for (const card of cards) expect(text).not.toContain(card.alertId);
    await until(() => cards.every((c) => cardNow(c).includes('Asked Mia')), 'cards say Mia was asked');

    const click = await answer(dm!, 'UMIA', 'verify_yes');
    expect(click.status).toBe(200);
    await until(() => cards.every((c) => cardNow(c).includes('Mia confirmed it was them')), 'confirmed cards');
    await until(() => dmNow(dm!).includes('You answered'), 'the DM closed');
    expect(dmNow(dm!)).not.toContain('verify_yes');
    for (const card of cards) {
      expect(auditRows(card.alertId).map((r) => [r.action, r.outcome])).toEqual([
        ['verify_ask', 'asked'],
        ['verify_answer', 'yes_it_was_me'],
      ]);
    }
    // Asked once, whatever happens next.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(questionsTo('UMIA')).toHaveLength(1);
    expect(stack.slack.callsTo('conversations.open').filter((c) => c.args.users === 'UMIA')).toHaveLength(1);
  });

  test('No escalates under the card with the user group, and a second click hears it is already answered', async () => {
    const login = 'noah.fischer@example.com';
    await deliver(TRAVEL, [login]);
    await until(() => questionsTo('UNOAH').length === 1, 'the DM to Noah');
    const [dm] = questionsTo('UNOAH');
    const [card] = cardsOf(login);
    await until(() => cardNow(card!).includes('Asked Noah'), 'asked');
    await answer(dm!, 'UNOAH', 'verify_no');
    await until(() => cardNow(card!).includes("Noah says it wasn't them"), 'denied card');
    await until(
      () =>
        stack.slack
          .callsTo('chat.postMessage')
          .some((c) => c.args.thread_ts === card!.ts && JSON.stringify(c.args).includes('<!subteam^S0RESPOND>')),
      'escalation reply',
    );
    const again = await answer(dm!, 'UNOAH', 'verify_yes').catch((err: unknown) => err);
    // The buttons are gone from the DM: a second answer cannot even be clicked.
    expect(String(again)).toContain('no element');
    expect(auditRows(card!.alertId).map((r) => r.outcome)).toEqual(['asked', 'no_it_was_not_me']);
  });

  test('someone else clicking a forwarded question is told it is not theirs, and nothing is recorded', async () => {
    const login = 'zoe.williams@example.com';
    await deliver(LOCATION, [login]);
    await until(() => questionsTo('UZOE').length === 1, 'the DM to Zoe');
    const [dm] = questionsTo('UZOE');
    const click = await answer(dm!, 'UANALYST', 'verify_no');
    await until(() => stack.slack.callsTo('response_url').some((c) => c.url === click.responseUrl), 'refusal');
    expect(
      JSON.stringify(stack.slack.callsTo('response_url').find((c) => c.url === click.responseUrl)?.args),
    ).toContain('meant for someone else');
    const [card] = cardsOf(login);
    expect(cardNow(card!)).toContain('Asked Zoe');
    expect(auditRows(card!.alertId).map((r) => r.outcome)).toEqual(['asked']);
  });

  test('not asked, with the reason on the card: not in Slack, deactivated, a service account', async () => {
    const cases: Array<[string, string]> = [
      ['grace.kim@example.com', 'is not in Slack'],
      ['ryan.patel@example.com', 'is deactivated in Slack'],
      [SEED_SERVICE_ACCOUNT, 'is a service account in CII'],
    ];
    await deliver(
      TRAVEL,
      cases.map(([login]) => login),
    );
    for (const [login, reason] of cases) {
      const [card] = cardsOf(login);
      await until(() => cardNow(card!).includes(reason), `${login}: ${reason}`).catch((err: unknown) => {
        throw new Error(`${String(err)}; the card says ${cardNow(card!)}`);
      });
      expect(cardNow(card!)).toContain('Not asked');
      expect(auditRows(card!.alertId).map((r) => [r.action, r.outcome])).toEqual([['verify_ask', 'not_asked']]);
    }
    expect(questionsTo('UGONE')).toHaveLength(0);
    // Alerts of checks that do not ask show no verification line.
    await deliver('no-mfa', ['olivia.bennett@example.com']);
    const [plain] = cardsOf('olivia.bennett@example.com');
    expect(cardNow(plain!)).not.toContain('Was this you');
  });

  test('at most the configured DMs per user per hour; an unanswered question times out on the card and in the DM', async () => {
    const login = 'lucas.silva@example.com';
    await deliver(TRAVEL, [login]);
    await until(() => questionsTo('ULUCAS').length === 1, 'the first DM to Lucas');
    const [first] = cardsOf(login);
    await until(() => cardNow(first!).includes('Asked Lucas'), 'asked');
    // A second alert after the first DM went out: the hourly limit (1) says no.
    await deliver(LOCATION, [login]);
    await until(() => cardsOf(login).length === 2, 'the second card');
    const second = cardsOf(login).find((c) => c.alertId !== first!.alertId);
    await until(() => cardNow(second!).includes('already asked 1 times in the last hour'), 'limited').catch(
      (err: unknown) => {
        throw new Error(`${String(err)}; the card says ${cardNow(second!)}`);
      },
    );
    expect(questionsTo('ULUCAS')).toHaveLength(1);

    offsetMs = 31 * 60_000;
    await until(() => cardNow(first!).includes('no answer after 30 min'), 'timed out', 15_000);
    const [dm] = questionsTo('ULUCAS');
    await until(() => dmNow(dm!).includes('expired'), 'the DM says it expired');
    expect(auditRows(first!.alertId).map((r) => r.outcome)).toEqual(['asked', 'timed_out']);
  });
});

/** The app asking about travel alerts at once, with the identity-provider simulators (Duo Admin and Auth APIs). */
async function travelStackWithProviders(policy: Record<string, string>): Promise<Stack> {
  const stack = await startStack({
    idp: { autoCreateUsers: true },
    env: { CII_RESPONDERS: 'S0RESPOND', CII_VERIFY_CHECKS: TRAVEL, CII_VERIFY_GROUP_SECONDS: '0', ...policy },
    slack: { users: SLACK_USERS, usergroups: [...DEFAULT_USERGROUPS] },
    app: { delivery: fastDelivery, cii: fastCii },
  });
  await registerAppWebhook(stack, [TRAVEL]);
  await stack.driver.command('subscribe', { userId: 'UADMIN', channelId: CHANNEL });
  return stack;
}

describe('"was this you?" with CII_VERIFY_ON_DENY=block', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await travelStackWithProviders({ CII_VERIFY_ON_DENY: 'block' });
  });
  afterAll(() => stack.stop());

  test('No blocks at once, exactly once, as the user’s own decision, on every copy and in the audit', async () => {
    const login = 'mia.johansson@example.com';
    await stack.cii.deliverFailedCheck({ checkId: TRAVEL, severity: 'high', logins: [login] });
    const dms = () =>
      stack.slack
        .callsTo('chat.postMessage')
        .filter((c) => (c.args.metadata as { event_type?: string } | undefined)?.event_type === 'cii_verify_question');
    await until(() => dms().length === 1, 'the DM to Mia');
    const [dm] = dms();
    const channel = (dm!.response as { channel: string }).channel;
    // Two clicks racing (a double tap): one answer, one Block.
    await Promise.all([
      stack.driver.click({ message: dm!, actionId: 'verify_no', userId: 'UMIA', channelId: channel }),
      stack.driver.click({ message: dm!, actionId: 'verify_no', userId: 'UMIA', channelId: channel }),
    ]);
    const card = stack.slack
      .callsTo('chat.postMessage')
      .find((c) => (c.args.metadata as { event_type?: string } | undefined)?.event_type === 'cii_alert')!;
    const { ts } = card.response as { ts: string };
    const alertId = (card.args.metadata as { event_payload: { alert_id: string } }).event_payload.alert_id;
    const live = () => JSON.stringify(stack.slack.message(CHANNEL, ts)?.blocks ?? []);
    await until(() => live().includes('Blocked') && live().includes("says it wasn't them"), 'blocked card', 15_000);
    expect(live()).toContain('<@UMIA>');
    const duoDisables = stack.idp!.requestsTo('DUO').filter((r) => r.method === 'POST' && r.path.includes('/users/'));
    expect(duoDisables).toHaveLength(1);
    const rows = () => {
      const db = new DatabaseSync(String(stack.env.DATABASE_URL).replace(/^sqlite:/, ''), { readOnly: true });
      try {
        return db.prepare('SELECT action, outcome, user_id FROM audit_log WHERE alert_id = ? ORDER BY id').all(alertId);
      } finally {
        db.close();
      }
    };
    // The service audits a decision once the cards are updated.
    await until(() => rows().length === 3, 'the block audited');
    expect(rows()).toEqual([
      { action: 'verify_ask', outcome: 'asked', user_id: 'UMIA' },
      { action: 'verify_answer', outcome: 'no_it_was_not_me', user_id: 'UMIA' },
      { action: 'block', outcome: 'blocked', user_id: 'UMIA' },
    ]);
  });
});

describe('"was this you?" proven with a Duo Push (Duo Auth API simulator)', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await travelStackWithProviders({ CII_VERIFY_ON_CONFIRM: 'approve' });
  });
  afterAll(() => stack.stop());

  async function askAndAnswerYes(login: string, slackUserId: string) {
    await stack.cii.deliverFailedCheck({ checkId: TRAVEL, severity: 'high', logins: [login] });
    const dm = () =>
      stack.slack
        .callsTo('chat.postMessage')
        .find(
          (c) =>
            (c.args.metadata as { event_type?: string } | undefined)?.event_type === 'cii_verify_question' &&
            (c.response as { channel?: string }).channel === `D${slackUserId.slice(1)}`,
        );
    await until(() => dm() !== undefined, `the DM to ${login}`);
    const card = stack.slack
      .callsTo('chat.postMessage')
      .find(
        (c) =>
          (c.args.metadata as { event_type?: string } | undefined)?.event_type === 'cii_alert' &&
          JSON.stringify(c.args.blocks).includes(login),
      )!;
    const { ts } = card.response as { ts: string };
    const live = () => JSON.stringify(stack.slack.message(CHANNEL, ts)?.blocks ?? []);
    const pushesBefore = stack.idp!.duoAuth.pushes().length;
    await stack.driver.click({
      message: dm()!,
      actionId: 'verify_yes',
      userId: slackUserId,
      channelId: (dm()!.response as { channel: string }).channel,
    });
    await until(() => stack.idp!.duoAuth.pushes().length > pushesBefore, 'a Duo Push');
    const push = stack.idp!.duoAuth.pushes().at(-1)!;
    await until(() => live().includes('waiting for the Duo Push'), 'the card waits for the push');
    return {
      push,
      live,
      dmText: () =>
        JSON.stringify(
          stack.slack.message(`D${slackUserId.slice(1)}`, (dm()!.response as { ts: string }).ts)?.blocks ?? [],
        ),
    };
  }

  test('Yes with an approved push confirms on the card, says so in the DM, and approves with the policy', async () => {
    const { push, live, dmText } = await askAndAnswerYes('mia.johansson@example.com', 'UMIA');
    // The Duo username CII lists for her Duo account.
    expect(push.username).toBe(seedUser('mia.johansson@example.com').accounts.find((a) => a.provider === 'DUO')!.login);
    // Her phone says what she confirms, as her DM does, without internal ids (the simulator keeps the pushinfo).
    expect(Object.keys(push.info)).toEqual(['action', 'seen', 'reported', 'last sign-in', 'from', 'IP']);
    expect(push.info).toMatchObject({
      action: 'Confirm it was you',
      seen: 'Impossible Travel',
      from: 'Moscow, Moscow, RU',
      IP: '192.0.2.200',
    });
    for (const when of [push.info.reported, push.info['last sign-in']])
      expect(when).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
    expect(stack.idp!.duoAuth.answer(push.txid, 'allow')).toBe(true);
    await until(() => live().includes('Mia confirmed it was them (Duo Push approved)'), 'confirmed', 15_000);
    await until(() => live().includes('Approved'), 'approved by the policy');
    await until(() => dmText().includes('Duo Push approved'), 'the DM says the push was approved');
  });

  test('Yes with a denied push is not a confirmation: the card and the DM say so and nothing is approved', async () => {
    const { push, live, dmText } = await askAndAnswerYes('noah.fischer@example.com', 'UNOAH');
    expect(stack.idp!.duoAuth.answer(push.txid, 'deny')).toBe(true);
    await until(() => live().includes('not proven: the Duo Push was denied'), 'unproven', 15_000);
    await until(() => dmText().includes('Not confirmed: the Duo Push was denied'), 'the DM says so');
    expect(live()).not.toContain('Approved');
  });
});
