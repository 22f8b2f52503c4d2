import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { seedUsers } from '../../sim/cii/seed.ts';
import { buildFailedCheckEnvelope } from '../../sim/cii/server.ts';
import type { RecordedCall } from '../../sim/slack/fake-slack.ts';
import { startStack, type Stack } from '../support/stack.ts';
import { postWebhook, registerAppWebhook } from '../support/webhook.ts';

const ADMIN = { userId: 'UADMIN', channelId: 'C0SOC' };
const logins = seedUsers.filter((u) => u.login.includes('@')).map((u) => u.login);

type Answer = {
  text: string;
  blocks: Array<{ type: string; elements?: Array<{ action_id?: string; value?: string }> }>;
};

function buttonIds(answer: Answer): string[] {
  return answer.blocks.flatMap((b) => (b.elements ?? []).map((e) => e.action_id ?? '')).filter((id) => id !== '');
}

describe('a check catalogue, and subscriptions that cannot be wrong, end to end', () => {
  let stack: Stack;
  const run = async (text: string) => {
    const ack = await stack.driver.command(text, ADMIN);
    return { ack, answer: JSON.parse(ack.body) as Answer };
  };
  const listed = async () => JSON.stringify((await run('subscriptions')).answer);

  beforeAll(async () => {
    stack = await startStack({ env: { CII_ADMINS: 'UADMIN' } });
    await registerAppWebhook(stack, ['no-mfa']);
  });
  afterAll(() => stack.stop());

  test('/cii checks lists the catalogue merged with the check ids received, with 7-day findings', async () => {
    await stack.cii.deliverFailedCheck({ checkId: 'no-mfa', severity: 'high', logins: [logins[0]!, logins[1]!] });
    // A check the catalogue does not know, as CII would send it.
    const envelope = buildFailedCheckEnvelope({ checkId: 'no-mfa', severity: 'low', logins: [logins[2]!] });
    const renamed = {
      ...envelope,
      detail: { ...envelope.detail, checkId: 'brand-new-check', title: 'Brand New Check' },
    };
    expect((await postWebhook(stack, JSON.stringify(renamed))).status).toBe(202);
    const text = JSON.stringify((await run('checks')).answer);
    expect(text).toMatch(/`no-mfa` \*No MFA Configured\* · 🟠 High · 1 finding/);
    expect(text).toMatch(/`impossible-travel` \*Impossible Travel\*.* · 0 findings · _id guessed_/);
    expect(text).toMatch(
      /`brand-new-check` \*Brand New Check\* · 1 finding · _received from CII, not in the catalogue_/,
    );
  });

  test('an unknown check id stores nothing until a button is clicked, then subscribes what the button says', async () => {
    const { ack, answer } = await run('subscribe impossible-travle severity:high');
    const text = JSON.stringify(answer);
    expect(text).toContain('`impossible-travle` is not a CII check this app knows. Did you mean `impossible-travel`?');
    expect(text).toContain('Nothing was stored');
    expect(buttonIds(answer)).toEqual(['subscribe_choice:0', 'subscribe_choice:anyway']);
    expect(await listed()).toContain('No CII alert subscriptions');

    const message = { method: 'response_url', args: answer, at: Date.now() } as unknown as RecordedCall;
    await stack.driver.click({ ...ADMIN, message, actionId: 'subscribe_choice:0', responseUrl: ack.responseUrl });
    const [chosen] = await stack.slack.waitForCalls('response_url', 1);
    expect(chosen!.args.replace_original).toBe(true);
    expect(String(chosen!.args.text)).toContain('Subscribed');
    const after = await listed();
    expect(after).toContain('`impossible-travel`');
    expect(after).not.toContain('impossible-travle');

    // A received id is known; an id nobody knows is stored only through Subscribe anyway.
    expect(JSON.stringify((await run('subscribe brand-new-check')).answer)).toContain('now gets CII alerts');
    const bogus = await run('subscribe bogus-check');
    expect(JSON.stringify(bogus.answer)).toContain('no known check is close');
    expect(buttonIds(bogus.answer)).toEqual(['subscribe_choice:anyway']);
    expect(await listed()).not.toContain('bogus-check');
    const bogusMessage = { method: 'response_url', args: bogus.answer, at: Date.now() } as unknown as RecordedCall;
    stack.slack.reset();
    await stack.driver.click({
      ...ADMIN,
      message: bogusMessage,
      actionId: 'subscribe_choice:anyway',
      responseUrl: bogus.ack.responseUrl,
    });
    await stack.slack.waitForCalls('response_url', 1);
    expect(await listed()).toContain('`bogus-check`');
  });

  test('a button click from someone who is not an admin stores nothing', async () => {
    const { ack, answer } = await run('subscribe no-mfaa');
    const message = { method: 'response_url', args: answer, at: Date.now() } as unknown as RecordedCall;
    stack.slack.reset();
    await stack.driver.click({
      userId: 'UVIEWER',
      channelId: 'C0SOC',
      message,
      actionId: 'subscribe_choice:anyway',
      responseUrl: ack.responseUrl,
    });
    const [refused] = await stack.slack.waitForCalls('response_url', 1);
    expect(String(refused!.args.text)).toContain('Only CII admins');
    expect(await listed()).not.toContain('no-mfaa');
  });

  test('a mistyped subcommand answers with the closest one, arguments kept', async () => {
    const { answer } = await run('usr jane.doe@example.com');
    expect(JSON.stringify(answer)).toContain(
      'Unknown subcommand `usr`. Did you mean `/cii user jane.doe@example.com`?',
    );
    expect(JSON.stringify((await run('frobnicate')).answer)).toContain('Cisco Identity Intelligence in Slack');
  });
});
