import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { seedUsers } from '../../sim/cii/seed.ts';
import type { RecordedCall } from '../../sim/slack/fake-slack.ts';
import { startStack, type Stack } from '../support/stack.ts';
import { until } from '../support/until.ts';
import { registerAppWebhook } from '../support/webhook.ts';

const fastDelivery = { perChannelIntervalMs: 20, pollIntervalMs: 50, backoff: { baseMs: 50, maxMs: 200 } };
const logins = seedUsers.filter((u) => u.login.includes('@')).map((u) => u.login);
const SOC = 'C0SOC';

type View = Record<string, unknown> & { id: string; hash: string; blocks: unknown[] };
const option = (value: string) => ({ text: { type: 'plain_text', text: value }, value });

describe('the Add subscription modal, end to end', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({
      env: { CII_ADMINS: 'UADMIN', CII_RESPONDERS: 'S0RESPOND' },
      app: { delivery: fastDelivery },
    });
    await registerAppWebhook(stack, ['impossible-travel', 'no-mfa', 'inactive-users']);
    // #soc already gets No MFA: its finding is "here"; the others reached no channel.
    await stack.driver.command('subscribe no-mfa', { userId: 'UADMIN', channelId: SOC });
    await stack.cii.deliverFailedCheck({ checkId: 'no-mfa', severity: 'medium', logins: [logins[0]!] });
    await stack.cii.deliverFailedCheck({
      checkId: 'impossible-travel',
      severity: 'high',
      logins: [logins[1]!, logins[2]!],
    });
    await stack.cii.deliverFailedCheck({ checkId: 'impossible-travel', severity: 'low', logins: [logins[3]!] });
    await stack.cii.deliverFailedCheck({ checkId: 'inactive-users', severity: 'critical', logins: [logins[4]!] });
    await until(() => stack.slack.callsTo('chat.postMessage').length === 1, 'the No MFA card');
  });
  afterAll(() => stack.stop());

  /** What the store holds: the alerts of these checks (all when empty) from this severity up, not muted. */
  function stored(checkIds: string[], severities: string[]): number {
    const db = new DatabaseSync(String(stack.env.DATABASE_URL).replace(/^sqlite:/, ''), { readOnly: true });
    try {
      const checks = checkIds.length > 0 ? `AND check_id IN (${checkIds.map(() => '?').join(', ')})` : '';
      const sql = `SELECT COUNT(*) AS n FROM alerts WHERE routing <> 'muted' AND severity IN (${severities.map(() => '?').join(', ')}) ${checks}`;
      return (db.prepare(sql).get(...severities, ...checkIds) as { n: number }).n;
    } finally {
      db.close();
    }
  }

  function currentView(id: string): View {
    const views = [...stack.slack.callsTo('views.open'), ...stack.slack.callsTo('views.update')]
      .sort((a, b) => a.at - b.at)
      .map((c) => (c.response as { view?: View }).view)
      .filter((v): v is View => v?.id === id);
    return views.at(-1)!;
  }
  const previewOf = (view: View) =>
    JSON.stringify(view.blocks).match(/📊 This would have posted \*(\d+) alerts?\*/)?.[1];

  async function openModal(): Promise<View> {
    const ack = await stack.driver.command('subscriptions', { userId: 'UADMIN', channelId: SOC });
    const list = {
      method: 'response_url',
      args: JSON.parse(ack.body) as unknown,
      at: Date.now(),
    } as unknown as RecordedCall;
    expect(JSON.stringify(list.args)).toContain('Add subscription…');
    const updates = stack.slack.callsTo('views.update').length;
    await stack.driver.click({
      message: list,
      actionId: 'subscription_add',
      userId: 'UADMIN',
      channelId: SOC,
      responseUrl: ack.responseUrl,
    });
    await until(() => stack.slack.callsTo('views.update').length > updates, 'the counted preview');
    const opened = (stack.slack.callsTo('views.open').at(-1)!.response as { view: View }).view;
    expect(JSON.stringify(opened.blocks)).toContain('Counting the alerts');
    return currentView(opened.id);
  }

  /** Changes one input of the modal as a person would; waits for the preview the change brings. */
  async function change(view: View, values: Record<string, Record<string, unknown>>, actionId: string): Promise<View> {
    const updates = stack.slack.callsTo('views.update').length;
    const answer = await stack.driver.viewAction({ userId: 'UADMIN', view, values, actionId });
    expect(answer.status).toBe(200);
    await until(() => stack.slack.callsTo('views.update').length > updates, 'the updated preview');
    return currentView(view.id);
  }

  test('a non-admin is refused before any modal opens', async () => {
    const ack = await stack.driver.command('subscriptions', { userId: 'UVIEWER', channelId: SOC });
    expect(ack.body).not.toContain('Add subscription');
    const list = {
      method: 'response_url',
      args: JSON.parse(
        (await stack.driver.command('subscriptions', { userId: 'UADMIN', channelId: SOC })).body,
      ) as unknown,
      at: Date.now(),
    } as unknown as RecordedCall;
    const opens = stack.slack.callsTo('views.open').length;
    const click = await stack.driver.click({
      message: list,
      actionId: 'subscription_add',
      userId: 'UVIEWER',
      channelId: SOC,
    });
    await until(() => stack.slack.callsTo('response_url').some((c) => c.url === click.responseUrl), 'the refusal');
    expect(
      JSON.stringify(stack.slack.callsTo('response_url').find((c) => c.url === click.responseUrl)!.args),
    ).toContain('Only CII admins can manage alert subscriptions');
    expect(stack.slack.callsTo('views.open')).toHaveLength(opens);
  });

  test('the preview counts what the store holds for each choice, updates as it changes, and submitting subscribes as /cii subscribe does', async () => {
    let view = await openModal();
    const all = ['low', 'medium', 'high', 'critical'];
    expect(previewOf(view)).toBe(String(stored([], all)));
    expect(stored([], all)).toBe(5);
    expect(JSON.stringify(view.blocks)).toContain('4 of them never reached <#C0SOC>');

    const checks = { type: 'multi_static_select', selected_options: [option('impossible-travel'), option('no-mfa')] };
    const low = { type: 'static_select', selected_option: option('low') };
    view = await change(
      view,
      { subscription_checks: { subscription_checks: checks }, subscription_severity: { subscription_severity: low } },
      'subscription_checks',
    );
    expect(previewOf(view)).toBe(String(stored(['impossible-travel', 'no-mfa'], all)));
    expect(previewOf(view)).toBe('4');
    // The picks stay picked in the updated view.
    expect(JSON.stringify(view.blocks)).toMatch(
      /"initial_options":\[\{"text":\{[^}]*\},"value":"impossible-travel"\},\{"text":\{[^}]*\},"value":"no-mfa"\}\]/,
    );
    expect(JSON.stringify(view.blocks)).toContain('Same as typing `/cii subscribe impossible-travel no-mfa`');

    const medium = { type: 'static_select', selected_option: option('medium') };
    const values = {
      subscription_checks: { subscription_checks: checks },
      subscription_severity: { subscription_severity: medium },
    };
    view = await change(view, values, 'subscription_severity');
    expect(previewOf(view)).toBe(String(stored(['impossible-travel', 'no-mfa'], ['medium', 'high', 'critical'])));
    expect(previewOf(view)).toBe('3');
    expect(JSON.stringify(view.blocks)).toContain('2 of them never reached <#C0SOC>');

    const answer = await stack.driver.submitView({ userId: 'UADMIN', view, values });
    expect(answer.status).toBe(200);
    await until(() => stack.slack.callsTo('chat.postEphemeral').length === 1, 'the answer');
    const said = JSON.stringify(stack.slack.callsTo('chat.postEphemeral')[0]!.args);
    expect(said).toContain('<#C0SOC> now gets CII alerts for `impossible-travel`, `no-mfa`, 🟡 Medium and above');
    expect(said).toContain('2 alerts of the last 7 days match this filter');
    const listed = (await stack.driver.command('subscriptions', { userId: 'UADMIN', channelId: SOC })).body;
    expect(listed).toMatch(/`impossible-travel`, `no-mfa` · 🟡 Medium and above/);
    // Text subscribe with the same filter finds it: one subscription, made either way.
    const again = (
      await stack.driver.command('subscribe no-mfa impossible-travel severity:medium', {
        userId: 'UADMIN',
        channelId: SOC,
      })
    ).body;
    expect(again).toContain('already has subscription');
  }, 30_000);
});
