import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FORM_CONTENT_TYPE, JSON_CONTENT_TYPE, signSlackRequest, slashCommandBody } from '../../sim/slack/signer.ts';
import { SIGNING_SECRET, startStack, type Stack } from '../support/stack.ts';

const ANALYST = { userId: 'UANALYST', channelId: 'C0SOC' };

function ackText(body: string): string {
  const message = JSON.parse(body) as { text: string; blocks?: unknown[] };
  return message.text + JSON.stringify(message.blocks ?? []);
}

describe('signed Slack requests: signatures, replays and future dates', () => {
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

  /** POSTs `body` to `path` with exactly `headers` (no signature unless given). */
  const postRaw = async (path: string, body: string, headers: Record<string, string>) => {
    const res = await fetch(`${stack.app.url}${path}`, { method: 'POST', headers, body });
    return { status: res.status, body: await res.text() };
  };
  const subscriptionsText = async () => ackText((await stack.driver.command('subscriptions', ANALYST)).body);

  test.each([
    ['signed with another secret', { ...signSlackRequest('not-the-signing-secret', 'x') }, 'signature mismatch'],
    ['without a signature', {}, 'no signature'],
    ['with a signature of an unknown version', { 'x-slack-signature': `v1=${'0'.repeat(64)}` }, 'unknown signature'],
  ])('refuses a /cii subscribe %s with 401 and subscribes nothing', async (_name, headers, logged) => {
    const body = commandBody('subscribe no-mfa');
    const signed = signSlackRequest(SIGNING_SECRET, body);
    const forged = { 'x-slack-request-timestamp': signed['x-slack-request-timestamp'], ...headers };
    const answer = await postRaw('/slack/events', body, { 'content-type': FORM_CONTENT_TYPE, ...forged });
    expect(answer).toEqual({ status: 401, body: '' });
    expect(await subscriptionsText()).toContain('No CII alert subscriptions');
    expect(stack.logs.join('\n')).toContain(`Slack request refused: ${logged}`);
  });

  test('refuses a request whose body was changed after signing', async () => {
    const signed = signSlackRequest(SIGNING_SECRET, commandBody('help'));
    const answer = await postRaw('/slack/events', commandBody('subscribe no-mfa'), {
      'content-type': FORM_CONTENT_TYPE,
      ...signed,
    });
    expect(answer.status).toBe(401);
    expect(await subscriptionsText()).toContain('No CII alert subscriptions');
  });

  test('refuses a request signed more than five minutes ago, and serves one signed four minutes ago', async () => {
    const now = Math.floor(Date.now() / 1000);
    const stale = await stack.driver.post(commandBody('help'), FORM_CONTENT_TYPE, { timestampSeconds: now - 6 * 60 });
    expect(stale.status).toBe(401);
    expect(stack.logs.join('\n')).toContain('Slack request refused: stale timestamp');
    const recent = await stack.driver.post(commandBody('help'), FORM_CONTENT_TYPE, { timestampSeconds: now - 4 * 60 });
    expect(recent.status).toBe(200);
  });

  test('refuses an unsigned request sent to the events path spelled another way', async () => {
    for (const path of ['/slack/./events', '/other/../slack/events', '/slack/events?x=1']) {
      const answer = await postRaw(path, commandBody('subscribe no-mfa'), { 'content-type': FORM_CONTENT_TYPE });
      expect(answer.status, path).toBe(401);
    }
    expect(await subscriptionsText()).toContain('No CII alert subscriptions');
  });

  test("answers Slack's unsigned ssl_check with 200 and runs nothing smuggled beside it", async () => {
    const smuggled = `ssl_check=1&${commandBody('subscribe no-mfa')}`;
    const answer = await postRaw('/slack/events', smuggled, { 'content-type': FORM_CONTENT_TYPE });
    expect(answer).toEqual({ status: 200, body: '' });
    expect(await subscriptionsText()).toContain('No CII alert subscriptions');
  });

  test('refuses an unsigned url_verification, and answers a signed one with its challenge', async () => {
    const body = JSON.stringify({ type: 'url_verification', token: 't', challenge: 'c-123' });
    expect((await postRaw('/slack/events', body, { 'content-type': JSON_CONTENT_TYPE })).status).toBe(401);
    const signed = await stack.driver.post(body, JSON_CONTENT_TYPE);
    expect(signed.status).toBe(200);
    expect(JSON.parse(signed.body)).toEqual({ challenge: 'c-123' });
  });

  test('refuses a body over 4 MiB with 413 before checking it', async () => {
    const answer = await postRaw('/slack/events', `text=${'x'.repeat(4 * 1024 * 1024)}`, {
      'content-type': FORM_CONTENT_TYPE,
    });
    expect(answer.status).toBe(413);
    expect(stack.logs.join('\n')).toContain('Slack request refused: request body exceeds 4194304 bytes');
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
