import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { parseRetryAfterMs } from '../util/backoff.ts';
import type { AttemptFailure } from './retry.ts';

/** CII documents no rate limit: stay polite with a bounded number of connections, kept alive between calls. */
const MAX_CONNECTIONS = 128;

/** The axios instance both CII calls use: every status is an answer to inspect, never a throw. */
export function createCiiHttp(timeoutMs: number): AxiosInstance {
  return axios.create({
    timeout: timeoutMs,
    validateStatus: () => true,
    headers: { Accept: 'application/json' },
    // A redirect would resend the bearer token or the client secret elsewhere: CII's endpoints do not redirect.
    maxRedirects: 0,
    httpAgent: new HttpAgent({ keepAlive: true, maxSockets: MAX_CONNECTIONS }),
    httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: MAX_CONNECTIONS }),
  });
}

/** A failure worth retrying (429, 408, 5xx), or undefined for any other answer. */
export function transientFailure(res: AxiosResponse<unknown>): AttemptFailure | undefined {
  if (res.status === 429 || res.status === 408 || res.status >= 500) {
    const header: unknown = res.headers['retry-after'];
    return {
      ok: false,
      reason: `HTTP ${res.status}`,
      retryAfterMs: res.status === 429 ? parseRetryAfterMs(typeof header === 'string' ? header : undefined) : undefined,
    };
  }
  return undefined;
}

/**
 * A request that got no answer (refused, reset, timed out). The cause is rebuilt from the code and message
 * because axios errors carry the request config, whose headers and body hold the token or the client secret.
 */
export function networkFailure(err: unknown): AttemptFailure {
  if (!axios.isAxiosError(err)) throw err;
  const timedOut = err.code === 'ECONNABORTED' || err.code === 'ETIMEDOUT';
  const reason = timedOut ? 'timed out' : `network error (${err.code ?? 'no code'})`;
  return { ok: false, reason, cause: new Error(`${err.code ?? 'network error'}: ${err.message}`) };
}
