import type { Method } from 'axios';
import { createIdpSend, type IdpHttpOptions, type SendOutcome } from './http.ts';
import { isRecord } from '../util/is-record.ts';
import { brief, describeFailure, failed, succeeded, unread, type Failure } from './outcome.ts';
import {
  IDENTITY_PROVIDER_LABELS,
  type AccountReading,
  type AccountState,
  type IdentityProviderClient,
  type ProviderActionResult,
} from './types.ts';

export interface EntraClientOptions extends IdpHttpOptions {
  tenantId: string;
  /** Application (client) id of an app registration with the Graph application permissions below. */
  clientId: string;
  clientSecret: string;
  /** Default `https://login.microsoftonline.com`. */
  loginUrl?: string;
  /** Default `https://graph.microsoft.com`. */
  graphUrl?: string;
  /** Default `https://graph.microsoft.com/.default` (national clouds use their own Graph host). */
  scope?: string;
  /** Clock for the token's expiry, epoch milliseconds. */
  now?: () => number;
}

const LABEL = IDENTITY_PROVIDER_LABELS.AZURE_AD;
const GRAPH_PERMISSIONS =
  'the app needs the Graph application permissions User.EnableDisableAccount.All, User.RevokeSessions.All and User.Read.All';

type TokenOutcome = { ok: true; token: string } | { ok: false; failure: Failure };

/**
 * Blocks by disabling the Entra ID account (`accountEnabled: false`) and revoking its sign-in sessions,
 * with an app-only Graph token from the client-credentials grant, cached until shortly before it expires.
 */
export function createEntraClient(options: EntraClientOptions): IdentityProviderClient {
  const loginUrl = (options.loginUrl ?? 'https://login.microsoftonline.com').replace(/\/+$/, '');
  const graphUrl = (options.graphUrl ?? 'https://graph.microsoft.com').replace(/\/+$/, '');
  const scope = options.scope ?? 'https://graph.microsoft.com/.default';
  const now = options.now ?? Date.now;
  const send = createIdpSend(options);

  let cached: { token: string; refreshAt: number } | undefined;
  let pending: Promise<TokenOutcome> | undefined;

  async function requestToken(): Promise<TokenOutcome> {
    const form = new URLSearchParams({
      client_id: options.clientId,
      scope,
      client_secret: options.clientSecret,
      grant_type: 'client_credentials',
    });
    const outcome = await send('Entra ID: app token', () => ({
      method: 'POST',
      url: `${loginUrl}/${encodeURIComponent(options.tenantId)}/oauth2/v2.0/token`,
      data: form.toString(),
      headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
    }));
    if (!outcome.answered)
      return { ok: false, failure: failed(`${LABEL} sign-in endpoint ${outcome.reason}`, true, []) };
    const { status, data } = outcome.res;
    if (status === 200 && isRecord(data) && typeof data.access_token === 'string' && data.access_token !== '') {
      const expiresInS = Number(data.expires_in) > 0 ? Number(data.expires_in) : 3600;
      // Renew a little early so a token never expires between check and use: 5 min, or half a short lifetime.
      cached = { token: data.access_token, refreshAt: now() + expiresInS * 1000 - Math.min(300_000, expiresInS * 500) };
      return { ok: true, token: data.access_token };
    }
    // Token errors are `{error, error_description: "AADSTS…: …\r\nTrace ID: …"}`.
    const detail = isRecord(data) ? (brief(data.error_description) ?? brief(data.error)) : undefined;
    if (status === 400 || status === 401) {
      return {
        ok: false,
        failure: failed(`${LABEL} refused the app credentials${detail ? `: ${detail}` : ''}`, false, [], status),
      };
    }
    if (status === 408 || status === 429 || status >= 500) {
      const { error, retryable } = describeFailure({ label: `${LABEL} sign-in endpoint`, status, detail, userId: '' });
      return { ok: false, failure: failed(error, retryable, [], status) };
    }
    return {
      ok: false,
      failure: failed(`${LABEL} sign-in endpoint gave an unexpected answer (HTTP ${status})`, false, [], status),
    };
  }

  function token(): Promise<TokenOutcome> {
    if (cached && now() < cached.refreshAt) return Promise.resolve({ ok: true, token: cached.token });
    pending ??= requestToken().finally(() => {
      pending = undefined;
    });
    return pending;
  }

  /** One Graph call; a 401 (token revoked or expired early) gets one more try with a new token. */
  async function graph(what: string, method: Method, path: string, body?: object): Promise<SendOutcome | Failure> {
    for (let attempt = 0; ; attempt++) {
      const t = await token();
      if (!t.ok) return t.failure;
      const outcome = await send(`Entra ID: ${what}`, () => ({
        method,
        url: `${graphUrl}${path}`,
        data: body === undefined ? undefined : JSON.stringify(body),
        headers: {
          Accept: 'application/json',
          Authorization: `Bearer ${t.token}`,
          // false keeps axios from labelling an empty POST as a form.
          'Content-Type': body === undefined ? false : 'application/json',
        },
      }));
      if (attempt > 0 || !outcome.answered || outcome.res.status !== 401) return outcome;
      if (cached?.token === t.token) cached = undefined;
    }
  }

  function failure(outcome: SendOutcome | Failure, userId: string, steps: string[], context?: string): Failure {
    if ('ok' in outcome) return { ...outcome, steps };
    const prefix = context ? `${context}: ` : '';
    if (!outcome.answered) return failed(`${LABEL} ${prefix}Microsoft Graph ${outcome.reason}`, true, steps);
    const { error, retryable } = describeFailure({
      label: LABEL,
      status: outcome.res.status,
      detail: graphDetail(outcome.res.data),
      userId,
      forbiddenHint: GRAPH_PERMISSIONS,
    });
    return failed(context ? `${error} (${context})` : error, retryable, steps, outcome.res.status);
  }

  async function setEnabled(userId: string, accountEnabled: boolean): Promise<SendOutcome | Failure> {
    return graph(
      accountEnabled ? 'enable account' : 'disable account',
      'PATCH',
      `/v1.0/users/${encodeURIComponent(userId)}`,
      {
        accountEnabled,
      },
    );
  }

  async function readAccount(userId: string): Promise<AccountReading> {
    // accountEnabled is not among the properties Graph returns unless selected.
    const read = await graph('read account', 'GET', `/v1.0/users/${encodeURIComponent(userId)}?$select=accountEnabled`);
    const data = 'answered' in read && read.answered && isSuccess(read) ? read.res.data : undefined;
    if (isRecord(data) && typeof data.accountEnabled === 'boolean') {
      const reported = `accountEnabled: ${data.accountEnabled}`;
      return { ok: true, state: data.accountEnabled ? 'active' : 'blocked', reported };
    }
    if (isSuccess(read)) return unread(failed(`${LABEL} gave an unexpected answer to reading the account`, true, []));
    return unread(failure(read, userId, []));
  }

  async function block(userId: string, current?: AccountState): Promise<ProviderActionResult> {
    const steps: string[] = [];
    if (current === 'blocked') steps.push('Entra ID account was already disabled');
    else {
      const disabled = await setEnabled(userId, false);
      if (!isSuccess(disabled)) return failure(disabled, userId, steps);
      steps.push('Entra ID account disabled');
    }
    const revoked = await graph(
      'revoke sign-in sessions',
      'POST',
      `/v1.0/users/${encodeURIComponent(userId)}/revokeSignInSessions`,
    );
    if (!isSuccess(revoked)) return failure(revoked, userId, steps, 'could not revoke the sign-in sessions');
    steps.push('Entra ID sign-in sessions revoked');
    return succeeded(steps);
  }

  async function unblock(userId: string, current?: AccountState): Promise<ProviderActionResult> {
    if (current === 'active') return succeeded(['Entra ID account was already enabled']);
    const enabled = await setEnabled(userId, true);
    if (!isSuccess(enabled)) return failure(enabled, userId, []);
    return succeeded(['Entra ID account enabled']);
  }

  return { provider: 'AZURE_AD', label: LABEL, readAccount, block, unblock };
}

function isSuccess(outcome: SendOutcome | Failure): boolean {
  return 'answered' in outcome && outcome.answered && outcome.res.status >= 200 && outcome.res.status < 300;
}

/** Graph's error body: `{error: {code, message}}`. */
function graphDetail(data: unknown): string | undefined {
  if (!isRecord(data) || !isRecord(data.error)) return undefined;
  const message = brief(data.error.message);
  const code = typeof data.error.code === 'string' ? data.error.code : undefined;
  if (!message) return code;
  return code ? `${message} [${code}]` : message;
}
