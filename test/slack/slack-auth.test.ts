import { ErrorCode } from '@slack/web-api';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.ts';
import { createSlackAuthorization } from '../../src/slack/slack-auth.ts';

/** The error the Web API client throws for HTTP 429 when it is told to reject rate-limited calls. */
function rateLimited(retryAfterSeconds: number): Error {
  return Object.assign(new Error(`A rate-limit has been reached, retry in ${retryAfterSeconds} seconds`), {
    code: ErrorCode.RateLimitedError,
    retryAfter: retryAfterSeconds,
  });
}

describe('Slack authorization', () => {
  it("waits Slack's Retry-After after a rate-limited auth.test, not the shorter backoff, then is authorized", async () => {
    const lines: string[] = [];
    const calledAt: number[] = [];
    const client = {
      auth: {
        test: () => {
          calledAt.push(performance.now());
          if (calledAt.length === 1) return Promise.reject(rateLimited(1));
          return Promise.resolve({ ok: true, bot_id: 'B1', user_id: 'U1', team_id: 'T1' });
        },
      },
    };
    const auth = createSlackAuthorization({
      client: client as never,
      botToken: 'xoxb-test',
      logger: createLogger({ level: 'info', write: (line) => lines.push(line) }),
      backoff: { baseMs: 10, maxMs: 10 },
    });
    expect(await auth.untilAuthorized()).toMatchObject({ botId: 'B1', botUserId: 'U1' });
    expect(calledAt[1]! - calledAt[0]!).toBeGreaterThanOrEqual(990);
    expect(lines.some((l) => l.includes('trying again in 1.0 s'))).toBe(true);
  });
});
