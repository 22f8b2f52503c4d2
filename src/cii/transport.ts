import type { Axios, AxiosRequestConfig, AxiosResponse } from 'axios';
import { z } from 'zod';
import { isRecord } from '../util/is-record.ts';
import { silentLogger, type Logger } from '../logger.ts';
import { CiiCredentialsError, CiiGraphqlError, CiiNotFoundError, CiiUnexpectedResponseError } from './errors.ts';
import { createCiiHttp, networkFailure, transientFailure } from './http.ts';
import { retryPolicy, withRetries, type RetryPolicy } from './retry.ts';
import type { TokenProvider } from './token-provider.ts';

export interface CiiTransportOptions {
  apiUrl: string;
  tokens: Pick<TokenProvider, 'getToken' | 'invalidate'>;
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  logger?: Logger;
  /** The CII client's one axios instance (see createCiiHttp); a new one when not given. */
  http?: Axios;
}

export interface CiiTransport {
  /** Sends one GraphQL document and returns `data[rootField]` validated by `schema`. */
  request<T>(query: string, variables: Record<string, unknown>, schema: z.ZodType<T>, rootField: string): Promise<T>;
}

interface GraphqlError {
  message: string;
  errorType?: string;
}

const envelopeSchema = z.object({
  // Checked, not copied: `data` is read once, by the root field's own schema (a record schema copied it per call).
  data: z.custom<Record<string, unknown>>(isRecord).nullish(),
  errors: z
    .array(
      z.object({
        message: z.string().catch('(no message)'),
        errorType: z
          .string()
          .nullish()
          .transform((v) => v ?? undefined),
      }),
    )
    .nullish(),
});

const NOT_FOUND = /not.?found/i;
const MAX_ISSUES_NAMED = 5;

export function createCiiTransport(opts: CiiTransportOptions): CiiTransport {
  const logger = opts.logger ?? silentLogger;
  const http = opts.http ?? createCiiHttp(opts.timeoutMs ?? 10_000);
  const policy = retryPolicy(opts.retry);
  // The request options change only with the token: built once per token, not per call. request() rather than
  // post(): axios's method aliases merge their arguments into a new config before request() merges it again.
  let authorized: { token: string; config: AxiosRequestConfig } | undefined;
  const configFor = (token: string): AxiosRequestConfig => {
    if (authorized?.token !== token) {
      authorized = {
        token,
        config: { method: 'post', url: opts.apiUrl, headers: { Authorization: `Bearer ${token}` } },
      };
    }
    return authorized.config;
  };

  /** Posts with transient-failure retries; on a 401 gets a new token and tries once more. */
  async function send(payload: string, rootField: string): Promise<AxiosResponse<unknown>> {
    for (let pass = 1; ; pass++) {
      const token = await opts.tokens.getToken();
      const config = configFor(token);
      const res = await withRetries(`CII ${rootField}`, policy, logger, async () => {
        try {
          const answer = await http.request<unknown>({ ...config, data: payload });
          return transientFailure(answer) ?? { ok: true as const, value: answer };
        } catch (err) {
          return networkFailure(err);
        }
      });
      if (res.status !== 401) return res;
      opts.tokens.invalidate(token);
      if (pass === 2) {
        throw new CiiCredentialsError(
          'CII rejected a freshly issued access token (HTTP 401); check the API client, its audience and the API URL',
        );
      }
      logger.info(`CII refused the access token for ${rootField} (HTTP 401); fetching a new one`);
    }
  }

  return {
    async request<T>(
      query: string,
      variables: Record<string, unknown>,
      schema: z.ZodType<T>,
      rootField: string,
    ): Promise<T> {
      const res = await send(JSON.stringify({ query, variables }), rootField);
      if (res.status === 403) {
        throw new CiiCredentialsError(`CII refused ${rootField} for this API client (HTTP 403)`);
      }
      const envelope = envelopeSchema.safeParse(res.data);
      if (!envelope.success) {
        throw new CiiUnexpectedResponseError(
          `CII answered ${rootField} with HTTP ${res.status} and no GraphQL response`,
        );
      }
      const errors = envelope.data.errors ?? [];
      if (errors.length > 0) throw graphqlFailure(rootField, errors);
      if (res.status < 200 || res.status >= 300) {
        throw new CiiUnexpectedResponseError(`CII answered ${rootField} with HTTP ${res.status}`);
      }
      const parsed = schema.safeParse(envelope.data.data?.[rootField]);
      if (!parsed.success) {
        const issues = parsed.error.issues
          .slice(0, MAX_ISSUES_NAMED)
          .map((i) => `${fieldPath(rootField, i.path)}: ${i.message}`);
        throw new CiiUnexpectedResponseError(`CII's answer does not have the expected shape (${issues.join('; ')})`);
      }
      return parsed.data;
    },
  };
}

function graphqlFailure(rootField: string, errors: GraphqlError[]): Error {
  const notFound = errors.find((e) => NOT_FOUND.test(e.errorType ?? '') || NOT_FOUND.test(e.message));
  if (notFound) return new CiiNotFoundError(`CII found nothing for ${rootField}: ${notFound.message}`);
  const messages = errors.map((e) => (e.errorType ? `${e.errorType}: ${e.message}` : e.message));
  return new CiiGraphqlError(`CII reported an error for ${rootField}: ${messages.join('; ').slice(0, 500)}`, errors);
}

/** `getEndUser.endUserDetails.devices[0].deviceId` */
function fieldPath(rootField: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : `${acc}.${String(key)}`),
    rootField,
  );
}
