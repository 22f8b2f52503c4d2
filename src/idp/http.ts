import axios, { type AxiosRequestConfig, type AxiosResponse } from 'axios';
import { silentLogger, type Logger } from '../logger.ts';
import { backoffDelayMs, parseRetryAfterMs } from '../util/backoff.ts';

export interface IdpRetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  baseMs: number;
  maxMs: number;
  random?: () => number;
}

/** Options every provider client accepts for its HTTP calls. */
export interface IdpHttpOptions {
  timeoutMs?: number;
  retry?: Partial<IdpRetryPolicy>;
  /** Waits between attempts; tests replace it to record the delays instead of sleeping. */
  sleep?: (ms: number) => Promise<void>;
  logger?: Logger;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_RETRY: IdpRetryPolicy = { maxRetries: 2, baseMs: 500, maxMs: 5_000 };
/** An analyst is waiting on the button: a provider asking for a longer pause gets a retryable failure instead. */
const MAX_RETRY_AFTER_MS = 30_000;

/** The provider answered (any status, possibly after retries), or never did. */
export type SendOutcome = { answered: true; res: AxiosResponse<unknown> } | { answered: false; reason: string };

export type Send = (what: string, build: () => AxiosRequestConfig) => Promise<SendOutcome>;

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function headerValue(res: AxiosResponse<unknown>, name: string): string | undefined {
  const value: unknown = res.headers[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * Sends with bounded retries on 408, 429, 5xx and network failures, honouring Retry-After (or the
 * provider's own hint from `waitHintMs`). `build` runs for every attempt, so signatures stay fresh.
 * Never throws for transport problems; axios errors are not passed on because their config holds credentials.
 */
export function createIdpSend(
  options: IdpHttpOptions & { waitHintMs?: (res: AxiosResponse<unknown>) => number | undefined },
): Send {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const policy: IdpRetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
  const sleep = options.sleep ?? realSleep;
  const logger = options.logger ?? silentLogger;
  const http = axios.create({ timeout: timeoutMs, validateStatus: () => true, maxRedirects: 0 });

  return async (what, build) => {
    for (let retry = 0; ; retry++) {
      let outcome: SendOutcome;
      let waitMs: number | undefined;
      try {
        const res = await http.request<unknown>(build());
        if (!isTransient(res.status)) return { answered: true, res };
        outcome = { answered: true, res };
        waitMs = parseRetryAfterMs(headerValue(res, 'retry-after')) ?? options.waitHintMs?.(res);
      } catch (err) {
        outcome = { answered: false, reason: unreachableReason(err, timeoutMs) };
      }
      const reason = outcome.answered ? `HTTP ${outcome.res.status}` : outcome.reason;
      if (retry >= policy.maxRetries) {
        logger.warn(`${what}: giving up after ${retry + 1} attempts`, { reason });
        return outcome;
      }
      if (waitMs !== undefined && waitMs > MAX_RETRY_AFTER_MS) {
        logger.warn(`${what}: asked to wait ${Math.ceil(waitMs / 1000)} s; not retrying now`, { reason });
        return outcome;
      }
      const delayMs = waitMs ?? backoffDelayMs(retry, policy);
      logger.debug(`${what}: ${reason}; retrying`, { attempt: retry + 1, delayMs });
      await sleep(delayMs);
    }
  };
}

function isTransient(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

function unreachableReason(err: unknown, timeoutMs: number): string {
  if (!axios.isAxiosError(err)) throw err;
  if (err.code === 'ECONNABORTED' || err.code === 'ETIMEDOUT') return `did not answer within ${timeoutMs} ms`;
  return `could not be reached (${err.code ?? 'network error'})`;
}
