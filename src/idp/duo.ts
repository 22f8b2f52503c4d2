import { createIdpSend, type IdpHttpOptions } from './http.ts';
import { duoRequests } from './duo-request.ts';
import { isRecord } from '../util/is-record.ts';
import { brief, describeFailure, failed, succeeded, unread } from './outcome.ts';
import {
  IDENTITY_PROVIDER_LABELS,
  type AccountReading,
  type IdentityProviderClient,
  type ProviderActionResult,
} from './types.ts';

export interface DuoClientOptions extends IdpHttpOptions {
  /** The Admin API hostname, `https://api-xxxxxxxx.duosecurity.com` (a bare hostname means https). */
  apiUrl: string;
  /** Integration key of an Admin API application with "Grant write resource". */
  ikey: string;
  skey: string;
  /** Clock for the signed date. */
  now?: () => Date;
}

const LABEL = IDENTITY_PROVIDER_LABELS.DUO;

/** Blocks by setting the Duo user's status to `disabled` (Duo ends nothing else: it refuses their next authentication). */
export function createDuoClient(options: DuoClientOptions): IdentityProviderClient {
  const request = duoRequests(options);
  const send = createIdpSend(options);

  const call = (what: string, method: 'GET' | 'POST', userId: string, params: Record<string, string>) =>
    send(`Duo: ${what}`, () => request(method, `/admin/v1/users/${encodeURIComponent(userId)}`, params));

  /** A refusal in words; `hint` names the permission a 403 points to. */
  const refusal = (httpStatus: number, data: unknown, userId: string, hint: string) => {
    const { error, retryable } = describeFailure({
      label: LABEL,
      status: httpStatus,
      detail: duoDetail(data),
      userId,
      forbiddenHint: hint,
    });
    return failed(error, retryable, [], httpStatus);
  };

  async function setStatus(userId: string, status: 'disabled' | 'active', done: string): Promise<ProviderActionResult> {
    const outcome = await call(`set user status ${status}`, 'POST', userId, { status });
    if (!outcome.answered) return failed(`${LABEL} ${outcome.reason}`, true, []);
    const { status: httpStatus, data } = outcome.res;
    if (httpStatus === 200 && isRecord(data) && data.stat === 'OK') return succeeded([done]);
    if (httpStatus === 200)
      return failed(`${LABEL} gave an unexpected answer to the status change`, true, [], httpStatus);
    return refusal(httpStatus, data, userId, 'the Admin API application needs "Grant write resource"');
  }

  async function readAccount(userId: string): Promise<AccountReading> {
    const outcome = await call('read user', 'GET', userId, {});
    if (!outcome.answered) return unread(failed(`${LABEL} ${outcome.reason}`, true, []));
    const { status: httpStatus, data } = outcome.res;
    const user = isRecord(data) && data.stat === 'OK' && isRecord(data.response) ? data.response : undefined;
    if (httpStatus === 200 && typeof user?.status === 'string') {
      const state = user.status === 'disabled' ? 'blocked' : user.status === 'active' ? 'active' : 'other';
      return { ok: true, state, reported: user.status };
    }
    if (httpStatus === 200) return unread(failed(`${LABEL} gave an unexpected answer to reading the user`, true, []));
    return unread(refusal(httpStatus, data, userId, 'the Admin API application needs "Grant read resource"'));
  }

  return {
    provider: 'DUO',
    label: LABEL,
    readAccount,
    block: async (userId, current) =>
      current === 'blocked'
        ? succeeded(['Duo user was already disabled'])
        : setStatus(userId, 'disabled', 'Duo user disabled'),
    unblock: async (userId, current) =>
      current === 'active'
        ? succeeded(['Duo user was already active'])
        : setStatus(userId, 'active', 'Duo user set back to active'),
  };
}

/** Duo's failure body: `{stat: "FAIL", code, message, message_detail}`. */
function duoDetail(data: unknown): string | undefined {
  if (!isRecord(data)) return undefined;
  const message = brief(data.message);
  if (!message) return undefined;
  const detail = brief(data.message_detail);
  const code = typeof data.code === 'number' || typeof data.code === 'string' ? ` [${data.code}]` : '';
  return `${message}${detail ? ` (${detail})` : ''}${code}`;
}
