import { request as httpRequest, type Agent as HttpAgent, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest, type Agent as HttpsAgent } from 'node:https';
import {
  AxiosError,
  AxiosHeaders,
  type AxiosAdapter,
  type AxiosResponse,
  type InternalAxiosRequestConfig,
} from 'axios';

/** The most of an answer read when the config sets no `maxContentLength`: CII's answers are far smaller. */
const DEFAULT_MAX_ANSWER_BYTES = 16 * 2 ** 20;

/**
 * The answer headers handed to axios: the ones the client reads. axios rebuilds and normalizes every header it is
 * given twice per answer (its response transform, then the response), comparing each name with all the others;
 * an answer from CII's API gateway carries a dozen (request ids, CDN and cache headers) the client never reads.
 */
const KEPT_ANSWER_HEADERS = ['content-type', 'retry-after'] as const;

/**
 * axios's adapter for CII's calls, straight onto node:http(s) with the client's kept-alive agents. axios's own
 * Node adapter costs about as much again as the request itself on every call (redirect and proxy handling,
 * decompression streams, header and URL rebuilding); CII's calls need none of that: absolute URLs, bodies as
 * strings, answers as text, no redirects, no proxy (with a proxy variable set, axios's own adapter is used).
 * Everything else stays axios's: the config, transforms, `validateStatus`, and AxiosErrors for failures.
 */
export function nodeHttpAdapter(agents: { http: HttpAgent; https: HttpsAgent }): AxiosAdapter {
  const targetFor = targets();
  return (config) =>
    new Promise<AxiosResponse>((resolve, reject) => {
      let target: Target;
      try {
        target = targetFor(config.url ?? '', config.baseURL);
      } catch (err) {
        reject(AxiosError.from(err, AxiosError.ERR_INVALID_URL, config));
        return;
      }
      const body = bodyOf(config.data);
      const limit =
        config.maxContentLength !== undefined && config.maxContentLength > -1
          ? config.maxContentLength
          : DEFAULT_MAX_ANSWER_BYTES;
      let timer: NodeJS.Timeout | undefined;
      let settled = false;
      const fail = (err: AxiosError) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        req.destroy();
        reject(err);
      };
      const method = (config.method ?? 'get').toUpperCase();
      const options = {
        ...target.options,
        method,
        headers: rawHeadersOf(config, method, body, target),
        agent: target.https ? agents.https : agents.http,
      };
      const req: ClientRequest = (target.https ? httpsRequest : httpRequest)(options, (res: IncomingMessage) => {
        const parts: Buffer[] = [];
        let size = 0;
        res.on('data', (part: Buffer) => {
          size += part.length;
          if (size > limit)
            fail(
              new AxiosError(`maxContentLength size of ${limit} exceeded`, AxiosError.ERR_BAD_RESPONSE, config, req),
            );
          else parts.push(part);
        });
        res.on('error', (err) => fail(AxiosError.from(err, AxiosError.ERR_NETWORK, config, req)));
        res.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          const status = res.statusCode ?? 0;
          const response: AxiosResponse = {
            data: Buffer.concat(parts, size).toString('utf8'),
            status,
            statusText: res.statusMessage ?? '',
            headers: keptHeaders(res),
            config,
            request: req,
          };
          if (!config.validateStatus || config.validateStatus(status)) resolve(response);
          else
            reject(
              new AxiosError(
                `Request failed with status code ${status}`,
                status >= 500 ? AxiosError.ERR_BAD_RESPONSE : AxiosError.ERR_BAD_REQUEST,
                config,
                req,
                response,
              ),
            );
        });
      });
      req.on('error', (err: NodeJS.ErrnoException) => fail(AxiosError.from(err, err.code, config, req)));
      if (config.timeout)
        timer = setTimeout(
          () => fail(new AxiosError(`timeout of ${config.timeout}ms exceeded`, AxiosError.ECONNABORTED, config, req)),
          config.timeout,
        );
      const signal = config.signal as AbortSignal | undefined;
      if (signal?.aborted) fail(new AxiosError('canceled', AxiosError.ERR_CANCELED, config, req));
      signal?.addEventListener?.(
        'abort',
        () => fail(new AxiosError('canceled', AxiosError.ERR_CANCELED, config, req)),
        {
          once: true,
        },
      );
      req.end(body);
    });
}

function keptHeaders(res: IncomingMessage): AxiosHeaders {
  const kept = new AxiosHeaders();
  for (const name of KEPT_ANSWER_HEADERS) {
    const value = res.headers[name];
    if (value !== undefined) kept.set(name, value);
  }
  return kept;
}

function bodyOf(data: unknown): string | Buffer | undefined {
  if (data === undefined || data === null) return undefined;
  if (typeof data === 'string' || Buffer.isBuffer(data)) return data;
  throw new TypeError('the CII adapter sends bodies given as strings');
}

/** Where a URL sends a request, as node:http takes it: what `new URL()` and Node's own reading of it give. */
interface Target {
  https: boolean;
  options: { protocol: string; hostname: string; port: string; path: string };
  /** The Host header: the host, with the port when it is not the protocol's default. */
  host: string;
  /** `user:password` from the URL, sent as Basic credentials when the call sets no Authorization. */
  auth?: string;
}

/** Targets kept: the client calls two URLs (token and API); more means URLs built per call. */
const MAX_TARGETS = 16;

/** Each URL read once: a URL parse and Node's conversion of it cost more than the rest of a request's setup. */
function targets(): (url: string, baseURL: string | undefined) => Target {
  const known = new Map<string, Target>();
  return (url, baseURL) => {
    // The client's calls carry absolute URLs; one relative to a base is read each time.
    if (baseURL !== undefined) return readTarget(new URL(url, baseURL));
    let target = known.get(url);
    if (!target) {
      target = readTarget(new URL(url));
      if (known.size >= MAX_TARGETS) known.clear();
      known.set(url, target);
    }
    return target;
  };
}

function readTarget(url: URL): Target {
  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return {
    https: url.protocol === 'https:',
    options: { protocol: url.protocol, hostname, port: url.port, path: `${url.pathname}${url.search}` },
    host: url.host,
    ...(url.username || url.password
      ? { auth: `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}` }
      : {}),
  };
}

/** Methods Node sends without a length when they have no body; the others get `Content-Length: 0`. */
const BODILESS_METHODS = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT']);

/**
 * The request's headers as a flat list of names and values, which Node writes as they are: given as an object,
 * each is set, stored and read back one by one. Set values only, the body's own length (zero for a POST without
 * one), and the Host header and the URL's credentials, which Node adds only to headers given as an object.
 */
function rawHeadersOf(
  config: InternalAxiosRequestConfig,
  method: string,
  body: string | Buffer | undefined,
  target: Target,
): string[] {
  const raw: string[] = [];
  let host = false;
  let authorization = false;
  let length = false;
  const given = config.headers.toJSON(true);
  for (const name in given) {
    const value = given[name];
    if (value === undefined || value === null) continue;
    const lower = name.toLowerCase();
    if (lower === 'content-length') {
      if (body !== undefined) continue;
      length = true;
    } else if (lower === 'host') host = true;
    else if (lower === 'authorization') authorization = true;
    raw.push(name, String(value));
  }
  if (!host) raw.push('Host', target.host);
  if (target.auth !== undefined && !authorization)
    raw.push('Authorization', `Basic ${Buffer.from(target.auth).toString('base64')}`);
  if (body !== undefined) raw.push('Content-Length', String(Buffer.byteLength(body)));
  else if (!length && !BODILESS_METHODS.has(method)) raw.push('Content-Length', '0');
  return raw;
}
