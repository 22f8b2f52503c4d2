import { createIdpSend, type IdpHttpOptions } from './http.ts';
import { formatDuoDate, signDuoRequest } from './duo-signature.ts';
import { brief, describeFailure, failed, isRecord, succeeded } from './outcome.ts';
import { IDENTITY_PROVIDER_LABELS, type IdentityProviderClient, type ProviderActionResult } from './types.ts';

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
  const base = new URL(/^[a-z]+:\/\//i.test(options.apiUrl) ? options.apiUrl : `https://${options.apiUrl}`);
  const host = base.host.toLowerCase();
  const now = options.now ?? (() => new Date());
  const send = createIdpSend(options);

  async function setStatus(userId: string, status: 'disabled' | 'active', done: string): Promise<ProviderActionResult> {
    const path = `/admin/v1/users/${encodeURIComponent(userId)}`;
    const outcome = await send(`Duo: set user status ${status}`, () => {
      const signed = signDuoRequest({
        method: 'POST',
        host,
        path,
        params: { status },
        date: formatDuoDate(now()),
        ikey: options.ikey,
        skey: options.skey,
      });
      return {
        method: 'POST',
        url: `${base.origin}${path}`,
        data: signed.body,
        headers: { Accept: 'application/json', ...signed.headers },
      };
    });
    if (!outcome.answered) return failed(`${LABEL} ${outcome.reason}`, true, []);
    const { status: httpStatus, data } = outcome.res;
    if (httpStatus === 200 && isRecord(data) && data.stat === 'OK') return succeeded([done]);
    if (httpStatus === 200)
      return failed(`${LABEL} gave an unexpected answer to the status change`, true, [], httpStatus);
    const { error, retryable } = describeFailure({
      label: LABEL,
      status: httpStatus,
      detail: duoDetail(data),
      userId,
      forbiddenHint: 'the Admin API application needs "Grant write resource"',
    });
    return failed(error, retryable, [], httpStatus);
  }

  return {
    provider: 'DUO',
    label: LABEL,
    block: (userId) => setStatus(userId, 'disabled', 'Duo user disabled'),
    unblock: (userId) => setStatus(userId, 'active', 'Duo user set back to active'),
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
