import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { parse } from 'node:querystring';
import { BodyTooLargeError, readBody } from '../http/read-body.ts';
import type { Logger } from '../logger.ts';
import type { slackSignatureCheck } from './slack-signature.ts';

const FORM = 'application/x-www-form-urlencoded';

const verified = new WeakSet<IncomingMessage>();

/** Whether the request's signature was checked and held (Bolt's receiver then reads the body checked). */
export function isSignedBySlack(req: IncomingMessage): boolean {
  return verified.has(req);
}

export interface SignedRequestsOptions {
  /** The receiver's events paths (HTTPReceiver's `endpoints`). */
  endpoints: readonly string[];
  /** Larger bodies are answered 413 (Bolt's receiver's own cap). */
  bodyLimitBytes: number;
  check: ReturnType<typeof slackSignatureCheck>;
  logger: Pick<Logger, 'warn'>;
}

function answer(res: ServerResponse, status: number): void {
  if (res.headersSent) return;
  res.writeHead(status, { connection: 'close' });
  res.end();
}

/**
 * Wraps Bolt's request listener (its own signature check turned off): a POST to the events path has its body read
 * and its signature checked before Bolt sees it, and is answered 401 when the signature does not hold. As with Bolt,
 * an unsigned `ssl_check=1` form is passed on stripped to that field alone (Slack sends it unsigned) and a body over
 * the limit is answered 413. Everything else goes to Bolt as it came.
 */
export function signedSlackRequests(listener: RequestListener, opts: SignedRequestsOptions): RequestListener {
  return (req, res) => {
    // Bolt's own routing test (URL, then the method upper-cased), so no request reaches its events path unchecked.
    const { pathname } = new URL(req.url ?? '', 'http://localhost');
    if (!opts.endpoints.includes(pathname) || req.method?.toUpperCase() !== 'POST') {
      listener(req, res);
      return;
    }
    readBody(req, opts.bodyLimitBytes).then(
      (body) => {
        const header = (name: string) => {
          const value = req.headers[name];
          return typeof value === 'string' ? value : undefined;
        };
        const problem = opts.check(header('x-slack-signature'), header('x-slack-request-timestamp'), body);
        let passed = body;
        if (problem === undefined) {
          verified.add(req);
        } else if (req.headers['content-type'] === FORM && parse(body.toString()).ssl_check === '1') {
          passed = Buffer.from('ssl_check=1');
        } else {
          opts.logger.warn(`Slack request refused: ${problem}`, { remoteAddress: req.socket.remoteAddress });
          answer(res, 401);
          return;
        }
        (req as IncomingMessage & { rawBody: Buffer }).rawBody = passed;
        listener(req, res);
      },
      (err: unknown) => {
        if (err instanceof BodyTooLargeError) {
          opts.logger.warn(`Slack request refused: ${err.message}`, { remoteAddress: req.socket.remoteAddress });
          answer(res, 413);
        } else answer(res, 400);
      },
    );
  };
}
