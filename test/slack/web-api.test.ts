import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackWebApi, SlackApiError, type SlackFailure } from '../../src/slack/web-api.ts';

/** A Web API that answers every call with the next scripted status, headers and body. */
let answer: { status: number; headers?: Record<string, string>; body: unknown };
let server: Server;
let slack: ReturnType<typeof createSlackWebApi>;

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const client = new WebClient('xoxb-test', {
    slackApiUrl: `http://127.0.0.1:${port}/api/`,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  });
  slack = createSlackWebApi(client);
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function failureOf(): Promise<{ failure: SlackFailure; code?: string; message: string }> {
  const err: unknown = await slack.postMessage({ channel: 'C1', text: 'hi', blocks: [] }).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof SlackApiError)) throw new Error(`expected a SlackApiError, got ${String(err)}`);
  return { failure: err.failure, code: err.code, message: err.message };
}

describe('Slack Web API adapter', () => {
  it('returns the ts of a posted message', async () => {
    answer = { status: 200, body: { ok: true, ts: '123.456', channel: 'C1' } };
    expect(await slack.postMessage({ channel: 'C1', text: 'hi', blocks: [] })).toEqual({ ts: '123.456' });
  });

  it('classifies a 429 as rate limited with its Retry-After', async () => {
    answer = { status: 429, headers: { 'retry-after': '7' }, body: { ok: false, error: 'ratelimited' } };
    expect((await failureOf()).failure).toEqual({ kind: 'rate_limited', retryAfterMs: 7_000 });
  });

  it('classifies a 5xx and a "try later" code as transient', async () => {
    answer = { status: 503, body: {} };
    expect((await failureOf()).failure).toEqual({ kind: 'transient' });
    answer = { status: 200, body: { ok: false, error: 'internal_error' } };
    expect(await failureOf()).toMatchObject({ failure: { kind: 'transient' }, code: 'internal_error' });
  });

  it.each([
    ['invalid_blocks', 'message'],
    ['channel_not_found', 'channel'],
    ['is_archived', 'channel'],
    ['restricted_action', 'channel'],
    ['invalid_auth', 'app'],
    ['missing_scope', 'app'],
    ['token_revoked', 'app'],
  ] as const)('classifies %s as permanent for the %s', async (code, scope) => {
    answer = { status: 200, body: { ok: false, error: code } };
    expect(await failureOf()).toEqual({
      failure: { kind: 'permanent', scope, code },
      code,
      message: `Slack refused the call: ${code}`,
    });
  });

  it('reads a channel’s membership, and classifies a refused update the same way as a refused post', async () => {
    answer = { status: 200, body: { ok: true, channel: { id: 'C1', is_member: false, is_private: true } } };
    expect(await slack.channelInfo('C1')).toEqual({ isArchived: false, isMember: false, isPrivate: true });
    answer = { status: 200, body: { ok: false, error: 'channel_not_found' } };
    await expect(slack.updateMessage({ channel: 'C1', ts: '1.1', text: 'hi', blocks: [] })).rejects.toMatchObject({
      failure: { kind: 'permanent', scope: 'channel', code: 'channel_not_found' },
    });
  });
});
