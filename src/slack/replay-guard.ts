import {
  HTTPModuleFunctions,
  HTTPReceiver,
  type AnyMiddlewareArgs,
  type BufferedIncomingMessage,
  type CustomRoute,
  type Logger as BoltLogger,
  type Middleware,
  type ReceiverProcessEventErrorHandlerArgs,
} from '@slack/bolt';
import type { Logger } from '../logger.ts';
import { isSignedBySlack, signedSlackRequests } from './signed-requests.ts';
import { SLACK_REQUEST_WINDOW_MS, slackSignatureCheck } from './slack-signature.ts';

/** Where Slack sends commands, interactions and events. */
const SLACK_EVENTS_PATHS = ['/slack/events'];

/** A signed Slack request refused because it is dated in the future or was already served. */
export class RefusedSlackRequestError extends Error {
  // A `code` keeps Bolt from wrapping the error, so the receiver can recognise it.
  readonly code = 'cii_refused_slack_request';
  constructor(reason: string) {
    super(`Slack request refused: ${reason}`);
    this.name = 'RefusedSlackRequestError';
  }
}

interface SignedRequest {
  timestamp: string;
  signature: string;
  /** The receiver checked the signature and it held. */
  verified: boolean;
}

export interface ReplayGuardDeps {
  /** Records a signature seen `at` (forgetting those before `forgetBefore`); false when it was already there. */
  remember(signature: string, at: number, forgetBefore: number): Promise<boolean>;
  now(): number;
}

/**
 * Global middleware: refuses a request whose signature was not checked, one dated more than the window ahead, and
 * one whose signature was already served (stored, so every replica sees it). The receiver has checked the signature
 * and the past bound before this runs.
 */
export function replayGuard(deps: ReplayGuardDeps): Middleware<AnyMiddlewareArgs> {
  return async ({ context, next }) => {
    const request = context.slackRequest as SignedRequest | undefined;
    // Socket Mode requests come over Slack's own connection, unsigned: nothing to check.
    if (request) {
      if (!request.verified) throw new RefusedSlackRequestError('not signed by Slack');
      const now = deps.now();
      const at = Number(request.timestamp) * 1000;
      if (!Number.isFinite(at) || at > now + SLACK_REQUEST_WINDOW_MS)
        throw new RefusedSlackRequestError('dated in the future');
      // A signature stays valid until its timestamp leaves the window, at most two windows after it is first seen.
      if (!(await deps.remember(signatureKey(request), now, now - 2 * SLACK_REQUEST_WINDOW_MS)))
        throw new RefusedSlackRequestError('replayed');
    }
    await next();
  };
}

/**
 * What is remembered of a request: its signature behind its timestamp (which the signature covers), so that the
 * signatures written together sit side by side at the end of the database's index rather than in as many random
 * pages (SQLite, 25 at a time: 7 instead of 22 µs of CPU each).
 */
function signatureKey(request: SignedRequest): string {
  return `${request.timestamp.padStart(12, '0')}:${request.signature}`;
}

export function isRefusedSlackRequest(err: unknown): err is RefusedSlackRequestError {
  return err instanceof RefusedSlackRequestError;
}

/**
 * Bolt's HTTP receiver with the app's signature check in front of it (see signed-requests.ts: one HMAC per request
 * where Bolt's own check made three and drew random bytes, 77 against 6 µs), passing the signature headers to the
 * guard and answering its refusals with 401.
 */
export function createSlackReceiver(options: {
  signingSecret: string;
  customRoutes: CustomRoute[];
  boltLogger: BoltLogger;
  logger: Logger;
}): HTTPReceiver {
  const receiver = new HTTPReceiver({
    signingSecret: options.signingSecret,
    // Checked by the listener below before Bolt reads the body; the guard refuses any request it did not check.
    signatureVerification: false,
    endpoints: [...SLACK_EVENTS_PATHS],
    customRoutes: options.customRoutes,
    logger: options.boltLogger,
    customPropertiesExtractor: (req: BufferedIncomingMessage) => ({
      slackRequest: {
        timestamp: String(req.headers['x-slack-request-timestamp'] ?? ''),
        signature: String(req.headers['x-slack-signature'] ?? ''),
        verified: isSignedBySlack(req),
      },
    }),
    processEventErrorHandler: async (args: ReceiverProcessEventErrorHandlerArgs) => {
      if (!isRefusedSlackRequest(args.error)) return HTTPModuleFunctions.defaultProcessEventErrorHandler(args);
      options.logger.warn(args.error.message, { remoteAddress: args.request.socket.remoteAddress });
      if (!args.response.headersSent) {
        args.response.writeHead(401);
        args.response.end();
      }
      return false;
    },
  });
  receiver.requestListener = signedSlackRequests(receiver.requestListener, {
    endpoints: SLACK_EVENTS_PATHS,
    bodyLimitBytes: HTTPModuleFunctions.defaultBodyLimit,
    check: slackSignatureCheck(options.signingSecret),
    logger: options.logger,
  });
  return receiver;
}
