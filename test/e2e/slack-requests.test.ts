import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FORM_CONTENT_TYPE, slashCommandBody } from '../../sim/slack/signer.ts';
import { startStack, type Stack } from '../support/stack.ts';

const ANALYST = { userId: 'UANALYST', channelId: 'C0SOC' };

function ackText(body: string): string {
  const message = JSON.parse(body) as { text: string; blocks?: unknown[] };
  return message.text + JSON.stringify(message.blocks ?? []);
}

describe('signed Slack requests: replays and future dates', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.stop());

  /** A signed `/cii <text>` body as Slack sends it; the same body and timestamp sign the same. */
  const commandBody = (text: string) =>
    slashCommandBody({
      command: '/cii',
      text,
      userId: ANALYST.userId,
      channelId: ANALYST.channelId,
      teamId: stack.slack.teamId,
      apiAppId: stack.slack.appId,
      responseUrl: stack.slack.newResponseUrl({ channel: ANALYST.channelId }),
    });

  test('refuses a signed /cii subscribe replayed after an unsubscribe, so the subscription stays removed', async () => {
    const subscribe = commandBody('subscribe no-mfa');
    const at = Math.floor(Date.now() / 1000);
    const first = await stack.driver.post(subscribe, FORM_CONTENT_TYPE, { timestampSeconds: at });
    expect(first.status).toBe(200);
    expect(ackText(first.body)).toContain('now gets CII alerts');
    expect(ackText((await stack.driver.command('unsubscribe all', ANALYST)).body)).toContain('Removed');

    const replayed = await stack.driver.post(subscribe, FORM_CONTENT_TYPE, { timestampSeconds: at });
    expect(replayed.status).toBe(401);
    expect(ackText((await stack.driver.command('subscriptions', ANALYST)).body)).toContain(
      'No CII alert subscriptions',
    );
    expect(stack.logs.join('\n')).toContain('Slack request refused: replayed');
  });

  test('refuses a request dated more than five minutes ahead, and serves one a little ahead', async () => {
    const now = Math.floor(Date.now() / 1000);
    const ahead = await stack.driver.post(commandBody('help'), FORM_CONTENT_TYPE, { timestampSeconds: now + 6 * 60 });
    expect(ahead.status).toBe(401);
    expect(stack.logs.join('\n')).toContain('Slack request refused: dated in the future');
    const skewed = await stack.driver.post(commandBody('help'), FORM_CONTENT_TYPE, { timestampSeconds: now + 30 });
    expect(skewed.status).toBe(200);
  });

  test('serves the same command sent twice by Slack as two requests (each signed anew)', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect((await stack.driver.post(commandBody('help'), FORM_CONTENT_TYPE, { timestampSeconds: now })).status).toBe(
      200,
    );
    expect(
      (await stack.driver.post(commandBody('help'), FORM_CONTENT_TYPE, { timestampSeconds: now + 1 })).status,
    ).toBe(200);
  });
});
