import type { AxiosResponse, Method } from 'axios';
import { createIdpSend, headerValue, type IdpHttpOptions, type SendOutcome } from './http.ts';
import { isRecord } from '../util/is-record.ts';
import { brief, describeFailure, failed, succeeded, unread, type Failure } from './outcome.ts';
import {
  IDENTITY_PROVIDER_LABELS,
  type AccountReading,
  type AccountState,
  type IdentityProviderClient,
  type ProviderActionResult,
} from './types.ts';

export interface OktaClientOptions extends IdpHttpOptions {
  /** `https://your-org.okta.com`. */
  orgUrl: string;
  /** An API token (sent as `SSWS <token>`) of an admin allowed to manage the users. */
  apiToken: string;
  /** Clock for X-Rate-Limit-Reset, epoch milliseconds. */
  now?: () => number;
}

const LABEL = IDENTITY_PROVIDER_LABELS.OKTA;
/** Okta's "API validation failed": for the lifecycle calls, the user is not in a state the transition starts from. */
const NOT_IN_STATE = 'E0000001';

/** Blocks by suspending the Okta user, then clearing their sessions and OAuth tokens. */
export function createOktaClient(options: OktaClientOptions): IdentityProviderClient {
  const orgUrl = options.orgUrl.replace(/\/+$/, '');
  const now = options.now ?? Date.now;
  const send = createIdpSend({ ...options, waitHintMs: (res) => rateLimitResetWaitMs(res, now()) });

  const call = (what: string, method: Method, path: string, params?: Record<string, string>) =>
    send(`Okta: ${what}`, () => ({
      method,
      url: `${orgUrl}${path}`,
      params,
      headers: {
        Accept: 'application/json',
        'Content-Type': 'application/json',
        Authorization: `SSWS ${options.apiToken}`,
      },
    }));

  async function readAccount(userId: string): Promise<AccountReading> {
    const read = await call('read user', 'GET', `/api/v1/users/${encodeURIComponent(userId)}`);
    const data = read.answered && isSuccess(read) ? read.res.data : undefined;
    if (isRecord(data) && typeof data.status === 'string') {
      const state = data.status === 'SUSPENDED' ? 'blocked' : data.status === 'ACTIVE' ? 'active' : 'other';
      return { ok: true, state, reported: data.status };
    }
    if (isSuccess(read)) return unread(failed(`${LABEL} gave an unexpected answer to reading the user`, true, []));
    return unread(failure(read, userId, []));
  }

  async function block(userId: string, current?: AccountState): Promise<ProviderActionResult> {
    const user = `/api/v1/users/${encodeURIComponent(userId)}`;
    const steps: string[] = [];
    if (current === 'blocked') steps.push('Okta user was already suspended');
    else {
      const suspended = await call('suspend user', 'POST', `${user}/lifecycle/suspend`);
      if (isSuccess(suspended)) steps.push('Okta user suspended');
      // Suspending anyone not ACTIVE is refused with E0000001; such a user cannot sign in already.
      else if (oktaErrorCode(suspended) === NOT_IN_STATE) steps.push('Okta user was already suspended or not active');
      else return failure(suspended, userId, steps);
    }

    const cleared = await call('clear sessions', 'DELETE', `${user}/sessions`, { oauthTokens: 'true' });
    if (!isSuccess(cleared)) return failure(cleared, userId, steps, 'could not clear the sessions');
    steps.push('Okta sessions and OAuth tokens revoked');
    return succeeded(steps);
  }

  async function unblock(userId: string, current?: AccountState): Promise<ProviderActionResult> {
    if (current === 'active') return succeeded(['Okta user was already active']);
    const unsuspended = await call(
      'unsuspend user',
      'POST',
      `/api/v1/users/${encodeURIComponent(userId)}/lifecycle/unsuspend`,
    );
    if (isSuccess(unsuspended)) return succeeded(['Okta user unsuspended']);
    if (oktaErrorCode(unsuspended) === NOT_IN_STATE) {
      return failed(
        `${LABEL} did not unsuspend the user: ${oktaDetail(unsuspended) ?? 'the user is not suspended'}`,
        false,
        [],
        unsuspended.answered ? unsuspended.res.status : undefined,
      );
    }
    return failure(unsuspended, userId, []);
  }

  return { provider: 'OKTA', label: LABEL, readAccount, block, unblock };
}

function isSuccess(outcome: SendOutcome): boolean {
  return outcome.answered && outcome.res.status >= 200 && outcome.res.status < 300;
}

function failure(outcome: SendOutcome, userId: string, steps: string[], context?: string): Failure {
  const prefix = context ? `${context}: ` : '';
  if (!outcome.answered) return failed(`${LABEL} ${prefix}${outcome.reason}`, true, steps);
  const { error, retryable } = describeFailure({
    label: LABEL,
    status: outcome.res.status,
    detail: oktaDetail(outcome),
    userId,
    forbiddenHint: "the API token's admin may not manage this user",
  });
  return failed(context ? `${error} (${context})` : error, retryable, steps, outcome.res.status);
}

function oktaErrorCode(outcome: SendOutcome): string | undefined {
  if (!outcome.answered || !isRecord(outcome.res.data)) return undefined;
  const code = outcome.res.data.errorCode;
  return typeof code === 'string' ? code : undefined;
}

/** Okta's error body: `{errorCode, errorSummary, errorLink, errorId, errorCauses: [{errorSummary}]}`. */
function oktaDetail(outcome: SendOutcome): string | undefined {
  if (!outcome.answered || !isRecord(outcome.res.data)) return undefined;
  const { errorSummary, errorCauses, errorCode } = outcome.res.data;
  const causes = Array.isArray(errorCauses)
    ? errorCauses.map((c) => (isRecord(c) ? brief(c.errorSummary) : undefined)).filter((c) => c !== undefined)
    : [];
  const summary = brief(errorSummary);
  if (!summary && causes.length === 0) return undefined;
  const text = [summary, ...causes].filter(Boolean).join('; ');
  return typeof errorCode === 'string' ? `${text} [${errorCode}]` : text;
}

/** Okta says when its rate-limit window resets (X-Rate-Limit-Reset, epoch seconds) rather than sending Retry-After. */
function rateLimitResetWaitMs(res: AxiosResponse<unknown>, nowMs: number): number | undefined {
  if (res.status !== 429) return undefined;
  const reset = Number(headerValue(res, 'x-rate-limit-reset'));
  return Number.isFinite(reset) && reset > 0 ? Math.max(0, reset * 1000 - nowMs) : undefined;
}
