import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { checks } from '../../sim/cii/checks.ts';
import { seedUsers } from '../../sim/cii/seed.ts';
import type { RecordedCall } from '../../sim/slack/fake-slack.ts';
import { CONTEXT_UNAVAILABLE } from '../../src/slack/views/alert-card.ts';
import { startStack, type Stack } from '../support/stack.ts';
import { registerAppWebhook } from '../support/webhook.ts';

const fastDelivery = { perChannelIntervalMs: 20, pollIntervalMs: 50, backoff: { baseMs: 50, maxMs: 200 } };
const fastCii = { retryBaseMs: 10, retryMaxMs: 50, maxRetries: 1, timeoutMs: 8_000 };
const CHANNEL = 'C0SECALERT';

async function until(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met in time: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('the evidence on alert cards, end to end', () => {
  let stack: Stack;

  /** Posted alert cards about `login` (the fallback text ends with the alert's user). */
  const postsAbout = (login: string): RecordedCall[] =>
    stack.slack
      .callsTo('chat.postMessage')
      .filter((c) => (c.args.metadata as { event_type?: string } | undefined)?.event_type === 'cii_alert')
      .filter((c) => [`(${login})`, `— ${login}`].some((end) => String(c.args.text).endsWith(end)));

  /** The card as Slack shows it now (blocks and text). */
  const live = (call: RecordedCall): string => {
    const { channel, ts } = call.response as { channel: string; ts: string };
    const message = stack.slack.message(channel, ts);
    return JSON.stringify(message?.blocks ?? []) + (message?.text ?? '');
  };

  async function cardAbout(checkId: string, login: string): Promise<RecordedCall> {
    const before = postsAbout(login).length;
    await stack.cii.deliverFailedCheck({ checkId, logins: [login] });
    await until(() => postsAbout(login).length > before, `the ${checkId} card of ${login}`);
    return postsAbout(login).at(-1)!;
  }

  beforeAll(async () => {
    stack = await startStack({
      idp: { autoCreateUsers: true },
      env: { CII_RESPONDERS: 'UADMIN', CII_ADMINS: 'UADMIN', CII_ALERT_GROUP_THRESHOLD: '3' },
      app: { delivery: fastDelivery, cii: fastCii, contextRetryMs: 100 },
    });
    await registerAppWebhook(
      stack,
      checks.map((c) => c.id),
    );
    await stack.driver.command('subscribe', { userId: 'UADMIN', channelId: CHANNEL });
  }, 60_000);

  afterAll(async () => {
    await stack?.stop();
  });

  test('every check a seeded user fails gets a card with its values filled and no gap left', async () => {
    const failing = seedUsers.flatMap((u) => u.failingChecks.map((checkId) => ({ checkId, login: u.login })));
    expect(failing.length).toBeGreaterThanOrEqual(10);
    const cards: Record<string, string> = {};
    for (const { checkId, login } of failing) {
      const card = live(await cardAbout(checkId, login));
      cards[`${checkId} ${login}`] = card;
      expect(card, `${checkId} for ${login}`).not.toMatch(/…|\{\{\w|undefined|null/);
      for (const part of ['*Who*', '*Last sign-in*', '*Accounts*', 'Block acts in'])
        expect(card, `${checkId} for ${login}`).toContain(part);
    }
    const mia = cards['impossible-travel mia.johansson@example.com']!;
    expect(mia).toContain('Distance between sign-ins: 7,511 km in 65 minutes.');
    expect(mia).toContain('🇷🇺 Moscow, RU');
    expect(mia).toContain('🚩 *Outside the usual places*');
    expect(mia).toContain('Okta: no account');
    expect(cards['access-from-denied-territories samuel.adeyemi@example.com']).toContain('Country: North Korea.');
    expect(cards['user-ip-in-blocked-state laura.petrov@example.com']).toContain('Blocked IP address: 192.0.2.66');
    const marcus = cards['admin-role-assigned-okta marcus.chen@example.com']!;
    expect(marcus).toContain('Role: Super Administrator.');
    expect(marcus).toMatch(
      /🛡️ \*Privileged:\* Okta Super Admins, Duo Administrators, Entra Global Administrators \+\d+ more/,
    );
    expect(cards['no-mfa hrms.serviceuser']).toContain('⚙️ *Service account*');
    expect(cards['no-mfa hrms.serviceuser']).toContain('⚠️ *MFA off*');
    expect(cards['inactive-users walter.grant@example.com']).toMatch(/more than 1\d\d days but is still enabled/);
  }, 120_000);

  test('Look up IP answers like /cii ip, to the clicker alone', async () => {
    const card = await cardAbout('impossible-travel', 'mia.johansson@example.com');
    const click = await stack.driver.click({
      message: card,
      actionId: 'lookup_ip',
      userId: 'UVIEWER',
      channelId: CHANNEL,
    });
    await until(
      () => stack.slack.callsTo('response_url').some((c) => c.url === click.responseUrl),
      'the answer to the Look up click',
    );
    const answer = stack.slack.callsTo('response_url').find((c) => c.url === click.responseUrl)!;
    expect(answer.args).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(JSON.stringify(answer.args)).toContain('seen on 192.0.2.200');
    expect(JSON.stringify(answer.args)).toContain('Mia Johansson');
  });

  test('More opens a modal with what the compact card leaves out, to whoever sees the card; a crafted click reads nothing', async () => {
    const login = 'mia.johansson@example.com';
    const card = await cardAbout('impossible-travel', login);
    const opened = stack.slack.callsTo('views.open').length;
    const click = await stack.driver.click({
      message: card,
      actionId: 'alert_more',
      userId: 'UVIEWER',
      channelId: CHANNEL,
    });
    expect(click.status).toBe(200);
    await until(() => stack.slack.callsTo('views.open').length > opened, 'the More modal');
    const view = (stack.slack.callsTo('views.open')[opened]!.response as { view: { title: unknown; blocks: unknown } })
      .view;
    const modal = JSON.stringify([view.title, view.blocks]);
    const mia = seedUsers.find((u) => u.login === login)!;
    expect(modal).toContain('Alert details');
    expect(modal).toContain('Distance between sign-ins: 7,511 km in 65 minutes.');
    // Every IP CII lists, with its place (the card shows three).
    const ips = [...new Set(mia.signIns.map((s) => s.ipAddress))];
    expect(ips.length).toBeGreaterThan(3);
    for (const ip of ips) expect(modal).toContain(`\`${ip}\``);
    expect(modal).toContain('🇷🇺 Moscow, RU 🚩');
    for (const group of mia.groupNames) expect(modal).toContain(group);
    expect(modal).toContain(`*Accounts (${mia.accounts.length})*`);
    expect(modal).toContain('Block acts here');
    expect(modal).not.toMatch(/\{\{\w|undefined|null/);
    // The card itself stays compact.
    expect(live(card)).toContain('alert_more');

    const crafted = await stack.driver.click({
      message: card,
      actionId: 'alert_more',
      userId: 'UVIEWER',
      channelId: 'C0SOC',
    });
    await until(() => stack.slack.callsTo('response_url').some((c) => c.url === crafted.responseUrl), 'the refusal');
    expect(
      JSON.stringify(stack.slack.callsTo('response_url').find((c) => c.url === crafted.responseUrl)!.args),
    ).toContain('not on a card this app posted');
    expect(stack.slack.callsTo('views.open')).toHaveLength(opened + 1);
  });

  test('a card posted while CII is down says so, and is completed in place once CII answers', async () => {
    stack.cii.inject({ status: 503, times: Infinity });
    // Nobody looked Kavya up before: no cached answer stands in for CII.
    const card = await cardAbout('no-mfa', 'kavya.iyer@example.com');
    expect(live(card)).toContain(CONTEXT_UNAVAILABLE);
    expect(live(card)).toContain('*Who*\\nkavya.iyer@example.com');
    expect(live(card)).toContain('alert_block');
    stack.cii.clearFaults();
    await until(() => live(card).includes('QA Engineer'), 'the card completed with CII context');
    expect(live(card)).not.toContain(CONTEXT_UNAVAILABLE);
    expect(live(card)).toContain('🇮🇳 Bengaluru, IN');
  });

  test('the summary shows live progress, and its thread cards leave the description to it', async () => {
    const logins = ['priya.raman', 'liam.obrien', 'noah.fischer', 'chloe.dubois'].map((l) => `${l}@example.com`);
    const summaries = () =>
      stack.slack
        .callsTo('chat.postMessage')
        .filter((c) => (c.args.metadata as { event_type?: string } | undefined)?.event_type === 'cii_alert_summary');
    const before = summaries().length;
    await stack.cii.deliverFailedCheck({ checkId: 'no-mfa', logins });
    await until(() => logins.every((l) => postsAbout(l).length === 1), 'the thread cards');
    const summary = summaries()[before]!;
    expect(live(summary)).toContain('*4 users · 4 open*');
    expect(live(summary)).toContain('Users without a multi-factor authentication method');
    expect(live(summary)).toContain('<https://dashboard.oort.io/users/');

    const thread = postsAbout(logins[0]!)[0]!;
    expect(thread.args.thread_ts).toBe((summary.response as { ts: string }).ts);
    expect(live(thread)).not.toContain('Users without a multi-factor authentication method');
    expect(live(thread)).toMatch(/no MFA factor enrolled for the last \d+ days/);

    // Approve opens a modal (with an optional reason); submitting it approves.
    const opened = stack.slack.callsTo('views.open').length;
    await stack.driver.click({ message: thread, actionId: 'alert_approve', userId: 'UADMIN', channelId: CHANNEL });
    await until(() => stack.slack.callsTo('views.open').length > opened, 'the Approve modal');
    const view = (
      stack.slack.callsTo('views.open')[opened]!.response as {
        view: Parameters<typeof stack.driver.submitView>[0]['view'];
      }
    ).view;
    await stack.driver.submitView({ userId: 'UADMIN', view, values: {} });
    await until(() => live(summary).includes('*4 users · 1 approved · 3 open*'), 'the summary counting the approval');
    expect(live(summary)).toContain('✅ <https://dashboard.oort.io/users/');
  });
});
