import { backoffDelayMs } from '../util/backoff.ts';
import type { Logger } from '../logger.ts';
import { CiiUnavailableError } from './errors.ts';

export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  baseMs: number;
  maxMs: number;
  random?: () => number;
}

/** The policy with defaults for what `overrides` leaves unset (3 retries, 500 ms doubling up to 8 s). */
export function retryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  return {
    maxRetries: overrides.maxRetries ?? 3,
    baseMs: overrides.baseMs ?? 500,
    maxMs: overrides.maxMs ?? 8_000,
    random: overrides.random,
  };
}

export type AttemptFailure = { ok: false; reason: string; retryAfterMs?: number; cause?: Error };
export type AttemptOutcome<T> = { ok: true; value: T } | AttemptFailure;

/** A Retry-After longer than this means CII is not coming back soon: report it unavailable rather than hold the caller. */
const MAX_RETRY_AFTER_MS = 30_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `attempt` until it succeeds or the retries are spent, then throws CiiUnavailableError.
 * Failures that should not be retried are thrown by `attempt` itself and pass straight through.
 */
export async function withRetries<T>(
  what: string,
  policy: RetryPolicy,
  logger: Logger,
  attempt: () => Promise<AttemptOutcome<T>>,
): Promise<T> {
  for (let retry = 0; ; retry++) {
    const outcome = await attempt();
    if (outcome.ok) return outcome.value;
    const attempts = retry + 1;
    if (outcome.retryAfterMs !== undefined && outcome.retryAfterMs > MAX_RETRY_AFTER_MS) {
      logger.warn(`${what}: CII asked to retry after ${Math.ceil(outcome.retryAfterMs / 1000)} s; giving up`);
      throw new CiiUnavailableError(
        `${what}: CII is rate limiting and asked to wait ${Math.ceil(outcome.retryAfterMs / 1000)} s`,
        {
          cause: outcome.cause,
        },
      );
    }
    if (retry >= policy.maxRetries) {
      logger.warn(`${what}: giving up after ${attempts} attempts`, { reason: outcome.reason });
      throw new CiiUnavailableError(`${what} failed after ${attempts} attempts (${outcome.reason})`, {
        cause: outcome.cause,
      });
    }
    const delayMs = outcome.retryAfterMs ?? backoffDelayMs(retry, policy);
    logger.debug(`${what}: ${outcome.reason}; retrying`, { attempt: attempts, delayMs });
    await sleep(delayMs);
  }
}
