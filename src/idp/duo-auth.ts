import { duoRequests } from './duo-request.ts';
import { duoUrlEncoded } from './duo-signature.ts';
import { createIdpSend, type IdpHttpOptions } from './http.ts';
import { isRecord } from '../util/is-record.ts';
import { brief } from './outcome.ts';

export interface DuoAuthOptions extends IdpHttpOptions {
  /** The Auth API hostname, `https://api-xxxxxxxx.duosecurity.com` (a bare hostname means https). */
  apiUrl: string;
  /** Integration key and secret of a Duo Auth API application (not the Admin API one). */
  ikey: string;
  skey: string;
  now?: () => Date;
  /** How long a push may wait for the user's answer before it counts as timed out (default 60 s). */
  pushWaitMs?: number;
  /** Pause between `auth_status` polls (default 2 s). */
  pollMs?: number;
  wait?: (ms: number) => Promise<void>;
}

/** What a Duo Push proved. Only `approved` proves that the person holding the enrolled phone agreed. */
export type PushResult =
  | { kind: 'approved' }
  | { kind: 'denied'; message: string }
  | { kind: 'timeout'; message: string }
  | { kind: 'not_enrolled'; message: string }
  | { kind: 'failed'; message: string };

export interface DuoAuthClient {
  /** `/auth/v2/preauth`, then `/auth/v2/auth` with `factor=push` (async) and `/auth/v2/auth_status` until answered. */
  push: (username: string, pushInfo?: Record<string, string>) => Promise<PushResult>;
}

const realWait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Duo Auth API v2, signed as Duo documents (the Admin API's HMAC-SHA512 scheme). */
export function createDuoAuthClient(options: DuoAuthOptions): DuoAuthClient {
  const request = duoRequests(options);
  const wait = options.wait ?? realWait;
  const send = createIdpSend(options);

  /** One signed call; the `response` object of a `stat: OK` answer, or why there is none. */
  async function call(
    method: 'GET' | 'POST',
    path: string,
    params: Record<string, string>,
  ): Promise<{ ok: true; response: Record<string, unknown> } | { ok: false; message: string }> {
    const outcome = await send(`Duo Auth API ${path}`, () => request(method, path, params));
    if (!outcome.answered) return { ok: false, message: `Duo ${outcome.reason}` };
    const { status, data } = outcome.res;
    if (status === 200 && isRecord(data) && data.stat === 'OK' && isRecord(data.response))
      return { ok: true, response: data.response };
    const detail = isRecord(data) ? brief(data.message_detail ?? data.message) : undefined;
    const hint = status === 401 ? ' (check DUO_AUTH_IKEY and DUO_AUTH_SKEY: an Auth API application)' : '';
    return { ok: false, message: `Duo answered HTTP ${status}${detail ? `: ${detail}` : ''}${hint}` };
  }

  const text = (v: unknown) => (typeof v === 'string' ? v : '');

  return {
    async push(username, pushInfo) {
      const pre = await call('POST', '/auth/v2/preauth', { username });
      if (!pre.ok) return { kind: 'failed', message: pre.message };
      const result = text(pre.response.result);
      if (result === 'enroll') return { kind: 'not_enrolled', message: 'not enrolled in Duo' };
      if (result === 'deny') return { kind: 'denied', message: `Duo refused: ${text(pre.response.status_msg)}` };
      const devices = Array.isArray(pre.response.devices) ? pre.response.devices : [];
      const canPush = devices.some(
        (d) => isRecord(d) && Array.isArray(d.capabilities) && d.capabilities.includes('push'),
      );
      // `allow` means Duo would let them in without a second factor: that proves nothing about who answered.
      if (result !== 'auth' || !canPush) return { kind: 'not_enrolled', message: 'no Duo Push device enrolled' };
      const params: Record<string, string> = { username, factor: 'push', device: 'auto', async: '1' };
      if (pushInfo) params.pushinfo = duoUrlEncoded(pushInfo);
      const started = await call('POST', '/auth/v2/auth', params);
      if (!started.ok) return { kind: 'failed', message: started.message };
      const txid = text(started.response.txid);
      if (!txid) return { kind: 'failed', message: 'Duo gave no transaction id for the push' };
      const pollMs = options.pollMs ?? 2_000;
      const polls = Math.max(1, Math.ceil((options.pushWaitMs ?? 60_000) / pollMs));
      for (let poll = 1; ; poll++) {
        const status = await call('GET', '/auth/v2/auth_status', { txid });
        if (!status.ok) return { kind: 'failed', message: status.message };
        const answer = text(status.response.result);
        if (answer === 'allow') return { kind: 'approved' };
        if (answer === 'deny') {
          const why = text(status.response.status);
          return why === 'timeout'
            ? { kind: 'timeout', message: 'the Duo Push timed out' }
            : { kind: 'denied', message: 'the Duo Push was denied' };
        }
        if (poll >= polls) return { kind: 'timeout', message: 'the Duo Push got no answer in time' };
        await wait(pollMs);
      }
    },
  };
}
