import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelayMs, type BackoffOptions } from './backoff.ts';

export interface RetryUntilOptions {
  backoff: BackoffOptions;
  /** A failure that waiting will not mend: stop and rethrow it. */
  isFatal(err: unknown): boolean;
  /** The least wait a failure asks for (a rate limit's Retry-After), when more than the backoff's. */
  waitAtLeastMs?(err: unknown): number | undefined;
  /** Told once per failed attempt, with the wait before the next one. */
  onRetry(err: unknown, attempt: number, delayMs: number): void;
  /** Stops the waiting (shutdown): the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

/**
 * Calls `attempt` until it succeeds or fails fatally, waiting with capped exponential backoff in between, or longer
 * when the failure asks for it.
 */
export async function retryUntil<T>(attempt: () => Promise<T>, opts: RetryUntilOptions): Promise<T> {
  for (let n = 0; ; n++) {
    opts.signal?.throwIfAborted();
    try {
      return await attempt();
    } catch (err) {
      if (opts.isFatal(err)) throw err;
      const delayMs = Math.max(backoffDelayMs(n, opts.backoff), opts.waitAtLeastMs?.(err) ?? 0);
      opts.onRetry(err, n + 1, delayMs);
      await sleep(delayMs, undefined, opts.signal ? { signal: opts.signal } : {});
    }
  }
}
