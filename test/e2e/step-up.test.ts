import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { seedUser } from '../../sim/cii/seed.ts';
import type { RecordedCall } from '../../sim/slack/fake-slack.ts';
import { DEFAULT_USERGROUPS, DEFAULT_USERS } from '../../sim/slack/seed.ts';
import { startStack, type Stack } from '../support/stack.ts';
import { until } from '../support/until.ts';
import { registerAppWebhook } from '../support/webhook.ts';

const CHANNEL = 'C0SECALERT';
/** Responders: Daniel has a Duo account in CII, Kavya has none (Okta only), Marcus has no push device. */
const RESPONDERS = [
  { id: 'UDANIEL', name: 'daniel', realName: 'Daniel Okafor', email: 'daniel.okafor@example.com' },
  { id: 'UKAVYA', name: 'kavya', realName: 'Kavya Iyer', email: 'kavya.iyer@example.com' },
  { id: 'UMARCUS', name: 'marcus', realName: 'Marcus Chen', email: 'marcus.chen@example.com' },
];

type View = { id: string; blocks: unknown[] };

describe('step-up before Block, Unblock, Retry and Approve all open (CII_STEP_UP=duo) end to end', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({
      idp: { autoCreateUsers: true, duoPushEnrolled: (username) => username !== 'marcus.chen' },
      env: {
        CII_RESPONDERS: [...RESPONDERS.map((r) => r.id), 'UANALYST'].join(' '),
        CII_STEP_UP: 'duo',
        CII_ALERT_GROUP_THRESHOLD: '3',
      },
      slack: { users: [...DEFAULT_USERS, ...RESPONDERS], usergroups: [...DEFAULT_USERGROUPS] },
      app: {
        delivery: { perChannelIntervalMs: 20, pollIntervalMs: 50, backoff: { baseMs: 50, maxMs: 200 } },
        cii: { retryBaseMs: 10, retryMaxMs: 50, maxRetries: 1, timeoutMs: 8_000 },
      },
    });
    await registerAppWebhook(stack, ['no-mfa']);
    await stack.driver.command('subscribe no-mfa', { userId: 'UADMIN', channelId: CHANNEL });
  });
  afterAll(() => stack.stop());

  const posted = (eventType: string, text: string): RecordedCall[] =>
    stack.slack
      .callsTo('chat.postMessage')
      .filter((c) => (c.args.metadata as { event_type?: string } | undefined)?.event_type === eventType)
      .filter((c) => String(c.args.text).includes(text) || JSON.stringify(c.args.blocks).includes(text));
  /** The alert cards of a user: the fallback text ends with them. */
  const cardsOf = (login: string) =>
    posted('cii_alert', login).filter((c) => [`(${login})`, `— ${login}`].some((e) => String(c.args.text).endsWith(e)));
  const where = (call: RecordedCall) => call.response as { channel: string; ts: string };
  const alertIdOf = (call: RecordedCall) =>
    (call.args.metadata as { event_payload: { alert_id: string } }).event_payload.alert_id;
  const live = (call: RecordedCall) => {
    const m = stack.slack.message(where(call).channel, where(call).ts);
    return JSON.stringify(m?.blocks ?? []) + (m?.text ?? '');
  };

  async function cardFor(login: string): Promise<RecordedCall> {
    await stack.cii.deliverFailedCheck({ checkId: 'no-mfa', severity: 'high', logins: [login] });
    await until(() => cardsOf(login).length > 0, `the card of ${login}`);
    return cardsOf(login)[0]!;
  }

  const click = (call: RecordedCall, actionId: string, userId: string) =>
    stack.driver.click({ message: call, actionId, userId, channelId: where(call).channel });

  /** The modal as Slack shows it now: the last views.open or views.update of it. */
  const viewNow = (id: string): View | undefined =>
    [...stack.slack.callsTo('views.open'), ...stack.slack.callsTo('views.update')]
      .sort((a, b) => a.at - b.at)
      .map((c) => (c.response as { view?: View }).view)
      .filter((v) => v?.id === id)
      .at(-1);

  async function openModal(call: RecordedCall, actionId: string, userId: string, ready: (text: string) => boolean) {
    const before = stack.slack.callsTo('views.open').length;
    await click(call, actionId, userId);
    await until(() => stack.slack.callsTo('views.open').length > before, 'the modal');
    const id = (stack.slack.callsTo('views.open')[before]!.response as { view: View }).view.id;
    await until(() => ready(JSON.stringify(viewNow(id)?.blocks)), 'the modal ready');
    return viewNow(id)!;
  }

  const waitingPush = async (username: string) => {
    await until(
      () => stack.idp!.duoAuth.pushes().some((p) => p.username === username && p.state === 'waiting'),
      `a push to ${username}`,
    );
    return stack.idp!.duoAuth.pushes().find((p) => p.username === username && p.state === 'waiting')!;
  };
  /** Requests to the providers other than the step-up's own (Duo's Auth API, the Duo user lookup by email). */
  const providerChanges = () =>
    stack.idp!.requests.filter(
      (r) => !r.path.startsWith('/auth/') && !(r.method === 'GET' && r.path === '/admin/v1/users'),
    );
  const auditOf = (alertId: string) => {
    const db = new DatabaseSync(String(stack.env.DATABASE_URL).replace(/^sqlite:/, ''), { readOnly: true });
    try {
      return db
        .prepare('SELECT action, outcome, detail, user_id FROM audit_log WHERE alert_id = ? ORDER BY id')
        .all(alertId) as Array<Record<string, unknown>>;
    } finally {
      db.close();
    }
  };

  async function submitBlock(card: RecordedCall, userId: string) {
    const view = await openModal(card, 'alert_block', userId, (t) => t.includes('Will be blocked'));
    const answer = await stack.driver.submitView({ userId, view, values: {} });
    return { view, answer };
  }

  test('Block waits for the responder’s approved Duo Push: the modal says so at once, then the providers are called', async () => {
    const login = 'tom.harris@example.com';
    const card = await cardFor(login);
    const { view, answer } = await submitBlock(card, 'UDANIEL');
    expect(answer.status).toBe(200);
    const ack = JSON.parse(answer.body) as { response_action: string; view: View };
    expect(ack.response_action).toBe('update');
    expect(JSON.stringify(ack.view.blocks)).toContain('Approve the Duo Push on your phone');

    const push = await waitingPush('daniel.okafor');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(providerChanges()).toEqual([]);
    expect(live(card)).toContain('alert_block');

    expect(stack.idp!.duoAuth.answer(push.txid, 'allow')).toBe(true);
    await until(() => JSON.stringify(viewNow(view.id)?.blocks).includes('Duo Push approved'), 'the modal updated');
    expect(JSON.stringify(viewNow(view.id)?.blocks)).toContain(login);
    await until(() => live(card).includes('*Blocked* by <@UDANIEL>'), 'the card blocked');
    const account = seedUser(login).accounts[0]!.userId;
    expect(providerChanges().some((r) => r.path.includes(account))).toBe(true);
    await until(() => auditOf(alertIdOf(card)).length >= 2, 'audited');
    expect(auditOf(alertIdOf(card)).slice(0, 2)).toMatchObject([
      {
        action: 'block',
        outcome: 'step_up_approved',
        detail: 'Duo Push to daniel.okafor approved',
        user_id: 'UDANIEL',
      },
      { action: 'block', outcome: 'blocked' },
    ]);
  });

  test('a denied push calls no provider, says so in the modal, leaves the card open and shows in /cii audit', async () => {
    const login = 'ethan.brooks@example.com';
    const card = await cardFor(login);
    const changesBefore = providerChanges().length;
    const { view } = await submitBlock(card, 'UDANIEL');
    const push = await waitingPush('daniel.okafor');
    stack.idp!.duoAuth.answer(push.txid, 'deny');
    await until(() => JSON.stringify(viewNow(view.id)?.blocks).includes('not done'), 'the modal says not done');
    expect(JSON.stringify(viewNow(view.id)?.blocks)).toContain('the Duo Push was denied. Nothing was changed.');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(providerChanges()).toHaveLength(changesBefore);
    expect(live(card)).toContain('alert_block');
    expect(auditOf(alertIdOf(card))).toMatchObject([
      { action: 'block', outcome: 'step_up_denied', detail: 'the Duo Push was denied' },
    ]);

    const audit = await stack.driver.command(`audit ${login}`, { userId: 'UDANIEL', channelId: CHANNEL });
    const listed = audit.body;
    expect(listed).toContain('step up denied');
    expect(listed).toContain('the Duo Push was denied');
  });

  test('Unblock tells the responder to approve the push; denied changes nothing, approved unblocks', async () => {
    const login = 'grace.kim@example.com';
    const card = await cardFor(login);
    const { view } = await submitBlock(card, 'UDANIEL');
    stack.idp!.duoAuth.answer((await waitingPush('daniel.okafor')).txid, 'allow');
    await until(() => live(card).includes('alert_unblock'), 'blocked with Unblock offered');
    expect(JSON.stringify(viewNow(view.id)?.blocks)).toContain('Duo Push approved');

    const answers = (url: string) =>
      stack.slack
        .callsTo('response_url')
        .filter((c) => c.url === url)
        .map((c) => JSON.stringify(c.args));
    const changesBefore = providerChanges().length;
    const denied = await click(card, 'alert_unblock', 'UDANIEL');
    await until(() => answers(denied.responseUrl).length === 1, 'told to approve');
    expect(answers(denied.responseUrl)[0]).toContain('Approve the Duo Push on your phone');
    expect(answers(denied.responseUrl)[0]).toContain('"replace_original":false');
    stack.idp!.duoAuth.answer((await waitingPush('daniel.okafor')).txid, 'deny');
    await until(() => answers(denied.responseUrl).length === 2, 'told it was not done');
    expect(answers(denied.responseUrl)[1]).toContain('*Unblock* of grace.kim@example.com was *not done*');
    expect(providerChanges()).toHaveLength(changesBefore);
    expect(live(card)).toContain('alert_unblock');

    const approved = await click(card, 'alert_unblock', 'UDANIEL');
    stack.idp!.duoAuth.answer((await waitingPush('daniel.okafor')).txid, 'allow');
    await until(() => live(card).includes('*Unblocked* by <@UDANIEL>'), 'unblocked');
    expect(providerChanges().length).toBeGreaterThan(changesBefore);
    expect(answers(approved.responseUrl)).toHaveLength(1);
    await until(() => auditOf(alertIdOf(card)).some((r) => r.outcome === 'unblocked'), 'unblock audited');
    expect(
      auditOf(alertIdOf(card))
        .filter((r) => r.action === 'unblock')
        .map((r) => r.outcome),
    ).toEqual(['step_up_denied', 'step_up_approved', 'unblocked']);
  });

  test('Retry of a partial Block waits for the push too: denied calls no provider, approved redoes what failed', async () => {
    const login = 'james.whitaker@example.com';
    const card = await cardFor(login);
    const okta = seedUser(login).accounts.find((a) => a.provider === 'OKTA')!.userId;
    stack.idp!.fail('OKTA', { status: 403, path: `${okta}/lifecycle/suspend` });
    await submitBlock(card, 'UDANIEL');
    stack.idp!.duoAuth.answer((await waitingPush('daniel.okafor')).txid, 'allow');
    await until(() => live(card).includes('Partially blocked') && live(card).includes('alert_retry'), 'partial');

    const answers = (url: string) =>
      stack.slack
        .callsTo('response_url')
        .filter((c) => c.url === url)
        .map((c) => JSON.stringify(c.args));
    const suspends = () => providerChanges().filter((r) => r.path.includes(`${okta}/lifecycle/suspend`));
    const changesBefore = providerChanges().length;
    const denied = await click(card, 'alert_retry', 'UDANIEL');
    await until(() => answers(denied.responseUrl).length === 1, 'told to approve');
    expect(answers(denied.responseUrl)[0]).toContain('Approve the Duo Push on your phone');
    const push = await waitingPush('daniel.okafor');
    expect(push.info).toEqual({ action: `Retry Block ${login}` });
    stack.idp!.duoAuth.answer(push.txid, 'deny');
    await until(() => answers(denied.responseUrl).length === 2, 'told it was not done');
    expect(answers(denied.responseUrl)[1]).toContain(`*Retry* of ${login} was *not done*`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(providerChanges()).toHaveLength(changesBefore);
    expect(live(card)).toContain('alert_retry');

    await click(card, 'alert_retry', 'UDANIEL');
    stack.idp!.duoAuth.answer((await waitingPush('daniel.okafor')).txid, 'allow');
    await until(() => live(card).includes('*Blocked* by <@UDANIEL>'), 'blocked after the retry');
    expect(suspends()).toHaveLength(2);
    const retries = () => auditOf(alertIdOf(card)).filter((r) => r.action === 'retry');
    await until(() => retries().some((r) => r.outcome === 'blocked'), 'retry audited');
    expect(retries()).toMatchObject([
      { outcome: 'step_up_denied', detail: 'the Duo Push was denied', user_id: 'UDANIEL' },
      { outcome: 'step_up_approved', detail: 'Duo Push to daniel.okafor approved', user_id: 'UDANIEL' },
      { outcome: 'blocked', user_id: 'UDANIEL' },
    ]);
  });

  test('a responder without a Duo account, or without a push device, is refused with the reason; no push, nothing called', async () => {
    const login = 'liam.obrien@example.com';
    const card = await cardFor(login);
    const changesBefore = providerChanges().length;
    const pushesBefore = stack.idp!.duoAuth.pushes().length;
    const { view } = await submitBlock(card, 'UKAVYA');
    await until(() => JSON.stringify(viewNow(view.id)?.blocks).includes('not done'), 'refused in the modal');
    expect(JSON.stringify(viewNow(view.id)?.blocks)).toContain(
      'neither CII nor Duo lists a Duo account for kavya.iyer@example.com',
    );
    const second = await submitBlock(card, 'UMARCUS');
    await until(() => JSON.stringify(viewNow(second.view.id)?.blocks).includes('not done'), 'refused in the modal');
    expect(JSON.stringify(viewNow(second.view.id)?.blocks)).toContain('your Duo account marcus.chen has');
    expect(stack.idp!.duoAuth.pushes()).toHaveLength(pushesBefore);
    expect(providerChanges()).toHaveLength(changesBefore);
    expect(auditOf(alertIdOf(card)).map((r) => [r.user_id, r.outcome])).toEqual([
      ['UKAVYA', 'step_up_no_duo_account'],
      ['UMARCUS', 'step_up_not_enrolled'],
    ]);
  });

  test('a responder CII does not know is found in Duo by their email (Admin API), and the push goes to them', async () => {
    // Bob (bob@example.com) is in Duo only.
    stack.idp!.duo.users.set('DUBOBTHEANALYST0001', { status: 'active', username: 'bob', email: 'bob@example.com' });
    const card = await cardFor('emily.zhang@example.com');
    const { view } = await submitBlock(card, 'UANALYST');
    stack.idp!.duoAuth.answer((await waitingPush('bob')).txid, 'deny');
    await until(() => JSON.stringify(viewNow(view.id)?.blocks).includes('not done'), 'not done');
    const lookups = stack
      .idp!.requestsTo('DUO')
      .filter((r) => r.method === 'GET' && r.path === '/admin/v1/users' && r.query.email === 'bob@example.com');
    expect(lookups.map((r) => r.status)).toEqual([200]);
    expect(auditOf(alertIdOf(card))).toMatchObject([{ user_id: 'UANALYST', outcome: 'step_up_denied' }]);
  });

  test('Approve all open approves nothing on a denied push, and every open alert once it is approved', async () => {
    const logins = ['chloe.dubois', 'arjun.mehta', 'hannah.schmidt', 'mateo.rossi'].map((l) => `${l}@example.com`);
    await stack.cii.deliverFailedCheck({ checkId: 'no-mfa', severity: 'high', logins });
    await until(() => posted('cii_alert_summary', '4 users').length > 0, 'the summary card');
    const summary = posted('cii_alert_summary', '4 users')[0]!;
    await until(() => logins.every((l) => cardsOf(l).length > 0), 'the thread cards');
    const cards = logins.map((l) => cardsOf(l)[0]!);

    const approveAll = async () => {
      const view = await openModal(summary, 'alert_approve_all', 'UDANIEL', (t) => t.includes('open alerts'));
      const answer = await stack.driver.submitView({ userId: 'UDANIEL', view, values: {} });
      expect(JSON.stringify(JSON.parse(answer.body))).toContain('Approve the Duo Push on your phone');
      return view;
    };
    const denied = await approveAll();
    stack.idp!.duoAuth.answer((await waitingPush('daniel.okafor')).txid, 'deny');
    await until(() => JSON.stringify(viewNow(denied.id)?.blocks).includes('not done'), 'not done');
    expect(JSON.stringify(viewNow(denied.id)?.blocks)).toContain('*Approve all open* of 4 open alerts of');
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const card of cards) expect(live(card)).not.toContain('*Approved* by');

    await approveAll();
    stack.idp!.duoAuth.answer((await waitingPush('daniel.okafor')).txid, 'allow');
    await until(() => cards.every((c) => live(c).includes('*Approved* by <@UDANIEL>')), 'all approved');
  });
});
