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

  /** Delivers a finding for these users; the cards it posted (a user's earlier cards left out). */
  async function deliver(logins: string[]): Promise<Record<string, Card[]>> {
    const before = Object.fromEntries(logins.map((l) => [l, cardsOf(l).length]));
    await stack().cii.deliverFailedCheck({ checkId: 'no-mfa', severity: 'high', logins });
    await until(
      () => logins.every((l) => cardsOf(l).length === before[l]! + CHANNELS.length),
      `cards for ${logins.join(', ')}`,
    );
    return Object.fromEntries(logins.map((l) => [l, cardsOf(l).slice(before[l])]));
  }

  /** The card as it is in Slack now: its blocks and text as one string. */
  function now(card: Card): string {
    const live = stack().slack.message(card.channel, card.ts);
    return JSON.stringify(live?.blocks ?? []) + (live?.text ?? '');
  }

  /** The card's buttons (its Mute menu, on every card, left out). */
  function actionIds(card: Card): string[] {
    const blocks = (stack().slack.message(card.channel, card.ts)?.blocks ?? []) as Array<{
      type: string;
      elements?: Array<{ action_id?: string; type?: string }>;
    }>;
    return blocks.flatMap((b) =>
      b.type === 'actions' ? (b.elements ?? []).filter((e) => e.type === 'button').map((e) => e.action_id ?? '') : [],
    );
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
      return db.prepare('SELECT * FROM audit_log WHERE alert_id = ? ORDER BY id').all(alertId);
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

  type View = Record<string, unknown> & { id: string; blocks: unknown[] };

  /** The modal as Slack shows it now: the last views.open or views.update answer for it. */
  function currentView(viewId: string): View | undefined {
    const views = stack()
      .slack.callsTo('views.open')
      .concat(stack().slack.callsTo('views.update'))
      .sort((a, b) => a.at - b.at)
      .map((c) => (c.response as { view?: View }).view)
      .filter((v): v is View => v?.id === viewId);
    return views.at(-1);
  }

  /**
   * Clicks a button that opens a modal and waits for it (and, for Block, for the preview that replaces the
   * loading view): the modal the user would see.
   */
  async function openModal(card: Card, actionId: string, userId: string): Promise<View> {
    const before = stack().slack.callsTo('views.open').length;
    await click(card, actionId, userId);
    await until(() => stack().slack.callsTo('views.open').length > before, `${actionId} modal`);
    const opened = (stack().slack.callsTo('views.open')[before]!.response as { view: View }).view;
    if (actionId === 'alert_block')
      await until(() => !JSON.stringify(currentView(opened.id)?.blocks).includes('Reading what Block'), 'preview');
    return currentView(opened.id)!;
  }

  const modalText = (view: View) => JSON.stringify(view.blocks);

  function submit(view: View, userId: string, reason?: string) {
    const values: Record<string, Record<string, unknown>> = reason === undefined
      ? {}
      : { reason: { reason_text: { type: 'plain_text_input', value: reason } } };
    return stack().driver.submitView({ userId, view, values });
  }

  /** What the app told one user alone in a channel after a modal (chat.postEphemeral). */
  function ephemeralsTo(userId: string, channel: string): string[] {
    return stack()
      .slack.callsTo('chat.postEphemeral')
      .filter((c) => c.args.user === userId && c.args.channel === channel)
      .map((c) => JSON.stringify(c.args));
  }

  /** Block through its modal: the click, the preview, the submission (with a reason when given). */
  async function block(card: Card, userId: string, reason?: string) {
    const view = await openModal(card, 'alert_block', userId);
    return { view, answer: await submit(view, userId, reason) };
  }

  return {
    cardsOf,
    deliver,
    now,
    actionIds,
    click,
    answersTo,
    repliesOf,
    auditRows,
    auditOf,
    openModal,
    modalText,
    submit,
    ephemeralsTo,
    block,
  };
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
    expect(stack.slack.callsTo('views.open')).toHaveLength(0);
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

  test('Approve asks for a reason in a modal, records who, when and why on every copy, and a second approval hears "already"', async () => {
    const login = 'grace.kim@example.com';
    const cards = (await h.deliver([login]))[login]!;
    // Both analysts open the modal before either sees the other's decision, then submit together.
    const views = [
      await h.openModal(cards[0]!, 'alert_approve', 'UANALYST'),
      await h.openModal(cards[1]!, 'alert_approve', 'UADMIN'),
    ];
    expect(h.modalText(views[0]!)).toContain('Approve the alert about *Grace Kim* (`grace.kim@example.com`)?');
    expect(h.now(cards[0]!)).not.toContain('Approved');
    const answers = await Promise.all([
      h.submit(views[0]!, 'UANALYST', 'Travel to the London office, confirmed by her manager'),
      h.submit(views[1]!, 'UADMIN', 'expected'),
    ]);
    expect(answers.map((a) => [a.status, a.body])).toEqual([
      [200, ''],
      [200, ''],
    ]);
    await until(() => cards.every((c) => h.now(c).includes('Approved')), 'approved cards');
    const [winner] = (await h.auditOf(cards[0]!.alertId, 2))
      .filter((r) => r.outcome === 'approved')
      .map((r) => String(r.user_id));
    const loser = winner === 'UANALYST' ? 'UADMIN' : 'UANALYST';
    const reason = winner === 'UANALYST' ? 'Travel to the London office, confirmed by her manager' : 'expected';
    for (const card of cards) {
      expect(h.now(card)).toMatch(
        new RegExp(`\\*Approved\\* by <@${winner}> at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC: ${reason}`),
      );
      expect(h.now(card)).toMatch(/mark it normal/);
      expect(h.actionIds(card)).toEqual(['open_in_cii', 'alert_reopen', 'lookup_ip']);
    }
    const loserCard = cards[winner === 'UANALYST' ? 1 : 0]!;
    await until(() => h.ephemeralsTo(loser, loserCard.channel).length === 1, 'already answer');
    expect(h.ephemeralsTo(loser, loserCard.channel)[0]).toContain(`Already approved by <@${winner}>`);
    expect(
      h
        .auditRows(cards[0]!.alertId)
        .map((r) => [r.user_id, r.outcome, r.reason])
        .sort(),
    ).toEqual(
      [
        [
          loser,
          'already_approved',
          winner === 'UANALYST' ? 'expected' : 'Travel to the London office, confirmed by her manager',
        ],
        [winner, 'approved', reason],
      ].sort(),
    );
  });

  test('Reopen takes an approval back to open with Approve and Block, on every copy, then Block acts', async () => {
    const login = 'ryan.patel@example.com';
    const cards = (await h.deliver([login]))[login]!;
    await h.submit(await h.openModal(cards[0]!, 'alert_approve', 'UANALYST'), 'UANALYST');
    await until(() => cards.every((c) => h.now(c).includes('*Approved* by <@UANALYST>')), 'approved');
    const reopen = await h.click(cards[1]!, 'alert_reopen', 'UADMIN');
    expect(reopen.body).toBe('');
    await until(() => cards.every((c) => h.now(c).includes('*Reopened* by <@UADMIN>')), 'reopened');
    for (const card of cards)
      expect(h.actionIds(card)).toEqual(['open_in_cii', 'alert_approve', 'alert_block', 'lookup_ip']);
    await h.block(cards[0]!, 'UANALYST');
    await until(() => cards.every((c) => h.now(c).includes('*Blocked* by <@UANALYST>')), 'blocked after reopen');
    expect(stack.idp!.duo.users.get(accountId(login, 'DUO'))?.status).toBe('disabled');
    expect((await h.auditOf(cards[0]!.alertId, 3)).map((r) => [r.user_id, r.action, r.outcome])).toEqual([
      ['UANALYST', 'approve', 'approved'],
      ['UADMIN', 'reopen', 'reopened'],
      ['UANALYST', 'block', 'blocked'],
    ]);
  });

  test('ten Block modals submitted at once make one call per provider, nine hear "already", every copy shows the outcome; Unblock reverses it and Block is offered again', async () => {
    const login = 'james.whitaker@example.com';
    const cards = (await h.deliver([login]))[login]!;
    const [duoId, oktaId, entraId] = [accountId(login, 'DUO'), accountId(login, 'OKTA'), accountId(login, 'AZURE_AD')];
    const users = Array.from({ length: 10 }, (_, i) => (i % 3 === 0 ? 'UADMIN' : 'UANALYST'));
    const views = [];
    for (const [i, user] of users.entries()) views.push(await h.openModal(cards[i % 2]!, 'alert_block', user));
    // The previews acted on nothing.
    expect(stack.idp!.requests.filter((r) => [duoId, oktaId, entraId].some((id) => r.path.includes(id)))).toEqual([]);
    expect(h.now(cards[0]!)).not.toContain('Blocked');
    const answers = await Promise.all(views.map((v, i) => h.submit(v, users[i]!, i === 0 ? 'first' : undefined)));
    expect(answers.every((a) => a.status === 200 && a.body === '')).toBe(true);
    await until(() => cards.every((c) => h.now(c).includes('*Blocked* by')), 'blocked cards');
    const ephemerals = () => stack.slack.callsTo('chat.postEphemeral').map((c) => JSON.stringify(c.args));
    await until(() => ephemerals().filter((e) => e.includes(login) || /Already/.test(e)).length >= 9, 'nine answers');
    expect(ephemerals().filter((e) => /Already (being )?blocked by <@U\w+>/.test(e))).toHaveLength(9);

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
      expect(h.actionIds(card)).toEqual(['open_in_cii', 'alert_block', 'lookup_ip']);
      expect(await h.repliesOf(card, 2)).toHaveLength(2);
    }
    expect((await h.auditOf(cards[0]!.alertId, 11)).at(-1)).toMatchObject({
      user_id: 'UANALYST',
      action: 'unblock',
      outcome: 'unblocked',
    });

    // Block after Unblock: the preview again, then every account is blocked once more.
    const again = await h.block(cards[0]!, 'UADMIN', 'signed in from Moscow again');
    expect(h.modalText(again.view)).toContain('status set to disabled');
    await until(() => cards.every((c) => h.now(c).includes('*Blocked* by <@UADMIN>')), 'blocked again');
    expect(idpCalls('DUO', duoId, 'POST')).toHaveLength(3);
    expect(stack.idp!.okta.users.get(oktaId)?.status).toBe('SUSPENDED');
    for (const card of cards) {
      expect(h.now(card)).toContain('Blocked in Duo, Okta and Entra ID\\nReason: signed in from Moscow again');
      expect(h.actionIds(card)).toEqual(['open_in_cii', 'alert_unblock', 'lookup_ip']);
    }
    expect((await h.auditOf(cards[0]!.alertId, 12)).at(-1)).toMatchObject({
      user_id: 'UADMIN',
      action: 'block',
      outcome: 'blocked',
      reason: 'signed in from Moscow again',
    });
  });

  test('a partial failure is said plainly with a Retry that redoes only what failed', async () => {
    const login = 'marcus.chen@example.com';
    const cards = (await h.deliver([login]))[login]!;
    const [duoId, oktaId, entraId] = [accountId(login, 'DUO'), accountId(login, 'OKTA'), accountId(login, 'AZURE_AD')];
    stack.idp!.fail('OKTA', { status: 403, path: `${oktaId}/lifecycle/suspend` });
    await h.block(cards[0]!, 'UANALYST');
    await until(() => cards.every((c) => h.now(c).includes('Partially blocked')), 'partial cards');
    for (const card of cards) {
      expect(h.now(card)).toContain('Blocked in Duo and Entra ID; Okta failed: Okta refused the request');
      // The accounts read as the block left them, not as CII last saw them.
      expect(h.now(card)).toContain('Duo ⛔ *Blocked* by this app');
      expect(h.now(card)).toContain('Okta ⚠️ *Block failed*');
      expect(h.actionIds(card)).toEqual(['open_in_cii', 'alert_retry', 'alert_unblock', 'lookup_ip']);
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
    const opened = stack.slack.callsTo('views.open').length;
    let click: Awaited<ReturnType<typeof h.click>> | undefined;
    try {
      click = await h.click(cards[0]!, 'alert_block', 'UANALYST');
      await until(() => h.answersTo(click!.responseUrl).length === 1, 'refusal');
    } finally {
      stack.cii.clearFaults();
    }
    expect(h.answersTo(click.responseUrl)[0]).toContain('CII is unreachable or too slow right now');
    expect(h.actionIds(cards[0]!)).toContain('alert_block');
    expect(stack.slack.callsTo('views.open')).toHaveLength(opened);
    expect(stack.idp!.requests).toHaveLength(requestsBefore);

    await h.block(cards[0]!, 'UANALYST');
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
    await h.block(cards[0]!, 'UANALYST');
    await until(() => cards.every((c) => h.now(c).includes('*Blocked* by')), 'blocked thread cards');
    const updates = stack.slack
      .callsTo('chat.update')
      .filter((c) => cards.some((card) => card.ts === c.args.ts && card.channel === c.args.channel));
    expect(new Set(updates.map((u) => `${String(u.args.channel)}/${String(u.args.ts)}`)).size).toBe(2);
    for (const card of cards)
      expect((await h.repliesOf(card, 1)).some((r) => r.includes('Okta user suspended'))).toBe(true);
    expect(h.cardsOf(logins[1]!).every((c) => h.actionIds(c).includes('alert_block'))).toBe(true);
  });

  test('/cii audit reads as sentences naming the check and severity, the reason and the card, for responders only', async () => {
    const audit = async (args: string, userId: string) =>
      JSON.stringify(
        JSON.parse((await stack.driver.command(`audit ${args}`.trim(), { userId, channelId: 'C0SOC' })).body),
      );
    const marcusCard = h.cardsOf('marcus.chen@example.com')[0]!;
    const link = `https://fake.slack.com/archives/${marcusCard.channel}/p${marcusCard.ts.replace('.', '')}`;
    const about = await audit('marcus.chen@example.com', 'UANALYST');
    expect(about).toContain('Recent decisions about');
    expect(about).toMatch(
      /<@UANALYST> partially blocked \*Marcus Chen\*: blocked in Duo and Entra ID; Okta failed: Okta refused the request[^—]* — \*No MFA Configured\* \(high\) · <https:[^|]+\|card>/,
    );
    expect(about).toContain('<@UADMIN> blocked *Marcus Chen* in Okta (retry) — *No MFA Configured* (high)');
    expect(about).toContain(`<${link}|card>`);
    expect(about).not.toContain('james.whitaker');
    const overall = await audit('', 'UADMIN');
    expect(overall).toContain(
      '<@UADMIN> blocked *James Whitaker* in Duo, Okta and Entra ID — *No MFA Configured* (high): _signed in from Moscow again_',
    );
    expect(overall).toContain('<@UANALYST> unblocked *James Whitaker* in Duo, Okta and Entra ID');
    expect(overall).toMatch(/<@U\w+> tried to Block \*James Whitaker\* — already (being )?blocked by <@U\w+>/);
    const olivia = await audit('olivia.bennett@example.com', 'UADMIN');
    expect(olivia).toContain(
      '<@UOLIVIA> tried to Approve *Olivia Bennett* — refused: the alert is about their own account',
    );
    const refusedClick = await audit('tom.harris@example.com', 'UADMIN');
    expect(refusedClick).toContain(
      '<@UVIEWER> tried to Block *Tom Harris* — refused: not a responder — *No MFA Configured* (high)',
    );
    const refused = await audit('', 'UVIEWER');
    expect(refused).toContain('Only CII responders can read the audit');
    expect(refused).not.toContain('james.whitaker');
  });

  test('/cii user right after a block says the app blocked each account, and lists the user’s alerts with their decisions to responders', async () => {
    const login = 'olivia.bennett@example.com';
    const [card] = (await h.deliver([login]))[login]!;
    await h.block(card!, 'UANALYST', 'CEO fraud attempt');
    await until(() => h.now(card!).includes('*Blocked* by <@UANALYST>'), 'blocked');
    const lookup = async (userId: string) =>
      JSON.stringify(JSON.parse((await stack.driver.command(`user ${login}`, { userId, channelId: 'C0SOC' })).body));

    const responder = await lookup('UADMIN');
    for (const provider of ['Duo', 'Okta', 'Entra ID'])
      expect(responder).toMatch(
        new RegExp(
          `• ${provider} · ⛔ \\*Blocked\\* by <@UANALYST> just now in this app \\(CII last said ✅ (Active|Enabled)\\)`,
        ),
      );
    expect(responder).toContain('⛔ Blocked in Duo, Okta and Entra ID by this app');
    expect(responder).toContain('*Alerts in this app (2, 1 open)*');
    // The open alert first: the one only refused so far (Olivia may not decide about herself).
    expect(responder).toMatch(
      /• 🔔 \*Open\* since [^—]+ — \*No MFA Configured\* \(high\) · <https:\/\/fake\.slack\.com\/archives\/[^|]+\|card>/,
    );
    expect(responder).toContain(
      `• ⛔ *Blocked* by <@UANALYST> just now in Duo, Okta and Entra ID — *No MFA Configured* (high): _CEO fraud attempt_ · <https://fake.slack.com/archives/${card!.channel}/p${card!.ts.replace('.', '')}|card>`,
    );
    // Someone who may not list alerts still never reads "active" for an account the app blocked.
    const viewer = await lookup('UVIEWER');
    expect(viewer).toContain('⛔ Blocked in Duo, Okta and Entra ID by this app');
    expect(viewer).not.toContain('Alerts in this app');

    // Unblocked: the accounts read as CII says again.
    await h.click(card!, 'alert_unblock', 'UANALYST');
    await until(() => h.now(card!).includes('*Unblocked* by <@UANALYST>'), 'unblocked');
    const after = await lookup('UADMIN');
    expect(after).not.toContain('in this app (CII last said');
    expect(after).toContain('↩️ *Unblocked* by <@UANALYST> just now in Duo, Okta and Entra ID');
  });

  test('a partial block offers Unblock of what succeeded, which reverses only that', async () => {
    const login = 'david.levy@example.com';
    const cards = (await h.deliver([login]))[login]!;
    const [duoId, entraId] = [accountId(login, 'DUO'), accountId(login, 'AZURE_AD')];
    stack.idp!.fail('AZURE_AD', { status: 403, path: entraId });
    await h.block(cards[0]!, 'UANALYST', 'phished');
    await until(() => cards.every((c) => h.now(c).includes('Partially blocked')), 'partial cards');
    for (const card of cards) {
      expect(h.now(card)).toContain('Blocked in Duo; Entra ID failed:');
      expect(h.now(card)).toContain('Reason: phished');
      expect(h.actionIds(card)).toEqual(['open_in_cii', 'alert_retry', 'alert_unblock', 'lookup_ip']);
    }
    expect(stack.idp!.duo.users.get(duoId)?.status).toBe('disabled');
    await h.click(cards[1]!, 'alert_unblock', 'UADMIN');
    await until(() => cards.every((c) => h.now(c).includes('*Unblocked* by <@UADMIN>')), 'unblocked');
    expect(stack.idp!.duo.users.get(duoId)?.status).toBe('active');
    expect(idpCalls('AZURE_AD', entraId, 'PATCH')).toHaveLength(1);
    for (const card of cards) {
      expect(h.now(card)).toContain('Unblocked in Duo');
      // The card's account list still names Entra ID; the decision line does not.
      expect(h.now(card)).not.toContain('Unblocked in Duo and Entra ID');
      expect(h.actionIds(card)).toEqual(['open_in_cii', 'alert_block', 'lookup_ip']);
    }
    expect((await h.auditOf(cards[0]!.alertId, 2)).map((r) => [r.action, r.outcome, r.reason])).toEqual([
      ['block', 'block_failed', 'phished'],
      ['unblock', 'unblocked', null],
    ]);
  });

  test('the Block preview names exactly the accounts of each user, what Block does there, and what it leaves alone', async () => {
    const logins = ['mia.johansson', 'mateo.rossi', 'lucas.silva', 'marcus.chen'].map((l) => `${l}@example.com`);
    const cards: Record<string, Card> = {};
    for (const login of logins) cards[login] = (await h.deliver([login]))[login]![0]!;
    const requestsBefore = stack.idp!.requests.length;
    const preview = async (login: string) => h.modalText(await h.openModal(cards[login]!, 'alert_block', 'UANALYST'));
    const mia = await preview(logins[0]!);
    expect(mia).toContain('*Duo* `mia.johansson');
    expect(mia).toContain('status set to disabled');
    expect(mia).toContain('*Entra ID*');
    expect(mia).toContain('account disabled, sign-in sessions revoked');
    expect(mia).toContain('• Okta: no account there');
    expect(mia).not.toContain('suspended, sessions');
    const mateo = await preview(logins[1]!);
    expect(mateo).toContain('suspended, sessions and OAuth tokens cleared');
    expect(mateo).toContain('• Duo: no account there');
    const lucas = await preview(logins[2]!);
    expect(lucas).toContain('• Entra ID: no account there');
    expect(lucas).toContain('status set to disabled');
    const marcus = await preview(logins[3]!);
    expect(marcus).toContain('⚠️ *Privileged groups:*');
    expect(marcus).not.toContain('no account there');
    // Closing the modal does nothing: no provider was called, every card still offers Block.
    expect(stack.idp!.requests).toHaveLength(requestsBefore);
    for (const login of logins) expect(h.actionIds(cards[login]!)).toContain('alert_block');

    // A service account: the preview warns that blocking it may stop what uses it.
    const service = 'hrms.serviceuser';
    const view = await h.openModal((await h.deliver([service]))[service]![0]!, 'alert_block', 'UANALYST');
    expect(h.modalText(view)).toContain('• *Okta* `hrms.serviceuser` (✅ Active now)');
    expect(h.modalText(view)).toContain('⚠️ *Service account*, not one person’s account');
  });

  test('refuses a crafted Approve all open naming a summary never posted in its channel, click or submission, changing nothing', async () => {
    const logins = ['ethan.brooks', 'zoe.williams', 'ryan.patel', 'laura.petrov', 'david.levy', 'oscar.lindqvist'].map(
      (l) => `${l}@example.com`,
    );
    const byLogin = await h.deliver(logins);
    const summary = stack.slack
      .callsTo('chat.postMessage')
      .find(
        (c) =>
          (c.args.metadata as { event_type?: string } | undefined)?.event_type === 'cii_alert_summary' &&
          c.args.channel === CHANNELS[0] &&
          JSON.stringify(c.args.blocks).includes('Ethan'),
      )!;
    const summaryCard: Card = {
      channel: CHANNELS[0]!,
      ts: (summary.response as { ts: string }).ts,
      alertId: '',
      call: summary,
    };
    const opened = stack.slack.callsTo('views.open').length;
    // The summary's own message, claimed to be in a channel it was never posted in.
    const click = await stack.driver.click({
      message: summary,
      actionId: 'alert_approve_all',
      userId: 'UADMIN',
      channelId: 'C0ELSEWHERE',
    });
    await until(() => h.answersTo(click.responseUrl).length === 1, 'refusal');
    expect(h.answersTo(click.responseUrl)[0]).toContain('not on a card the app posted');
    expect(stack.slack.callsTo('views.open')).toHaveLength(opened);

    // A real modal whose submission is altered to name an alert card's message instead of the summary.
    const view = await h.openModal(summaryCard, 'alert_approve_all', 'UADMIN');
    const alertCard = byLogin[logins[0]!]![0]!;
    const metadata = JSON.parse(String(view.private_metadata)) as Record<string, string>;
    const forged = { ...view, private_metadata: JSON.stringify({ ...metadata, messageTs: alertCard.ts }) };
    await h.submit(forged, 'UADMIN', 'forged');
    await until(
      () => h.ephemeralsTo('UADMIN', CHANNELS[0]!).some((e) => e.includes('not on a card the app posted')),
      'refusal of the submission',
    );
    const cards = logins.flatMap((l) => byLogin[l]!);
    for (const card of cards) expect(h.actionIds(card)).toContain('alert_approve');
    // Audited against the finding's first alert.
    const alertIds = [...new Set(cards.map((c) => c.alertId))];
    const refusals = alertIds.flatMap((id) => h.auditRows(id)).filter((r) => r.detail === 'Approve all open');
    expect(refusals.map((r) => [r.outcome, r.channel_id])).toEqual([
      ['refused_not_a_card', 'C0ELSEWHERE'],
      ['refused_not_a_card', CHANNELS[0]],
    ]);
  });

  test('Approve all open on a summary approves every open user of the finding with the reason, and leaves decided ones alone', async () => {
    const logins = [
      'sofia.martinez',
      'aisha.khan',
      'benjamin.clarke',
      'isabella.nguyen',
      'samuel.adeyemi',
      'nora.haddad',
    ].map((l) => `${l}@example.com`);
    const byLogin = await h.deliver(logins);
    const summaries = stack.slack
      .callsTo('chat.postMessage')
      .filter((c) => (c.args.metadata as { event_type?: string } | undefined)?.event_type === 'cii_alert_summary')
      .filter((c) => JSON.stringify(c.args.blocks).includes('Sofia'));
    expect(summaries).toHaveLength(CHANNELS.length);
    const summary = summaries[0]!;
    const summaryCard: Card = {
      channel: (summary.response as { channel: string }).channel,
      ts: (summary.response as { ts: string }).ts,
      alertId: '',
      call: summary,
    };
    // One user is blocked first: Approve all leaves that decision alone.
    const blockedCard = byLogin[logins[0]!]![0]!;
    await h.block(blockedCard, 'UANALYST');
    await until(() => h.now(blockedCard).includes('*Blocked* by'), 'one blocked');

    const refused = await h.click(summaryCard, 'alert_approve_all', 'UVIEWER');
    await until(() => h.answersTo(refused.responseUrl).length === 1, 'refusal');
    expect(h.answersTo(refused.responseUrl)[0]).toContain('Only CII responders');

    const view = await h.openModal(summaryCard, 'alert_approve_all', 'UADMIN');
    expect(h.modalText(view)).toContain('Approve the *5 open alerts* of');
    await h.submit(view, 'UADMIN', 'Known VPN egress change');
    const others = logins.slice(1).flatMap((l) => byLogin[l]!);
    await until(() => others.every((c) => h.now(c).includes('*Approved* by <@UADMIN>')), 'all approved');
    for (const card of others) {
      expect(h.now(card)).toContain('Known VPN egress change');
      expect(h.actionIds(card)).toEqual(['open_in_cii', 'alert_reopen', 'lookup_ip']);
    }
    expect(h.now(blockedCard)).toContain('*Blocked* by <@UANALYST>');
    await until(() => h.ephemeralsTo('UADMIN', summaryCard.channel).some((e) => e.includes('Approved 5')), 'answer');
    expect(h.ephemeralsTo('UADMIN', summaryCard.channel).find((e) => e.includes('Approved 5'))).toContain(
      'Approved 5 open alerts; 1 already decided',
    );
    const rows = h.auditRows(others[0]!.alertId);
    expect(rows.at(-1)).toMatchObject({
      user_id: 'UADMIN',
      action: 'approve',
      outcome: 'approved',
      detail: 'Approve all open',
      reason: 'Known VPN egress change',
    });
  });
});

describe('analyst responses with Okta not configured in the app', () => {
  let stack: Stack;
  const h = helpers(() => stack);

  beforeAll(async () => {
    stack = await startStack({
      idp: { autoCreateUsers: true },
      env: { CII_RESPONDERS: 'UANALYST', OKTA_ORG_URL: undefined, OKTA_API_TOKEN: undefined },
      app: { delivery: fastDelivery, cii: fastCii },
    });
    await registerAppWebhook(stack, ['no-mfa']);
    for (const channelId of CHANNELS) await stack.driver.command('subscribe no-mfa', { userId: 'UANALYST', channelId });
  });
  afterAll(() => stack.stop());

  test('the preview says the Okta account is not touched because Okta is not configured, and Block leaves it alone', async () => {
    const login = 'oscar.lindqvist@example.com';
    const [card] = (await h.deliver([login]))[login]!;
    const view = await h.openModal(card!, 'alert_block', 'UANALYST');
    expect(h.modalText(view)).toContain(
      `• Okta: provider not configured in this app (account \`${accountId(login, 'OKTA')}\`)`,
    );
    expect(h.modalText(view)).toContain('*Duo*');
    await h.submit(view, 'UANALYST');
    await until(() => h.now(card!).includes('*Blocked* by <@UANALYST>'), 'blocked');
    expect(h.now(card!)).toContain('Blocked in Duo');
    expect(stack.idp!.requestsTo('OKTA')).toEqual([]);
  });
});

describe.each([
  {
    provider: 'DUO' as const,
    label: 'Duo',
    login: 'sofia.martinez@example.com',
    unset: { DUO_API_URL: undefined, DUO_IKEY: undefined, DUO_SKEY: undefined },
    acted: '*Entra ID*',
  },
  {
    provider: 'AZURE_AD' as const,
    label: 'Entra ID',
    login: 'grace.kim@example.com',
    unset: { ENTRA_TENANT_ID: undefined, ENTRA_CLIENT_ID: undefined, ENTRA_CLIENT_SECRET: undefined },
    acted: '*Duo*',
  },
])('analyst responses with $label not configured in the app', ({ provider, label, login, unset, acted }) => {
  let stack: Stack;
  const h = helpers(() => stack);

  beforeAll(async () => {
    stack = await startStack({
      idp: { autoCreateUsers: true },
      env: { CII_RESPONDERS: 'UANALYST', ...unset },
      app: { delivery: fastDelivery, cii: fastCii },
    });
    await registerAppWebhook(stack, ['no-mfa']);
    for (const channelId of CHANNELS) await stack.driver.command('subscribe no-mfa', { userId: 'UANALYST', channelId });
  });
  afterAll(() => stack.stop());

  test(`the preview says the ${label} account is not touched because ${label} is not configured, and Block leaves it alone`, async () => {
    expect(seedUser(login).accounts.map((a) => a.provider)).toContain(provider);
    const [card] = (await h.deliver([login]))[login]!;
    const view = await h.openModal(card!, 'alert_block', 'UANALYST');
    expect(h.modalText(view)).toContain(
      `• ${label}: provider not configured in this app (account \`${accountId(login, provider)}\`)`,
    );
    expect(h.modalText(view)).toContain(acted);
    expect(h.modalText(view)).not.toContain(`*${label}*`);
    await h.submit(view, 'UANALYST');
    await until(() => h.now(card!).includes('*Blocked* by <@UANALYST>'), 'blocked');
    expect(h.now(card!)).not.toContain(`Blocked in ${label}`);
    expect(stack.idp!.requestsTo(provider)).toEqual([]);
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
