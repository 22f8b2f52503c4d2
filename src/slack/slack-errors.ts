// What a failed Slack Web API call says, for start-up decisions and log lines.
import { ErrorCode } from '@slack/web-api';

export function platformErrorOf(err: unknown): string | undefined {
  const data = (err as { data?: { error?: unknown } } | undefined)?.data;
  return typeof data?.error === 'string' ? data.error : undefined;
}

/** The platform error, or the network error's code (a refused connection is `ECONNREFUSED`), else the message. */
export function reasonOf(err: unknown): string {
  const code = platformErrorOf(err);
  if (code) return code;
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    const { code: c, original, cause } = e as { code?: unknown; original?: unknown; cause?: unknown };
    if (typeof c === 'string' && !c.startsWith('slack_')) return c;
    e = original ?? cause;
  }
  return err instanceof Error ? err.message : String(err);
}

/** How long Slack asked to wait when it rate-limited the call (HTTP 429, Retry-After), else undefined. */
export function retryAfterMsOf(err: unknown): number | undefined {
  const { code, retryAfter } = (err ?? {}) as { code?: unknown; retryAfter?: unknown };
  if (code !== ErrorCode.RateLimitedError) return undefined;
  return typeof retryAfter === 'number' && retryAfter >= 0 ? retryAfter * 1000 : undefined;
}
