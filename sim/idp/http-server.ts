import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export type SimProvider = 'DUO' | 'OKTA' | 'AZURE_AD';

export interface SimRequest {
  method: string;
  /** Path as received, still percent-encoded (Duo signs it that way). */
  rawPath: string;
  /** Decoded path segments. */
  segments: string[];
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface SimReply {
  status: number;
  /** JSON-encoded when present; absent means an empty body. */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface RecordedRequest {
  provider: SimProvider;
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
  /** When the reply was made, epoch milliseconds. */
  at: number;
}

export interface ScriptedFailure {
  status: number;
  /** How many matching requests fail; default 1. */
  times?: number;
  /** Only requests whose path contains this text fail; default every request to the provider. */
  path?: string;
  /** Sent as Retry-After. */
  retryAfterSeconds?: number;
}

/** Requests answered late: handled only after `ms`, and not at all when the caller hung up meanwhile. */
export interface ScriptedDelay {
  ms: number;
  /** How many matching requests are delayed; default 1. */
  times?: number;
  /** Only requests whose path contains this text; default every request to the provider. */
  path?: string;
  /** Only requests of this method; default any. */
  method?: string;
}

/** Recorded for a delayed request whose caller hung up before it was handled: the provider applied nothing. */
export const CALLER_GONE = 499;

export interface ProviderServer {
  url: string;
  close(): Promise<void>;
}

interface ProviderServerOptions {
  provider: SimProvider;
  handle: (req: SimRequest) => SimReply;
  /** The provider's own error body for an injected failure. */
  failureReply: (failure: ScriptedFailure) => SimReply;
  failures: ScriptedFailure[];
  delays: ScriptedDelay[];
  record: (request: RecordedRequest) => void;
}

/** A loopback server for one provider: injected failures first, then the provider's handler; every request recorded. */
export async function startProviderServer(options: ProviderServerOptions): Promise<ProviderServer> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://sim.invalid');
      const rawPath = (req.url ?? '/').split('?', 1)[0]!;
      const request: SimRequest = {
        method: req.method ?? 'GET',
        rawPath,
        segments: rawPath.split('/').filter(Boolean).map(decodeURIComponent),
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      const answer = () => {
        const gone = res.destroyed || req.socket.destroyed;
        const failure = gone ? undefined : takeScripted(options.failures, rawPath);
        const reply = gone
          ? { status: CALLER_GONE }
          : failure
            ? options.failureReply(failure)
            : options.handle(request);
        options.record({
          provider: options.provider,
          method: request.method,
          path: rawPath,
          query: Object.fromEntries(url.searchParams),
          headers: req.headers,
          body: request.body,
          status: reply.status,
          at: Date.now(),
        });
        if (gone) return;
        const headers: Record<string, string> = { ...reply.headers };
        if (reply.body !== undefined) headers['content-type'] = 'application/json';
        res.writeHead(reply.status, headers);
        res.end(reply.body === undefined ? undefined : JSON.stringify(reply.body));
      };
      const delay = takeScripted(options.delays, rawPath, request.method);
      if (delay) setTimeout(answer, delay.ms);
      else answer();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/** The first scripted behaviour matching the request, used up once. */
function takeScripted<T extends { path?: string; method?: string; times?: number }>(
  scripted: T[],
  path: string,
  method?: string,
): T | undefined {
  const index = scripted.findIndex(
    (s) => (s.path === undefined || path.includes(s.path)) && (s.method === undefined || s.method === method),
  );
  if (index < 0) return undefined;
  const taken = scripted[index]!;
  const left = (taken.times ?? 1) - 1;
  if (left > 0) scripted[index] = { ...taken, times: left };
  else scripted.splice(index, 1);
  return taken;
}

export function retryAfterHeader(failure: ScriptedFailure): Record<string, string> {
  return failure.retryAfterSeconds === undefined ? {} : { 'retry-after': String(failure.retryAfterSeconds) };
}
