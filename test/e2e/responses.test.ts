import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { seedUser } from '../../sim/cii/seed.ts';
import type { RecordedCall } from '../../sim/slack/fake-slack.ts';
import { DEFAULT_USERGROUPS, DEFAULT_USERS } from '../../sim/slack/seed.ts';
import { startStack, type Stack } from '../support/stack.ts';
import { registerAppWebhook } from '../support/webhook.ts';

const fastDelivery = { perChannelIntervalMs: 20, pollIntervalMs: 50, backoff: { baseMs: 50, maxMs: 200 } };
const fastCii = { retryBaseMs: 10, retryMaxMs: 50, maxRetries: 1, timeoutMs: 8_000 };
const CHANNELS = ['C0SECALERT', 'C0SOC'];

async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met in time: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

interface Card {
  channel: string;
  ts: string;
  alertId: string;
  call: RecordedCall;
}

function helpers(stack: () => Stack) {
  /** Every posted card of the user's alert (one per channel, thread cards included). */
  function cardsOf(login: string): Card[] {
    return (
      stack()
        .slack.callsTo('chat.postMessage')
        .filter(
          (c) =>
            (c.response as { ok?: boolean }).ok &&
            (c.args.metadata as { event_type?: string } | undefined)?.event_type === 'cii_alert',
        )
        // The fallback text ends with the alert's user; the blocks also name others (a manager, say).
        .filter((c) => [`(${login})`, `— ${login}`].some((end) => String(c.args.text).endsWith(end)))
        .map((c) => {
          const response = c.response as { channel: string; ts: string };
          const payload = (c.args.metadata as { event_payload: { alert_id: string } }).event_payload;
          return { channel: response.channel, ts: response.ts, alertId: payload.alert_id, call: c };
        })
    );
  }

  async function deliver(logins: string[]): Promise<Record<string, Card[]>> {
    await stack().cii.deliverFailedCheck({ checkId: 'no-mfa', severity: 'high', logins });
    await until(() => logins.every((l) => cardsOf(l).length === CHANNELS.length), `cards for ${logins.join(', ')}`);
    return Object.fromEntries(logins.map((l) => [l, cardsOf(l)]));
  }

  /** The card as it is in Slack now: its blocks and text as one string. */
  function now(card: Card): string {
    const live = stack().slack.message(card.channel, card.ts);
    return JSON.stringify(live?.blocks ?? []) + (live?.text ?? '');
  }

  function actionIds(card: Card): string[] {
    const blocks = (stack().slack.message(card.channel, card.ts)?.blocks ?? []) as Array<{
      type: string;
      elements?: Array<{ action_id?: string }>;
    }>;
    return blocks.flatMap((b) => (b.type === 'actions' ? (b.elements ?? []).map((e) => e.action_id ?? '') : []));
  }

  function click(card: Card, actionId: string, userId: string) {
    return stack().driver.click({ message: card.call, actionId, userId, channelId: card.channel });
  }

  /** What the app answered the clicker alone (through the response_url of that click). */
  function answersTo(responseUrl: string): string[] {
    return stack()
      .slack.callsTo('response_url')
      .filter((c) => c.url === responseUrl)
      .map((c) => JSON.stringify(c.args));
  }

  function repliesUnder(card: Card): string[] {
    const threadTs = (card.call.args.thread_ts as string | undefined) ?? card.ts;
    return stack()
      .slack.callsTo('chat.postMessage')
      .filter((c) => c.args.channel === card.channel && c.args.thread_ts === threadTs && !c.args.metadata)
      .map((c) => JSON.stringify(c.args.blocks));
  }

  function auditRows(alertId: string): Array<Record<string, unknown>> {
    const db = new DatabaseSync(String(stack().env.DATABASE_URL).replace(/^sqlite:/, ''), { readOnly: true });
    try {
      return db.prepare('SELECT * FROM audit_log WHERE alert_id = ? ORDER BY id').all(alertId) as Array<
        Record<string, unknown>
      >;
    } finally {
      db.close();
    }
  }

  /** The replies under a card once there are `count` (posted after the cards are updated). */
  async function repliesOf(card: Card, count: number): Promise<string[]> {
    await until(() => repliesUnder(card).length >= count, `${count} replies`);
    return repliesUnder(card);
  }

  /** The audit rows of an alert once there are `count` (the service audits after updating the cards). */
  async function auditOf(alertId: string, count: number): Promise<Array<Record<string, unknown>>> {
    await until(() => auditRows(alertId).length >= count, `${count} audit rows`);
    return auditRows(alertId);
  }

  return { cardsOf, deliver, now, actionIds, click, answersTo, repliesOf, auditRows, auditOf };
}

const accountId = (login: string, provider: string) =>
  seedUser(login).accounts.find((a) => a.provider === provider)!.userId;

describe('analyst responses end to end', () => {
  let stack: Stack;
  const h = helpers(() => stack);
  const idpCalls = (provider: 'DUO' | 'OKTA' | 'AZURE_AD', pathPart: string, method: string) =>
    stack.idp!.requestsTo(provider).filter((r) => r.path.includes(pathPart) && r.method === method);

  beforeAll(async () => {
    stack = await startStack({
      idp: { autoCreateUsers: true },
      env: { CII_RESPONDERS: 'UADMIN S0RESPOND', CII_ADMINS: 'UADMIN' },
      slack: {
        users: [
          ...DEFAULT_USERS,
          { id: 'UOLIVIA', name: 'olivia', realName: 'Olivia Bennett', email: 'olivia.bennett@example.com' },
        ],
        usergroups: DEFAULT_USERGROUPS.map((g) =>
          g.id === 'S0RESPOND' ? { ...g, users: [...g.users, 'UOLIVIA'] } : g,
        ),
      },
      app: { delivery: fastDelivery, cii: fastCii },
    });
    await registerAppWebhook(stack, ['no-mfa']);
    for (const channelId of CHANNELS) await stack.driver.command('subscribe no-mfa', { userId: 'UADMIN', channelId });
  });
  afterAll(() => stack.stop());

  test('a click from someone who is not a responder is refused, names who may act, is audited and calls nothing', async () => {
    const login = 'tom.harris@example.com';
    const [card] = (await h.deliver([login]))[login]!;
    const getEndUserCalls = stack.cii.graphqlCalls('getEndUser').length;
    const click = await h.click(card!, 'alert_block', 'UVIEWER');
    expect(click.status).toBe(200);
    await until(() => h.answersTo(click.responseUrl).length === 1, 'refusal');
    const [refusal] = h.answersTo(click.responseUrl);
    expect(refusal).toContain('Only CII responders');
    expect(refusal).toContain('<@UADMIN>');
    expect(refusal).toContain('<!subteam^S0RESPOND>');
    expect(refusal).toContain('"replace_original":false');
    expect(stack.idp!.requests).toHaveLength(0);
    expect(stack.cii.graphqlCalls('getEndUser')).toHaveLength(getEndUserCalls);
    expect(h.actionIds(card!)).toContain('alert_block');
    expect(h.auditRows(card!.alertId)).toMatchObject([
      {
        user_id: 'UVIEWER',
        user_name: 'carol',
        team_id: stack.slack.teamId,
        channel_id: card!.channel,
        login,
        action: 'block',
        outcome: 'refused_not_responder',
      },
    ]);
  });

  test('nobody approves or blocks an alert about their own account', async () => {
    const login = 'olivia.bennett@example.com';
    const [card] = (await h.deliver([login]))[login]!;
    for (const actionId of ['alert_approve', 'alert_block']) {
      const click = await h.click(card!, actionId, 'UOLIVIA');
      await until(() => h.answersTo(click.responseUrl).length === 1, 'refusal');
      expect(h.answersTo(click.responseUrl)[0]).toContain('your own account');
    }
    expect(h.actionIds(card!)).toEqual(['open_in_cii', 'alert_approve', 'alert_block', 'lookup_ip']);
    expect(stack.idp!.requestsTo('DUO').filter((r) => r.path.includes(accountId(login, 'DUO')))).toHaveLength(0);
    expect(h.auditRows(card!.alertId).map((r) => r.outcome)).toEqual(['refused_self', 'refused_self']);
  });

  test('Approve records who and when on every copy, keeps the CII link, and a second click hears "already approved"', async () => {
    const login = 'grace.kim@example.com';
    const cards = (await h.deliver([login]))[login]!;
    // Both analysts click before either sees the other's decision.
    const clicks = await Promise.all([
      h.click(cards[0]!, 'alert_approve', 'UANALYST'),
      h.click(cards[1]!, 'alert_approve', 'UADMIN'),
    ]);
    expect(clicks.map((c) => c.body)).toEqual(['', '']);
    await until(() => cards.every((c) => h.now(c).includes('Approved')), 'approved cards');
    await until(() => clicks.some((c) => h.answersTo(c.responseUrl).length > 0), 'already answer');
    const [winner] = (await h.auditOf(cards[0]!.alertId, 2))
      .filter((r) => r.outcome === 'approved')
      .map((r) => String(r.user_id));
    const loser = winner === 'UANALYST' ? 'UADMIN' : 'UANALYST';
    for (const card of cards) {
      expect(h.now(card)).toContain(`*Approved* by <@${winner}> at `);
      expect(h.now(card)).toMatch(/mark it normal/);
      expect(h.actionIds(card)).toEqual(['open_in_cii', 'lookup_ip']);
    }
    const late = clicks[winner === 'UANALYST' ? 1 : 0]!;
    expect(h.answersTo(late.responseUrl)).toHaveLength(1);
    expect(h.answersTo(late.responseUrl)[0]).toMatch(
      new RegExp(`Already approved by <@${winner}> at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC`),
    );
    expect(
      h
        .auditRows(cards[0]!.alertId)
        .map((r) => [r.user_id, r.outcome])
        .sort(),
    ).toEqual(
      [
        [loser, 'already_approved'],
        [winner, 'approved'],
      ].sort(),
    );
  });

  test('ten concurrent Block clicks make one call per provider, nine hear "already", every copy shows the outcome; Unblock reverses it', async () => {
    const login = 'james.whitaker@example.com';
    const cards = (await h.deliver([login]))[login]!;
    const [duoId, oktaId, entraId] = [accountId(login, 'DUO'), accountId(login, 'OKTA'), accountId(login, 'AZURE_AD')];
    const clicks = await Promise.all(
      Array.from({ length: 10 }, (_, i) => h.click(cards[i % 2]!, 'alert_block', i % 3 === 0 ? 'UADMIN' : 'UANALYST')),
    );
    expect(clicks.every((c) => c.status === 200)).toBe(true);
    await until(() => cards.every((c) => h.now(c).includes('*Blocked* by')), 'blocked cards');
    await until(() => clicks.filter((c) => h.answersTo(c.responseUrl).length > 0).length === 9, 'nine answers');
    expect(
      clicks.flatMap((c) => h.answersTo(c.responseUrl)).every((a) => /Already (being )?blocked by <@U\w+>/.test(a)),
    ).toBe(true);

    expect(idpCalls('DUO', duoId, 'POST')).toHaveLength(1);
    expect(idpCalls('OKTA', `${oktaId}/lifecycle/suspend`, 'POST')).toHaveLength(1);
    expect(idpCalls('AZURE_AD', entraId, 'PATCH')).toHaveLength(1);
    expect(stack.idp!.duo.users.get(duoId)?.status).toBe('disabled');
    expect(stack.idp!.okta.users.get(oktaId)?.status).toBe('SUSPENDED');
    expect(stack.idp!.entra.users.get(entraId)).toMatchObject({ accountEnabled: false, sessionRevocations: 1 });

    for (const card of cards) {
      expect(h.now(card)).toContain('Blocked in Duo, Okta and Entra ID');
      expect(h.actionIds(card)).toEqual(['open_in_cii', 'alert_unblock', 'lookup_ip']);
      const [reply] = await h.repliesOf(card, 1);
      expect(reply).toContain(`Duo (\`${duoId}\`): ✅ Duo user disabled`);
      expect(reply).toContain('Okta sessions and OAuth tokens revoked');
      expect(reply).toContain('Entra ID sign-in sessions revoked');
    }
    const audit = await h.auditOf(cards[0]!.alertId, 10);
    expect(audit.filter((r) => r.outcome === 'blocked')).toHaveLength(1);
    expect(audit.filter((r) => String(r.outcome).startsWith('already_'))).toHaveLength(9);
    expect(String(audit.find((r) => r.outcome === 'blocked')!.detail)).toContain(`Okta ${oktaId}: ok`);

    const unblock = await h.click(cards[1]!, 'alert_unblock', 'UANALYST');
    expect(unblock.body).toBe('');
    await until(() => cards.every((c) => h.now(c).includes('*Unblocked* by <@UANALYST>')), 'unblocked cards');
    expect(stack.idp!.duo.users.get(duoId)?.status).toBe('active');
    expect(stack.idp!.okta.users.get(oktaId)?.status).toBe('ACTIVE');
    expect(stack.idp!.entra.users.get(entraId)?.accountEnabled).toBe(true);
    for (const card of cards) {
      expect(h.now(card)).toContain('Unblocked in Duo, Okta and Entra ID');
      expect(h.actionIds(card)).toEqual(['open_in_cii', 'lookup_ip']);
      expect(await h.repliesOf(card, 2)).toHaveLength(2);
    }
    expect((await h.auditOf(cards[0]!.alertId, 11)).at(-1)).toMatchObject({
      user_id: 'UANALYST',
      action: 'unblock',
      outcome: 'unblocked',
    });
  });

  test('a partial failure is said plainly with a Retry that redoes only what failed', async () => {
    const login = 'marcus.chen@example.com';
    const cards = (await h.deliver([login]))[login]!;
    const [duoId, oktaId, entraId] = [accountId(login, 'DUO'), accountId(login, 'OKTA'), accountId(login, 'AZURE_AD')];
    stack.idp!.fail('OKTA', { status: 403, path: `${oktaId}/lifecycle/suspend` });
    await h.click(cards[0]!, 'alert_block', 'UANALYST');
    await until(() => cards.every((c) => h.now(c).includes('Block failed')), 'failed cards');
    for (const card of cards) {
      expect(h.now(card)).toContain('Blocked in Duo and Entra ID; Okta failed: Okta refused the request');
      expect(h.actionIds(card)).toEqual(['open_in_cii', 'alert_retry', 'lookup_ip']);
      expect((await h.repliesOf(card, 1))[0]).toContain('❌ Okta refused the request');
    }
    expect(await h.auditOf(cards[0]!.alertId, 1)).toMatchObject([{ outcome: 'block_failed' }]);

    await h.click(cards[1]!, 'alert_retry', 'UADMIN');
    await until(() => cards.every((c) => h.now(c).includes('*Blocked* by <@UADMIN>')), 'blocked after retry');
    expect(idpCalls('DUO', duoId, 'POST')).toHaveLength(1);
    expect(idpCalls('AZURE_AD', entraId, 'PATCH')).toHaveLength(1);
    expect(idpCalls('OKTA', `${oktaId}/lifecycle/suspend`, 'POST')).toHaveLength(2);
    expect(stack.idp!.okta.users.get(oktaId)?.status).toBe('SUSPENDED');
    for (const card of cards) {
      expect(h.now(card)).toContain('Blocked in Duo, Okta and Entra ID');
      const retryReply = (await h.repliesOf(card, 2))[1]!;
      expect(retryReply).toContain('Okta user suspended');
      expect(retryReply).not.toContain('Duo');
    }
    expect((await h.auditOf(cards[0]!.alertId, 2)).map((r) => [r.action, r.outcome])).toEqual([
      ['block', 'block_failed'],
      ['retry', 'blocked'],
    ]);
  });

  test('a Block while CII is down is refused with the reason, calls no provider, and can be clicked again', async () => {
    const login = 'ethan.brooks@example.com';
    const cards = (await h.deliver([login]))[login]!;
    const requestsBefore = stack.idp!.requests.length;
    stack.cii.inject({ status: 503, times: Infinity });
    let click;
    try {
      click = await h.click(cards[0]!, 'alert_block', 'UANALYST');
      await until(() => h.answersTo(click!.responseUrl).length === 1, 'refusal');
    } finally {
      stack.cii.clearFaults();
    }
    expect(h.answersTo(click.responseUrl)[0]).toContain('CII is unreachable or too slow right now');
    expect(h.actionIds(cards[0]!)).toContain('alert_block');
    expect(stack.idp!.requests).toHaveLength(requestsBefore);

    await h.click(cards[0]!, 'alert_block', 'UANALYST');
    await until(() => cards.every((c) => h.now(c).includes('*Blocked* by')), 'blocked on the second click');
    expect(stack.idp!.duo.users.get(accountId(login, 'DUO'))?.status).toBe('disabled');
    expect((await h.auditOf(cards[0]!.alertId, 2)).map((r) => [r.action, r.outcome])).toEqual([
      ['block', 'refused_identity_unchecked'],
      ['block', 'blocked'],
    ]);
  });

  test('thread cards under a summary are updated in place and the details go in the summary thread', async () => {
    const logins = ['daniel.okafor', 'emily.zhang', 'priya.raman', 'liam.obrien', 'noah.fischer', 'chloe.dubois'].map(
      (l) => `${l}@example.com`,
    );
    const cards = (await h.deliver(logins))[logins[0]!]!;
    expect(cards.every((c) => typeof c.call.args.thread_ts === 'string')).toBe(true);
    await h.click(cards[0]!, 'alert_block', 'UANALYST');
    await until(() => cards.every((c) => h.now(c).includes('*Blocked* by')), 'blocked thread cards');
    const updates = stack.slack
      .callsTo('chat.update')
      .filter((c) => cards.some((card) => card.ts === c.args.ts && card.channel === c.args.channel));
    expect(new Set(updates.map((u) => `${String(u.args.channel)}/${String(u.args.ts)}`)).size).toBe(2);
    for (const card of cards)
      expect((await h.repliesOf(card, 1)).some((r) => r.includes('Okta user suspended'))).toBe(true);
    expect(h.cardsOf(logins[1]!).every((c) => h.actionIds(c).includes('alert_block'))).toBe(true);
  });

  test('/cii audit lists recent decisions about a user or overall, for responders only', async () => {
    const about = JSON.stringify(
      JSON.parse(
        (await stack.driver.command('audit marcus.chen@example.com', { userId: 'UANALYST', channelId: 'C0SOC' })).body,
      ),
    );
    expect(about).toContain('Recent decisions about');
    expect(about).toContain('block failed');
    expect(about).toContain('<@UADMIN> (alice) *retry* → blocked');
    expect(about).not.toContain('james.whitaker');
    const overall = JSON.stringify(
      JSON.parse((await stack.driver.command('audit', { userId: 'UADMIN', channelId: 'C0SOC' })).body),
    );
    expect(overall).toContain('james.whitaker@example.com');
    expect(overall).toContain('<@UOLIVIA> (olivia) *approve* → refused self');
    const refusedClick = JSON.stringify(
      JSON.parse(
        (await stack.driver.command('audit tom.harris@example.com', { userId: 'UADMIN', channelId: 'C0SOC' })).body,
      ),
    );
    expect(refusedClick).toContain('<@UVIEWER> (carol) *block* → refused not responder');
    const refused = JSON.stringify(
      JSON.parse((await stack.driver.command('audit', { userId: 'UVIEWER', channelId: 'C0SOC' })).body),
    );
    expect(refused).toContain('Only CII responders can read the audit');
    expect(refused).not.toContain('james.whitaker');
  });
});

describe('analyst responses with nobody configured', () => {
  let stack: Stack;
  const h = helpers(() => stack);

  beforeAll(async () => {
    stack = await startStack({ env: { CII_ADMINS: 'UADMIN' }, app: { delivery: fastDelivery, cii: fastCii } });
    await registerAppWebhook(stack, ['no-mfa']);
    for (const channelId of CHANNELS) await stack.driver.command('subscribe no-mfa', { userId: 'UADMIN', channelId });
  });
  afterAll(() => stack.stop());

  test('the card says whom to ask and that Block needs a provider; a click is refused and audited', async () => {
    const login = 'kavya.iyer@example.com';
    const [card] = (await h.deliver([login]))[login]!;
    expect(h.now(card!)).toContain('No responders configured — ask <@UADMIN> to set CII_RESPONDERS');
    expect(h.now(card!)).toContain('Block unavailable: Block needs an identity provider');
    expect(h.actionIds(card!)).toEqual(['open_in_cii', 'alert_approve', 'lookup_ip']);
    const click = await h.click(card!, 'alert_approve', 'UADMIN');
    await until(() => h.answersTo(click.responseUrl).length === 1, 'refusal');
    expect(h.answersTo(click.responseUrl)[0]).toContain('Nobody may act on CII alerts yet: CII_RESPONDERS is empty');
    expect(h.actionIds(card!)).toEqual(['open_in_cii', 'alert_approve', 'lookup_ip']);
    expect(h.auditRows(card!.alertId)).toMatchObject([
      { user_id: 'UADMIN', action: 'approve', outcome: 'refused_not_responder' },
    ]);
  });
});
