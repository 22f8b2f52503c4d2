import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { SEED_LONDON_IP, seedUser } from '../../sim/cii/seed.ts';
import type { RecordedCall } from '../../sim/slack/fake-slack.ts';
import { startStack, type Stack } from '../support/stack.ts';

const ANALYST = { userId: 'UANALYST', channelId: 'C0SOC' };
const fastRetries = { retryBaseMs: 10, retryMaxMs: 50, maxRetries: 2, timeoutMs: 8_000 };

interface Message {
  text: string;
  blocks: Array<Record<string, unknown>>;
  response_type?: string;
}

function allText(message: Message): string {
  return JSON.stringify(message.blocks) + message.text;
}

function ackMessage(body: string): Message {
  return JSON.parse(body) as Message;
}

describe('/cii lookups end to end', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ app: { cii: fastRetries } });
  });
  afterAll(() => stack.stop());
  afterEach(() => {
    stack.cii.clearFaults();
    stack.cii.setLatency(0);
    stack.slack.reset();
  });

  test('shows one compact card for a seeded user, answered in the acknowledgement', async () => {
    const user = seedUser('marcus.chen@example.com');
    const answer = await stack.driver.command('user marcus.chen@example.com', ANALYST);
    expect(answer.status).toBe(200);
    const card = ackMessage(answer.body);
    expect(card.response_type).toBe('ephemeral');
    expect(card.text).toContain(user.displayName);
    const text = allText(card);
    for (const expected of [
      user.login,
      user.title!,
      user.department!,
      'daniel.okafor',
      'Last sign-in',
      'Duo',
      'Okta',
      'Entra ID',
      'more',
      'Open in CII',
      'Share in channel',
      'Fetched',
    ]) {
      expect(text).toContain(expected);
    }
    expect(text).not.toMatch(/undefined|null/);
  });

  test('lists the users seen on an IP address with links into CII', async () => {
    const card = ackMessage((await stack.driver.command(`ip ${SEED_LONDON_IP}`, ANALYST)).body);
    expect(card.text).toContain(SEED_LONDON_IP);
    expect(allText(card)).toMatch(/<https:\/\/[^|]+\|/);
  });

  test('answers an unknown user plainly', async () => {
    const card = ackMessage((await stack.driver.command('user nobody@example.com', ANALYST)).body);
    expect(allText(card)).toContain('nobody@example.com');
    expect(card.text.toLowerCase()).toMatch(/no user|not found|unknown/);
  });

  test('rejects an invalid email or IP with the usage line and calls CII for nothing', async () => {
    const before = stack.cii.graphqlCalls().length;
    const badEmail = ackMessage((await stack.driver.command('user jane@@example', ANALYST)).body);
    expect(allText(badEmail)).toContain('/cii user');
    const badIp = ackMessage((await stack.driver.command('ip 10.0.0.300', ANALYST)).body);
    expect(allText(badIp)).toContain('/cii ip');
    expect(stack.cii.graphqlCalls().length).toBe(before);
  });

  test('shows help for an unknown subcommand, naming it', async () => {
    const card = ackMessage((await stack.driver.command('lookup jane@example.com', ANALYST)).body);
    expect(allText(card)).toContain('lookup');
    expect(allText(card)).toContain('/cii user');
  });

  test('says CII is unavailable when it keeps failing, after bounded retries', async () => {
    const before = stack.cii.graphqlCalls().length;
    stack.cii.inject({ status: 503, times: Infinity });
    const card = ackMessage((await stack.driver.command('user grace.kim@example.com', ANALYST)).body);
    expect(card.text.toLowerCase()).toMatch(/unavailable|unreachable|not reachable/);
    // Two root fields (the user and its digest), each tried at most once and retried twice.
    const calls = stack.cii.graphqlCalls().length - before;
    expect(calls).toBeGreaterThanOrEqual(3);
    expect(calls).toBeLessThanOrEqual(6);
  });

  test('says the CII answer was unexpected when CII returns GraphQL errors', async () => {
    stack.cii.inject({ graphqlErrors: [{ message: 'Resolver exploded', errorType: 'InternalFailure' }], times: 2 });
    const card = ackMessage((await stack.driver.command('user ethan.brooks@example.com', ANALYST)).body);
    expect(card.text.toLowerCase()).toMatch(/unexpected|did not expect/);
    expect(allText(card)).not.toContain('Resolver exploded');
    const logged = stack.logs.filter((l) => l.includes('Resolver exploded'));
    expect(logged.length).toBeGreaterThan(0);
    // The command's lines carry the id of the request that caused them.
    for (const line of logged)
      expect(JSON.parse(line)).toMatchObject({ reqId: expect.stringMatching(/^[0-9a-f]{16}$/) as string });
  });

  test('50 concurrent lookups of one login make one CII call', async () => {
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => stack.driver.command('user priya.raman@example.com', ANALYST)),
    );
    expect(answers.every((a) => a.status === 200 && ackMessage(a.body).text.includes('Priya'))).toBe(true);
    expect(
      stack.cii.graphqlCalls('getEndUser').filter((c) => JSON.stringify(c.variables).includes('priya')).length,
    ).toBe(1);
  });

  test('acknowledges within 3 s when CII takes 5 s, then answers through response_url', async () => {
    stack.cii.setLatency(5_000);
    const started = Date.now();
    const answer = await stack.driver.command('user zoe.williams@example.com', { ...ANALYST, userId: 'UADMIN' });
    expect(answer.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(answer.body).toBe('');
    const [late] = await stack.slack.waitForCalls('response_url', 1, 15_000);
    expect(late!.args.response_type).toBe('ephemeral');
    expect(String(late!.args.text)).toContain('Zoe');
  }, 20_000);

  test('Share in channel posts the same card to the channel, attributed to the sharer', async () => {
    stack.cii.setLatency(2_500);
    await stack.driver.command('user grace.kim@example.com', ANALYST);
    const [ephemeral] = await stack.slack.waitForCalls('response_url', 1, 10_000);
    stack.cii.setLatency(0);
    await stack.driver.click({
      ...ANALYST,
      message: ephemeral as RecordedCall,
      actionId: 'share_card',
      responseUrl: ephemeral!.url,
    });
    const [post] = await stack.slack.waitForCalls('chat.postMessage', 1);
    expect(post!.args.channel).toBe('C0SOC');
    const shared = JSON.stringify(post!.args.blocks);
    expect(shared).toContain('Grace');
    expect(shared).toContain('Shared by <@UANALYST>');
    expect(shared).not.toContain('share_card');
    const [, removed] = await stack.slack.waitForCalls('response_url', 2);
    expect(removed!.args.delete_original).toBe(true);
  });

  test('Share tells only the sharer when the lookup fails, and posts nothing in the channel', async () => {
    const ack = await stack.driver.command('user grace.kim@example.com', ANALYST);
    const card = { method: 'response_url', args: ackMessage(ack.body), at: Date.now() } as unknown as RecordedCall;
    stack.cii.inject({ status: 503, times: Infinity });
    // The card is cached: make the shared lookup go to CII again by asking for another user's card.
    await stack.driver.click({
      ...ANALYST,
      message: card,
      actionId: 'share_card',
      value: JSON.stringify({ k: 'user', q: 'walter.grant@example.com' }),
      responseUrl: ack.responseUrl,
    });
    const [answer] = await stack.slack.waitForCalls('response_url', 1, 10_000);
    expect(answer!.args.response_type).toBe('ephemeral');
    expect(String(answer!.args.text).toLowerCase()).toMatch(/unreachable|unavailable/);
    expect(stack.slack.callsTo('chat.postMessage')).toHaveLength(0);
  });

  test('Share joins a public channel it is not in, and refuses a private one with an invitation hint', async () => {
    const ack = await stack.driver.command('user grace.kim@example.com', {
      userId: 'UANALYST',
      channelId: 'C0NOTMEMBER',
    });
    // The card came back in the acknowledgement: click it as Slack shows it, an ephemeral message.
    const card = { method: 'response_url', args: ackMessage(ack.body), at: Date.now() } as unknown as RecordedCall;
    await stack.driver.click({
      userId: 'UANALYST',
      channelId: 'C0NOTMEMBER',
      message: card,
      actionId: 'share_card',
      responseUrl: ack.responseUrl,
    });
    await stack.slack.waitForCalls('chat.postMessage', 1);
    const [removed] = await stack.slack.waitForCalls('response_url', 1);
    expect(removed!.args.delete_original).toBe(true);
    expect(stack.slack.callsTo('conversations.join').map((c) => c.args.channel)).toEqual(['C0NOTMEMBER']);

    await stack.driver.click({
      userId: 'UANALYST',
      channelId: 'G0PRIVATE',
      message: card,
      actionId: 'share_card',
      responseUrl: stack.slack.newResponseUrl(),
    });
    const [, refusal] = await stack.slack.waitForCalls('response_url', 2);
    expect(JSON.stringify(refusal!.args)).toMatch(/invite/i);
    expect(stack.slack.callsTo('chat.postMessage')).toHaveLength(1);
  });

  test('status reports ping latency, the token and each integration, and reports a failure instead of throwing', async () => {
    const ok = ackMessage((await stack.driver.command('status', ANALYST)).body);
    expect(allText(ok)).toMatch(/Reachable/);
    expect(allText(ok)).toMatch(/expires/);
    expect(allText(ok)).toContain('Okta');
    expect(allText(ok)).toContain('`FAILURE`');
    expect(allText(ok)).toContain(`API URL: ${stack.cii.apiUrl} (from CII_API_URL)`);

    stack.cii.inject({ status: 500, times: Infinity });
    const down = ackMessage((await stack.driver.command('status', ANALYST)).body);
    expect(down.text.toLowerCase()).toMatch(/unreachable|not reachable|failing|down/);
  });

  test('serves liveness at /healthz', async () => {
    const res = await fetch(`${stack.app.url}/healthz`);
    expect(res.status).toBe(200);
  });
});

describe('/cii lookups when CII rejects the credentials', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { CII_CLIENT_SECRET: 'a-wrong-client-secret' }, app: { cii: fastRetries } });
  });
  afterAll(() => stack.stop());

  test('tells the analyst to ask an admin, logs the detail, and never logs the secret', async () => {
    const card = ackMessage((await stack.driver.command('user grace.kim@example.com', ANALYST)).body);
    expect(allText(card).toLowerCase()).toContain('admin');
    const logs = stack.logs.join('\n');
    expect(logs).toMatch(/rejected/i);
    expect(logs).not.toContain('a-wrong-client-secret');
  });
});

describe('/cii lookups when CII is unreachable', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { CII_API_URL: 'http://127.0.0.1:9/graphql' }, app: { cii: fastRetries } });
  });
  afterAll(() => stack.stop());

  test('says CII cannot be reached', async () => {
    const card = ackMessage((await stack.driver.command('user grace.kim@example.com', ANALYST)).body);
    expect(card.text.toLowerCase()).toMatch(/unavailable|unreachable|not reachable/);
  });
});

describe('CII configured by pasting the console’s "Copy all" object', () => {
  test('the app reaches CII with CII_CREDENTIALS alone and /cii status says where the URLs came from', async () => {
    const stack = await startStack({
      env: (cii) => ({
        CII_CLIENT_ID: undefined,
        CII_CLIENT_SECRET: undefined,
        CII_AUDIENCE: undefined,
        CII_TOKEN_URL: undefined,
        CII_API_URL: undefined,
        CII_CREDENTIALS: cii.copyAll,
      }),
    });
    try {
      const status = allText(ackMessage((await stack.driver.command('status', ANALYST)).body));
      expect(status).toMatch(/Reachable/);
      expect(status).toContain(`API URL: ${stack.cii.apiUrl} (from CII_CREDENTIALS)`);
      expect(status).toContain(`Token URL: ${stack.cii.tokenUrl} (from CII_CREDENTIALS)`);
      expect(stack.logs.join('\n')).not.toContain(stack.cii.credentials.clientSecret);
    } finally {
      await stack.stop();
    }
  });
});
