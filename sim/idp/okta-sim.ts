import { randomUUID } from 'node:crypto';
import { retryAfterHeader, type ScriptedFailure, type SimReply, type SimRequest } from './http-server.ts';

export type OktaUserStatus = 'ACTIVE' | 'SUSPENDED' | 'DEPROVISIONED';
export interface OktaSimUser {
  status: OktaUserStatus;
  /** Times DELETE /sessions was called, and how many of those also revoked OAuth tokens. */
  sessionClears: number;
  oauthTokenRevocations: number;
}

interface OktaSimOptions {
  apiToken: string;
  users: Map<string, OktaSimUser>;
  autoCreateUsers: boolean;
  now: () => number;
}

const fail = (status: number, errorCode: string, errorSummary: string, headers?: Record<string, string>): SimReply => ({
  status,
  body: {
    errorCode,
    errorSummary,
    errorLink: errorCode,
    errorId: `oae${randomUUID().replaceAll('-', '').slice(0, 20)}`,
    errorCauses: [],
  },
  headers,
});

export const newOktaUser = (): OktaSimUser => ({ status: 'ACTIVE', sessionClears: 0, oauthTokenRevocations: 0 });

/** Okta's user lifecycle (suspend, unsuspend) and session endpoints behind an SSWS API token. */
export function createOktaSim(options: OktaSimOptions) {
  function handle(req: SimRequest): SimReply {
    if (req.headers.authorization !== `SSWS ${options.apiToken}`)
      return fail(401, 'E0000011', 'Invalid token provided');
    const [api, v1, users, userId, ...rest] = req.segments;
    if (api !== 'api' || v1 !== 'v1' || users !== 'users' || userId === undefined) {
      return fail(404, 'E0000022', 'The endpoint does not support the provided HTTP method');
    }
    let user = options.users.get(userId);
    if (!user && options.autoCreateUsers) options.users.set(userId, (user = newOktaUser()));
    if (!user) return fail(404, 'E0000007', `Not found: Resource not found: ${userId} (User)`);
    const route = `${req.method} ${rest.join('/')}`;
    switch (route) {
      case 'GET ':
        return { status: 200, body: { id: userId, status: user.status } };
      case 'POST lifecycle/suspend':
        if (user.status !== 'ACTIVE') return fail(400, 'E0000001', 'Cannot suspend a user that is not active');
        user.status = 'SUSPENDED';
        return { status: 200, body: {} };
      case 'POST lifecycle/unsuspend':
        if (user.status !== 'SUSPENDED') return fail(400, 'E0000001', 'Cannot unsuspend a user that is not suspended');
        user.status = 'ACTIVE';
        return { status: 200, body: {} };
      case 'DELETE sessions':
        user.sessionClears++;
        if (req.query.get('oauthTokens') === 'true') user.oauthTokenRevocations++;
        return { status: 204 };
      default:
        return fail(404, 'E0000022', 'The endpoint does not support the provided HTTP method');
    }
  }

  function failureReply(failure: ScriptedFailure): SimReply {
    if (failure.status === 429) {
      const reset = String(Math.ceil(options.now() / 1000) + (failure.retryAfterSeconds ?? 1));
      const limits = { 'x-rate-limit-limit': '600', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': reset };
      return fail(429, 'E0000047', 'API call exceeded rate limit due to too many requests.', limits);
    }
    const [code, summary] =
      failure.status >= 500
        ? ['E0000009', 'Internal Server Error']
        : failure.status === 403
          ? ['E0000006', 'You do not have permission to perform the requested action']
          : ['E0000001', `Simulated failure (HTTP ${failure.status})`];
    return fail(failure.status, code, summary, retryAfterHeader(failure));
  }

  return { handle, failureReply };
}
