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
  return (config) =>
    new Promise<AxiosResponse>((resolve, reject) => {
      let url: URL;
      try {
        url = new URL(config.url ?? '', config.baseURL);
      } catch (err) {
        reject(AxiosError.from(err, AxiosError.ERR_INVALID_URL, config));
        return;
      }
      const https = url.protocol === 'https:';
      const body = bodyOf(config.data);
      const headers = headersOf(config, body);
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
      const options = {
        method: (config.method ?? 'get').toUpperCase(),
        headers,
        agent: https ? agents.https : agents.http,
      };
      const req: ClientRequest = (https ? httpsRequest : httpRequest)(url, options, (res: IncomingMessage) => {
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

/** The request's headers as Node takes them: set values only, with the body's length. */
function headersOf(config: InternalAxiosRequestConfig, body: string | Buffer | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(config.headers.toJSON(true))) {
    if (value !== undefined && value !== null) headers[name] = String(value);
  }
  if (body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(body));
  return headers;
}
