import { z } from 'zod';
import { silentLogger, type Logger } from '../logger.ts';
import { CiiGraphqlError } from './errors.ts';
import { missingArgument } from './missing-argument.ts';
import * as q from './queries.ts';
import type { RetryPolicy } from './retry.ts';
import {
  endUserSchema,
  endUserStateSchema,
  endUsersByIpPageSchema,
  integrationStatusSchema,
  type EndUser,
  type EndUserRef,
  type EndUsersByIp,
  type EndUserState,
  type IntegrationStatus,
} from './schemas.ts';
import { createCiiHttp } from './http.ts';
import { createTokenProvider, type TokenStatus } from './token-provider.ts';
import { createCiiTransport } from './transport.ts';

export interface CiiClientOptions {
  tokenUrl: string;
  apiUrl: string;
  clientId: string;
  clientSecret: string;
  audience?: string;
  /** Where each URL came from (a variable name or the region preset), for `endpoints()`. */
  urlSources?: { tokenUrl: string; apiUrl: string };
  /** Per HTTP request; default 10 s. */
  timeoutMs?: number;
  /** Retries after the first attempt on 429, 5xx, network errors and timeouts; default 3. */
  maxRetries?: number;
  /** Backoff ceiling of the first retry, doubling up to retryMaxMs; defaults 500 ms and 8 s. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  logger?: Logger;
}

export interface CiiClient {
  ping(): Promise<boolean>;
  getEndUserState(login: string): Promise<EndUserState>;
  getEndUser(login: string): Promise<EndUser>;
  /** Follows pages until `maxUsers` (default 200; more → truncated: true). `pageSize` default 100, at most 500. */
  getEndUsersByIp(ip: string, opts?: { maxUsers?: number; pageSize?: number }): Promise<EndUsersByIp>;
  /** Undefined when this CII API no longer has the field (dropped from the docs in 2024). */
  getIntegrationsStatus(): Promise<IntegrationStatus[] | undefined>;
  registerWebhookWithApiKey(input: {
    name: string;
    endpoint: string;
    apiKeyName: string;
    apiKey: string;
    checkIds: string[];
  }): Promise<string>;
  unregisterWebhook(id: string): Promise<boolean>;
  tokenStatus(): TokenStatus | undefined;
  /** The URLs in use and where each came from. */
  endpoints(): CiiEndpoints;
}

export interface CiiEndpoints {
  apiUrl: { url: string; source?: string };
  tokenUrl: { url: string; source?: string };
}

const MAX_PAGE_SIZE = 500;

export function createCiiClient(opts: CiiClientOptions): CiiClient {
  const logger = (opts.logger ?? silentLogger).child('cii');
  const retry: Partial<RetryPolicy> = { maxRetries: opts.maxRetries, baseMs: opts.retryBaseMs, maxMs: opts.retryMaxMs };
  // One axios instance, one connection pool, for the token endpoint and the API.
  const http = createCiiHttp(opts.timeoutMs ?? 10_000);
  const tokens = createTokenProvider({
    http,
    tokenUrl: opts.tokenUrl,
    clientId: opts.clientId,
    clientSecret: opts.clientSecret,
    audience: opts.audience,
    retry,
    logger,
  });
  const transport = createCiiTransport({ apiUrl: opts.apiUrl, tokens, http, retry, logger });

  async function getEndUsersByIp(
    ip: string,
    options: { maxUsers?: number; pageSize?: number } = {},
  ): Promise<EndUsersByIp> {
    const maxUsers = Math.max(1, Math.floor(options.maxUsers ?? 200));
    const pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, Math.floor(options.pageSize ?? 100)));
    const users: EndUserRef[] = [];
    let pageToken: string | undefined;
    for (;;) {
      const page = await transport.request(
        q.GET_END_USERS_BY_IP,
        { ipAddress: ip, pageSize, pageToken: pageToken ?? null },
        endUsersByIpPageSchema,
        'getEndUsersByIp',
      );
      users.push(...page.items);
      const next = page.pageToken ?? undefined;
      if (users.length > maxUsers) return { users: users.slice(0, maxUsers), truncated: true };
      if (users.length === maxUsers) return { users, truncated: next !== undefined };
      // An empty page or a repeated token would otherwise loop forever.
      if (next === undefined || page.items.length === 0 || next === pageToken) return { users, truncated: false };
      pageToken = next;
    }
  }

  // CII's schema names the argument `login`; should this tenant ask for another (one rendering of the docs shows
  // `email`), the name it asks for is used from then on.
  let stateArgument = 'login';
  async function getEndUserState(login: string): Promise<EndUserState> {
    const asked = (argument: string) =>
      transport.request(q.endUserStateQuery(argument), { login }, endUserStateSchema, 'getEndUserState');
    const tried = stateArgument;
    try {
      return await asked(tried);
    } catch (err) {
      const wanted = err instanceof CiiGraphqlError ? missingArgument(err.errors, 'getEndUserState') : undefined;
      if (!wanted || wanted === tried) throw err;
      if (stateArgument !== wanted) {
        logger.warn('CII getEndUserState requires another argument name; using it from now on', {
          argument: wanted,
          insteadOf: tried,
        });
        stateArgument = wanted;
      }
      return asked(wanted);
    }
  }

  return {
    ping: () => transport.request(q.PING, {}, z.boolean(), 'ping'),
    getEndUserState,
    getEndUser: (login) => transport.request(q.GET_END_USER, { login }, endUserSchema, 'getEndUser'),
    getEndUsersByIp,
    async getIntegrationsStatus() {
      try {
        return await transport.request(
          q.GET_INTEGRATIONS_STATUS,
          {},
          z.array(integrationStatusSchema),
          'getIntegrationsStatus',
        );
      } catch (err) {
        if (err instanceof CiiGraphqlError && err.errors.some(isMissingFieldError)) {
          logger.debug('this CII API has no getIntegrationsStatus');
          return undefined;
        }
        throw err;
      }
    },
    registerWebhookWithApiKey: (input) =>
      transport.request(q.REGISTER_WEBHOOK_WITH_API_KEY, { ...input }, z.string().min(1), 'registerWebhookWithApiKey'),
    unregisterWebhook: (id) => transport.request(q.UNREGISTER_WEBHOOK, { id }, z.boolean(), 'unregisterWebhook'),
    tokenStatus: () => tokens.status(),
    endpoints: () => ({
      apiUrl: { url: opts.apiUrl, source: opts.urlSources?.apiUrl },
      tokenUrl: { url: opts.tokenUrl, source: opts.urlSources?.tokenUrl },
    }),
  };
}

/**
 * Only the root field itself being unknown means "this API has no integration health": graphql-js says
 * `Cannot query field "getIntegrationsStatus" on type "Query"`, AppSync `Field 'getIntegrationsStatus' in type
 * 'Query' is undefined`. Any other validation error (a field of ours the type lacks) is a failure to report.
 */
function isMissingFieldError(e: { message: string }): boolean {
  return /field ["']getIntegrationsStatus["'] (on|in) type ["']Query["']/i.test(e.message);
}
