import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import axios, { Axios, type AxiosRequestConfig, type AxiosResponse } from 'axios';
import { parseRetryAfterMs } from '../util/backoff.ts';
import { nodeHttpAdapter } from './node-adapter.ts';
import type { AttemptFailure } from './retry.ts';

/** CII documents no rate limit: stay polite with a bounded number of connections, kept alive between calls. */
const MAX_CONNECTIONS = 128;
/** TCP keep-alive probes after a minute idle (what axios asks for). */
const TCP_KEEP_ALIVE_MS = 60_000;

/**
 * Sets TCP keep-alive once per connection. axios (on every request) and Node's agent (on every release) call
 * `setKeepAlive` again, a system call each time, with different delays: on a kept-alive socket those calls
 * change nothing, so they are dropped.
 */
function keepAliveOnce(stream: Duplex | null | undefined): void {
  const socket = stream as Socket | null | undefined;
  if (!socket || typeof socket.setKeepAlive !== 'function') return;
  socket.setKeepAlive(true, TCP_KEEP_ALIVE_MS);
  socket.setKeepAlive = () => socket;
}

class CiiHttpAgent extends HttpAgent {
  override createConnection(
    ...args: Parameters<HttpAgent['createConnection']>
  ): ReturnType<HttpAgent['createConnection']> {
    const socket = super.createConnection(...args);
    keepAliveOnce(socket);
    return socket;
  }
}

class CiiHttpsAgent extends HttpsAgent {
  override createConnection(
    ...args: Parameters<HttpsAgent['createConnection']>
  ): ReturnType<HttpsAgent['createConnection']> {
    const socket = super.createConnection(...args);
    keepAliveOnce(socket);
    return socket;
  }
}

/**
 * The one JSON parse of an answer; a body that is not JSON (a proxy's HTML error page) stays a string, as with
 * axios's own default, for the callers' shape checks to refuse.
 */
function parseJson(data: unknown): unknown {
  if (typeof data !== 'string' || data === '') return data;
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return data;
  }
}

const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy'];

/**
 * The axios instance every CII call uses (token and GraphQL alike): every status is an answer to inspect, never
 * a throw. Request bodies are sent as the JSON strings the callers give, answers parsed once. Without a proxy
 * variable in the environment the calls go through the project's adapter (see node-adapter.ts) and the instance
 * holds only the options below: axios merges an instance's options into every request's, key by key (headers per
 * method included), and axios's global defaults would make that merge most of its cost. With a proxy variable,
 * the instance has axios's defaults and its own adapter, which knows proxies.
 */
export function createCiiHttp(timeoutMs: number, env: NodeJS.ProcessEnv = process.env): Axios {
  const proxied = PROXY_VARIABLES.some((name) => env[name]);
  const agents = {
    http: new CiiHttpAgent({ keepAlive: true, maxSockets: MAX_CONNECTIONS }),
    https: new CiiHttpsAgent({ keepAlive: true, maxSockets: MAX_CONNECTIONS }),
  };
  const options = {
    timeout: timeoutMs,
    validateStatus: () => true,
    headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
    // Bodies are the JSON strings the callers give: nothing to transform.
    transformRequest: [],
    transformResponse: [parseJson],
  } satisfies AxiosRequestConfig;
  if (proxied) {
    return axios.create({
      ...options,
      // A redirect would resend the bearer token or the client secret elsewhere: CII's endpoints do not redirect.
      maxRedirects: 0,
      responseType: 'text',
      httpAgent: agents.http,
      httpsAgent: agents.https,
    });
  }
  // The project's adapter follows no redirect and answers text; its agents are its own. Every option more would be
  // merged into, and checked on, each request's config.
  return new Axios({ ...options, adapter: nodeHttpAdapter(agents) });
}

/** A failure worth retrying (429, 408, 5xx), or undefined for any other answer. */
export function transientFailure(res: AxiosResponse<unknown>): AttemptFailure | undefined {
  if (res.status === 429 || res.status === 408 || res.status >= 500) {
    const header: unknown = res.headers['retry-after'];
    return {
      ok: false,
      reason: `HTTP ${res.status}`,
      retryAfterMs: res.status === 429 ? parseRetryAfterMs(typeof header === 'string' ? header : undefined) : undefined,
    };
  }
  return undefined;
}

/**
 * A request that got no answer (refused, reset, timed out). The cause is rebuilt from the code and message
 * because axios errors carry the request config, whose headers and body hold the token or the client secret.
 */
export function networkFailure(err: unknown): AttemptFailure {
  if (!axios.isAxiosError(err)) throw err;
  const timedOut = err.code === 'ECONNABORTED' || err.code === 'ETIMEDOUT';
  const reason = timedOut ? 'timed out' : `network error (${err.code ?? 'no code'})`;
  return { ok: false, reason, cause: new Error(`${err.code ?? 'network error'}: ${err.message}`) };
}
