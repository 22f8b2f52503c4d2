import type { Axios, AxiosResponse } from 'axios';
import { z } from 'zod';
import { silentLogger, type Logger } from '../logger.ts';
import { CiiCredentialsError, CiiUnexpectedResponseError } from './errors.ts';
import { createCiiHttp, networkFailure, transientFailure } from './http.ts';
import { retryPolicy, withRetries, type RetryPolicy } from './retry.ts';

export interface TokenProviderOptions {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** Only API clients created before September 2025 have one; sent only when set. */
  audience?: string;
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** How long before expiry a token is replaced; capped at half the token's lifetime. */
  safetyMarginMs?: number;
  now?: () => number;
  logger?: Logger;
  /** The CII client's one axios instance (see createCiiHttp); a new one when not given. */
  http?: Axios;
}

export interface TokenStatus {
  obtainedAt: Date;
  expiresAt: Date;
}

export interface TokenProvider {
  getToken(): Promise<string>;
  /** Forgets `token` if it is still the cached one (a newer token is kept). */
  invalidate(token: string): void;
  status(): TokenStatus | undefined;
}

const DEFAULT_LIFETIME_S = 36_000;

const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().positive().nullish(),
});

const tokenErrorSchema = z.object({ error: z.string().optional(), error_description: z.string().optional() });

interface CachedToken {
  token: string;
  obtainedAt: number;
  expiresAt: number;
  replaceAt: number;
}

/** OAuth client-credentials tokens for the CII API, cached until shortly before expiry and fetched once for concurrent callers. */
export function createTokenProvider(opts: TokenProviderOptions): TokenProvider {
  const now = opts.now ?? Date.now;
  const logger = opts.logger ?? silentLogger;
  const http = opts.http ?? createCiiHttp(opts.timeoutMs ?? 10_000);
  const policy = retryPolicy(opts.retry);
  const safetyMarginMs = opts.safetyMarginMs ?? 5 * 60_000;
  let cached: CachedToken | undefined;
  let inFlight: Promise<CachedToken> | undefined;

  const body = JSON.stringify({
    client_id: opts.clientId,
    client_secret: opts.clientSecret,
    grant_type: 'client_credentials',
    ...(opts.audience ? { audience: opts.audience } : {}),
  });

  async function fetchToken(): Promise<CachedToken> {
    const res = await withRetries('CII token request', policy, logger, async () => {
      const requestedAt = now();
      try {
        const answer = await http.post<unknown>(opts.tokenUrl, body);
        return transientFailure(answer) ?? { ok: true as const, value: { answer, requestedAt } };
      } catch (err) {
        return networkFailure(err);
      }
    });
    return toCachedToken(res.answer, res.requestedAt);
  }

  function toCachedToken(res: AxiosResponse<unknown>, requestedAt: number): CachedToken {
    if (res.status === 400 || res.status === 401 || res.status === 403) {
      throw new CiiCredentialsError(
        `CII rejected the API client credentials (HTTP ${res.status}${describeTokenError(res.data)})`,
      );
    }
    if (res.status < 200 || res.status >= 300) {
      throw new CiiUnexpectedResponseError(`CII's token endpoint answered HTTP ${res.status}; check the token URL`);
    }
    const parsed = tokenResponseSchema.safeParse(res.data);
    if (!parsed.success) {
      const fields = parsed.error.issues.map((i) => i.path.join('.') || 'body').join(', ');
      throw new CiiUnexpectedResponseError(`CII's token endpoint answered without a usable token (${fields})`);
    }
    // Measured from when the request was sent, so the token never outlives what CII granted.
    const lifetimeMs = (parsed.data.expires_in ?? DEFAULT_LIFETIME_S) * 1000;
    const expiresAt = requestedAt + lifetimeMs;
    logger.debug('obtained a CII access token', { expiresAt: new Date(expiresAt).toISOString() });
    return {
      token: parsed.data.access_token,
      obtainedAt: requestedAt,
      expiresAt,
      replaceAt: expiresAt - Math.min(safetyMarginMs, lifetimeMs / 2),
    };
  }

  /** CII's own error code and description, if any; the secret is cut out in case an endpoint echoes it. */
  function describeTokenError(data: unknown): string {
    const parsed = tokenErrorSchema.safeParse(data);
    if (!parsed.success) return '';
    const text = [parsed.data.error, parsed.data.error_description].filter(Boolean).join(': ');
    if (!text) return '';
    const safe = opts.clientSecret ? text.replaceAll(opts.clientSecret, '[redacted]') : text;
    return `: ${safe.slice(0, 300)}`;
  }

  return {
    async getToken() {
      if (cached && now() < cached.replaceAt) return cached.token;
      inFlight ??= fetchToken()
        .then((fresh) => (cached = fresh))
        .finally(() => {
          inFlight = undefined;
        });
      return (await inFlight).token;
    },
    invalidate(token) {
      if (cached?.token === token) cached = undefined;
    },
    status() {
      return cached && { obtainedAt: new Date(cached.obtainedAt), expiresAt: new Date(cached.expiresAt) };
    },
  };
}
