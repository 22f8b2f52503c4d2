import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { seedUsers } from '../../sim/cii/seed.ts';
import { startStack, type Stack } from '../support/stack.ts';
import { until } from '../support/until.ts';
import { registerAppWebhook } from '../support/webhook.ts';

const fastDelivery = { perChannelIntervalMs: 20, pollIntervalMs: 50, backoff: { baseMs: 50, maxMs: 200 } };
const logins = seedUsers.filter((u) => u.login.includes('@')).map((u) => u.login);

describe('App Home, end to end', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({
      env: { CII_ADMINS: 'UADMIN', CII_RESPONDERS: 'S0RESPOND' },
      app: { delivery: fastDelivery },
    });
    await registerAppWebhook(stack, ['no-mfa', 'impossible-travel']);
    await stack.driver.command('subscribe no-mfa', { userId: 'UADMIN', channelId: 'C0SOC' });
    await stack.cii.deliverFailedCheck({ checkId: 'no-mfa', severity: 'high', logins: [logins[0]!] });
    await stack.cii.deliverFailedCheck({ checkId: 'impossible-travel', severity: 'high', logins: [logins[1]!] });
    await until(() => stack.slack.callsTo('chat.postMessage').length === 1, 'the expected Slack calls');
  });
  afterAll(() => stack.stop());

  async function openHome(userId: string): Promise<string> {
    const before = stack.slack.callsTo('views.publish').length;
    const answer = await stack.driver.event({ type: 'app_home_opened', user: userId, tab: 'home', channel: 'D0HOME' });
    expect(answer.status).toBe(200);
    await until(() => stack.slack.callsTo('views.publish').length > before, 'the expected Slack calls');
    const call = stack.slack.callsTo('views.publish').at(-1)!;
    expect(call.args.user_id).toBe(userId);
    expect((call.response as { ok?: boolean }).ok).toBe(true);
    return JSON.stringify(call.args.view);
  }

  test('a responder sees the health line and the alerts waiting for a decision with where they went, no subscriptions', async () => {
    const home = await openHome('UANALYST');
    expect(home).toContain('CII reachable');
    expect(home).toContain('1 unrouted in 24 h');
    expect(home).toContain('Waiting for a decision');
    expect(home).toContain(logins[0]!);
    expect(home).toContain(logins[1]!);
    expect(home).toContain('posted in <#C0SOC>');
    expect(home).toContain('unrouted: no subscription matched');
    expect(home).toContain('Your recent decisions');
    expect(home).not.toContain('Subscriptions of every channel');
  });

  test('an admin also sees every channel’s subscriptions; someone else sees no alert', async () => {
    const admin = await openHome('UADMIN');
    expect(admin).toContain('Subscriptions of every channel');
    expect(admin).toMatch(/`no-mfa`.*in <#C0SOC>/);
    const viewer = await openHome('UVIEWER');
    expect(viewer).toContain('Only CII responders and admins see the alerts here.');
    expect(viewer).not.toContain(logins[0]!);
    expect(viewer).not.toContain('Subscriptions of every channel');
  });

  test('opening the Messages tab publishes nothing', async () => {
    const before = stack.slack.callsTo('views.publish').length;
    await stack.driver.event({ type: 'app_home_opened', user: 'UANALYST', tab: 'messages', channel: 'D0HOME' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(stack.slack.callsTo('views.publish')).toHaveLength(before);
  });
});
