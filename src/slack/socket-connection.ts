import { SocketModeReceiver, type CustomRoute, type Logger as BoltLogger } from '@slack/bolt';
import type { WebClientOptions } from '@slack/web-api';
import type { Logger } from '../logger.ts';
import { StartupError } from '../startup-error.ts';
import type { BackoffOptions } from '../util/backoff.ts';
import { retryUntil } from '../util/retry-until.ts';
import { platformErrorOf, reasonOf } from './slack-errors.ts';

/** apps.connections.open answers that mean the app-level token itself is refused: no retry can mend them. */
const REJECTED_APP_TOKEN = new Set([
  'not_authed',
  'invalid_auth',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'not_allowed_token_type',
  'user_removed_from_team',
  'team_disabled',
]);

/**
 * Socket Mode's connection to Slack, opened as the HTTP mode authorizes: Bolt's client gives up on its first
 * apps.connections.open that gets no answer (Slack unreachable), which ended start-up. Here that first opening is
 * retried with backoff while the app serves its probes, not ready; a refused app-level token is fatal.
 */
export interface SocketConnection {
  receiver: SocketModeReceiver;
  /** The WebSocket is open (Bolt's client reconnects by itself once it was). */
  isOpen(): boolean;
  /**
   * Opens the connection: `start` (the app's start, which also starts the probes' server) first, the client alone
   * on later attempts. Rejects with a StartupError naming SLACK_APP_TOKEN when Slack refuses that token.
   */
  untilOpen(start: () => Promise<unknown>): Promise<void>;
  /** Stops retrying (shutdown). */
  stop(): void;
}

export function createSocketConnection(deps: {
  appToken: string;
  port: number;
  customRoutes: CustomRoute[];
  clientOptions: WebClientOptions;
  boltLogger: BoltLogger;
  logger: Logger;
  backoff?: BackoffOptions;
}): SocketConnection {
  const receiver = new SocketModeReceiver({
    appToken: deps.appToken,
    logger: deps.boltLogger,
    // The client opens its connection through apps.connections.open at SLACK_API_URL, with the app's pacing.
    installerOptions: { port: deps.port, clientOptions: deps.clientOptions },
    customRoutes: deps.customRoutes,
  });
  let open = false;
  receiver.client.on('connected', () => (open = true));
  receiver.client.on('disconnected', () => (open = false));
  receiver.client.on('reconnecting', () => (open = false));
  const abort = new AbortController();

  return {
    receiver,
    isOpen: () => open,
    async untilOpen(start) {
      let first = true;
      await retryUntil(
        async () => {
          if (first) {
            first = false;
            await start();
          } else {
            await receiver.client.start();
          }
        },
        {
          backoff: deps.backoff ?? { baseMs: 1_000, maxMs: 30_000 },
          isFatal: (err) => REJECTED_APP_TOKEN.has(platformErrorOf(err) ?? ''),
          onRetry: (err, n, delayMs) =>
            deps.logger.warn(
              `Slack did not open the Socket Mode connection; trying again in ${(delayMs / 1000).toFixed(1)} s`,
              { attempt: n, reason: reasonOf(err) },
            ),
          signal: abort.signal,
        },
      ).catch((err: unknown) => {
        const code = platformErrorOf(err);
        if (code && REJECTED_APP_TOKEN.has(code)) {
          throw new StartupError('SLACK_APP_TOKEN', `Slack rejected SLACK_APP_TOKEN (${code})`, { cause: err });
        }
        throw err;
      });
    },
    stop: () => abort.abort(new Error('stopped')),
  };
}
