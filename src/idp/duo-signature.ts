import { createHash, createHmac } from 'node:crypto';

/**
 * Duo's current API request signature (the HMAC-SHA512 scheme of duo.com/docs/adminapi#authentication,
 * as implemented by Duo's duo_hmac_python and duo_client_python "sig_version 5"): the lines
 *   date, METHOD, host (lower case), path, canonical query parameters,
 *   SHA-512 hex of the body, SHA-512 hex of the X-Duo-* headers
 * joined by "\n", signed with HMAC-SHA512 under the secret key, sent as Basic base64(ikey:hex).
 * POST, PUT and PATCH carry their parameters as a JSON body (keys sorted); other methods in the query string.
 */
export interface DuoRequestToSign {
  method: string;
  /** The API hostname as the request addresses it (`api-xxxxxxxx.duosecurity.com`, with `:port` if not default). */
  host: string;
  /** The request path exactly as sent, without query string. */
  path: string;
  params: Record<string, string>;
  /** RFC 2822 date, see `formatDuoDate`; also sent as X-Duo-Date. */
  date: string;
  ikey: string;
  skey: string;
}

export interface SignedDuoRequest {
  /** Canonical query string to append after `?`; empty when there is none. */
  query: string;
  /** JSON body for POST, PUT and PATCH; undefined for the other methods. */
  body?: string;
  headers: Record<string, string>;
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

export function signDuoRequest(req: DuoRequestToSign): SignedDuoRequest {
  const method = req.method.toUpperCase();
  const inBody = BODY_METHODS.has(method);
  const query = inBody ? '' : canonicalParams(req.params);
  const body = inBody ? canonicalJson(req.params) : undefined;
  const duoHeaders = { 'X-Duo-Date': req.date };
  const canonical = [
    req.date,
    method,
    req.host.toLowerCase(),
    req.path,
    query,
    sha512Hex(body ?? ''),
    sha512Hex(canonicalDuoHeaders(duoHeaders)),
  ].join('\n');
  const signature = createHmac('sha512', req.skey).update(canonical, 'utf8').digest('hex');
  const authorization = `Basic ${Buffer.from(`${req.ikey}:${signature}`, 'utf8').toString('base64')}`;
  return {
    query,
    body,
    headers: { ...duoHeaders, Authorization: authorization, ...(inBody ? { 'Content-Type': 'application/json' } : {}) },
  };
}

/** RFC 2822 in UTC with Duo's `-0000` zone: `Tue, 21 Aug 2012 17:29:18 -0000`. */
export function formatDuoDate(date: Date): string {
  return date.toUTCString().replace(/GMT$/, '-0000');
}

/** RFC 3986: everything but unreserved characters percent-encoded with upper-case hex; sorted by key. */
function canonicalParams(params: Record<string, string>): string {
  return Object.entries(params)
    .map(([key, value]) => [rfc3986(key), rfc3986(value)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
}

/**
 * Key/value pairs URL-encoded as Duo documents for a parameter that carries them (`pushinfo`): RFC 3986, a space as
 * `%20`, in the order given (Duo Mobile shows them in that order).
 */
export function duoUrlEncoded(pairs: Record<string, string>): string {
  return Object.entries(pairs)
    .map(([key, value]) => `${rfc3986(key)}=${rfc3986(value)}`)
    .join('&');
}

function rfc3986(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function canonicalJson(params: Record<string, string>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(params).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
}

/** Lower-cased names sorted, names and values joined by NUL. */
function canonicalDuoHeaders(headers: Record<string, string>): string {
  return Object.entries(headers)
    .map(([name, value]) => [name.toLowerCase(), value] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .flat()
    .join('\0');
}

function sha512Hex(text: string): string {
  return createHash('sha512').update(text, 'utf8').digest('hex');
}
