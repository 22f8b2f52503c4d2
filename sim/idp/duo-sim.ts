import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { DuoAuthSim } from './duo-auth-sim.ts';
import { retryAfterHeader, type ScriptedFailure, type SimReply, type SimRequest } from './http-server.ts';

export type DuoUserStatus = 'active' | 'bypass' | 'disabled';
export interface DuoSimUser {
  status: DuoUserStatus;
  /** Found by the Admin API's user lookup by email; the username defaults to the user id. */
  username?: string;
  email?: string;
}

interface DuoSimOptions {
  ikey: string;
  skey: string;
  /** The Auth API on the same host, under its own application's keys (Duo serves both APIs per account host). */
  auth?: { ikey: string; skey: string; sim: DuoAuthSim };
  users: Map<string, DuoSimUser>;
  autoCreateUsers: boolean;
}

const fail = (status: number, code: number, message: string, detail?: string): SimReply => ({
  status,
  body: { stat: 'FAIL', code, message, ...(detail ? { message_detail: detail } : {}) },
});

/** The Admin API's user status endpoint behind Duo's HMAC-SHA512 request signature, verified as Duo documents it. */
export function createDuoSim(options: DuoSimOptions) {
  function handle(req: SimRequest): SimReply {
    if (req.segments[0] === 'auth' && options.auth) {
      const deniedAuth = checkSignature(req, options.auth);
      return deniedAuth ?? options.auth.sim.handle(req, req.method === 'GET' ? {} : bodyParams(req));
    }
    const denied = checkSignature(req, options);
    if (denied) return denied;
    const [admin, v1, users, userId, ...rest] = req.segments;
    if (admin === 'admin' && v1 === 'v1' && users === 'users' && userId === undefined && req.method === 'GET')
      return lookUp(req.query.get('email'));
    if (admin !== 'admin' || v1 !== 'v1' || users !== 'users' || userId === undefined || rest.length > 0) {
      return fail(404, 40401, 'Resource not found');
    }
    let user = options.users.get(userId);
    if (!user && options.autoCreateUsers) options.users.set(userId, (user = { status: 'active' }));
    if (!user) return fail(404, 40401, 'Resource not found');
    if (req.method === 'POST') {
      const params = bodyParams(req);
      if (!params) return fail(400, 40002, 'Invalid request parameters', 'body');
      const status = params.status;
      if (status !== undefined) {
        if (!['active', 'bypass', 'disabled'].includes(status))
          return fail(400, 40003, 'Invalid request parameters', 'status');
        user.status = status as DuoUserStatus;
      }
    } else if (req.method !== 'GET') {
      return fail(405, 40501, 'Method not allowed');
    }
    return { status: 200, body: { stat: 'OK', response: { user_id: userId, username: userId, status: user.status } } };
  }

  /** `GET /admin/v1/users?email=`: every user with that email (letter case aside). */
  function lookUp(email: string | null): SimReply {
    if (!email) return fail(400, 40002, 'Invalid request parameters', 'email');
    const found = [...options.users].filter(([, u]) => u.email?.toLowerCase() === email.trim().toLowerCase());
    return {
      status: 200,
      body: {
        stat: 'OK',
        response: found.map(([id, u]) => ({
          user_id: id,
          username: u.username ?? id,
          email: u.email,
          status: u.status,
        })),
      },
    };
  }

  function failureReply(failure: ScriptedFailure): SimReply {
    return {
      ...fail(failure.status, failure.status * 100 + 1, `Simulated failure (HTTP ${failure.status})`),
      headers: retryAfterHeader(failure),
    };
  }

  return { handle, failureReply };
}

function checkSignature(req: SimRequest, { ikey, skey }: { ikey: string; skey: string }): SimReply | undefined {
  const auth = req.headers.authorization;
  if (!auth?.startsWith('Basic ')) return fail(401, 40101, 'Missing request credentials');
  const [givenIkey, givenSig] = Buffer.from(auth.slice(6), 'base64').toString('utf8').split(':');
  if (givenIkey !== ikey) return fail(401, 40102, 'Invalid integration key in request credentials');
  const date = header(req, 'x-duo-date') ?? header(req, 'date');
  if (date === undefined || givenSig === undefined) return fail(401, 40103, 'Invalid signature in request credentials');
  const duoHeaders = Object.entries(req.headers)
    .filter(([name]) => name.toLowerCase().startsWith('x-duo-'))
    .map(([name, value]) => [name.toLowerCase(), String(value)] as const)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .flat()
    .join('\0');
  const canonical = [
    date,
    req.method.toUpperCase(),
    (header(req, 'host') ?? '').toLowerCase(),
    req.rawPath,
    canonicalQuery(req.query),
    sha512(req.body),
    sha512(duoHeaders),
  ].join('\n');
  const expected = createHmac('sha512', skey).update(canonical).digest('hex');
  const ok = givenSig.length === expected.length && timingSafeEqual(Buffer.from(givenSig), Buffer.from(expected));
  return ok ? undefined : fail(401, 40103, 'Invalid signature in request credentials');
}

function canonicalQuery(query: URLSearchParams): string {
  const encode = (s: string) =>
    encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return [...query]
    .map(([k, v]) => [encode(k), encode(v)] as const)
    .sort(([ka, va], [kb, vb]) => (ka === kb ? (va < vb ? -1 : 1) : ka < kb ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

/** JSON (current signature scheme) or form-encoded parameters; undefined when the JSON is unreadable. */
function bodyParams(req: SimRequest): Record<string, string> | undefined {
  if (req.body === '') return {};
  if (!(header(req, 'content-type') ?? '').includes('application/json'))
    return Object.fromEntries(new URLSearchParams(req.body));
  try {
    const parsed: unknown = JSON.parse(req.body);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, string>) : undefined;
  } catch {
    return undefined;
  }
}

function header(req: SimRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function sha512(text: string): string {
  return createHash('sha512').update(text).digest('hex');
}
