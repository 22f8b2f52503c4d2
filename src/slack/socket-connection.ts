import { SocketModeReceiver, type CustomRoute, type Logger as BoltLogger } from '@slack/bolt';
import type { WebClientOptions } from '@slack/web-api';
import type { Logger } from '../logger.ts';
import { StartupError } from '../startup-error.ts';
import type { BackoffOptions } from '../util/backoff.ts';
import { retryUntil } from '../util/retry-until.ts';
import { platformErrorOf, reasonOf, retryAfterMsOf } from './slack-errors.ts';

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
 * Socket Mode's connection to Slack, opened as the HTTP mode authorizes: Bolt's client gives up on an
 * apps.connections.open that gets no answer (Slack unreachable, 5xx, too slow) and, when that happens while it
 * reconnects by itself, the failure escapes as an unhandled rejection that ends the process. So the app opens and
 * reopens the connection itself: every opening is retried with backoff while the app serves its probes, not ready;
 * a refused app-level token is fatal.
 */
export interface SocketConnection {
  receiver: SocketModeReceiver;
  /** The WebSocket is open (Slack said hello and has not closed it since). */
  isOpen(): boolean;
  /**
   * Opens the connection: `start` (the app's start, which also starts the probes' server) first, the client alone
   * on later attempts. Rejects with a StartupError naming SLACK_APP_TOKEN when Slack refuses that token. Once open,
   * a connection Slack closes is reopened the same way; a token refused then is given to `onRefused`.
   */
  untilOpen(start: () => Promise<unknown>, onRefused: (err: StartupError) => void): Promise<void>;
  /** Stops retrying and reopening (shutdown). */
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
  const { logger } = deps;
  const receiver = new SocketModeReceiver({
    appToken: deps.appToken,
    logger: withoutAttemptErrors(deps.boltLogger),
    // The client opens its connection through apps.connections.open at SLACK_API_URL, with the app's pacing.
    installerOptions: { port: deps.port, clientOptions: deps.clientOptions },
    customRoutes: deps.customRoutes,
    // Reconnecting is the app's (see above): a closed connection makes the client say 'disconnected' and stop there.
    autoReconnectEnabled: false,
  });
  const client = receiver.client;
  const abort = new AbortController();
  let open = false;
  /** The first opening succeeded: from then on a closed connection is reopened. */
  let serving = false;
  let reopening = false;
  let refused: ((err: StartupError) => void) | undefined;

  /** Tries `attempt` until the connection is open; rejects with a StartupError if Slack refuses the token. */
  const openWith = (attempt: () => Promise<unknown>, verb: 'open' | 'reopen') =>
    retryUntil(
      async () => {
        // The client rejects with Web API errors, or with nothing when the WebSocket closes before Slack's hello.
        await attempt().catch((err: unknown) => {
          throw err instanceof Error ? err : new Error('the WebSocket closed before Slack said hello');
        });
      },
      {
        backoff: deps.backoff ?? { baseMs: 1_000, maxMs: 30_000 },
        waitAtLeastMs: retryAfterMsOf,
        isFatal: (err) => REJECTED_APP_TOKEN.has(platformErrorOf(err) ?? ''),
        onRetry: (err, n, delayMs) =>
          logger.warn(
            `Slack did not ${verb} the Socket Mode connection; trying again in ${(delayMs / 1000).toFixed(1)} s`,
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

  const reopen = () => {
    if (reopening || abort.signal.aborted) return;
    reopening = true;
    logger.info('Slack closed the Socket Mode connection; reopening it');
    openWith(() => client.start(), 'reopen').then(
      () => {
        reopening = false;
        logger.info('reconnected to Slack in Socket Mode');
        // Closed again before this attempt ended: its 'disconnected' found a reopening under way.
        if (!open) reopen();
      },
      (err: unknown) => {
        reopening = false;
        // Otherwise stopped: shutdown closes the connection itself.
        if (err instanceof StartupError) refused?.(err);
      },
    );
  };

  client.on('connected', () => (open = true));
  client.on('disconnected', () => {
    open = false;
    if (serving) reopen();
  });

  return {
    receiver,
    isOpen: () => open,
    async untilOpen(start, onRefused) {
      refused = onRefused;
      let first = true;
      await openWith(() => {
        if (!first) return client.start();
        first = false;
        return start();
      }, 'open');
      serving = true;
      // Closed between Slack's hello and here: its 'disconnected' came before reopening was on.
      if (!open) reopen();
    },
    stop: () => abort.abort(new Error('stopped')),
  };
}

/**
 * Bolt's Socket Mode client logs each failed apps.connections.open as an error of its own; the app's retry line
 * says the same once per attempt, with the reason and the wait, at warn. The client's line is kept at debug.
 */
function withoutAttemptErrors(logger: BoltLogger): BoltLogger {
  return {
    debug: (...msg: unknown[]) => logger.debug(...msg),
    info: (...msg: unknown[]) => logger.info(...msg),
    warn: (...msg: unknown[]) => logger.warn(...msg),
    error: (...msg: unknown[]) =>
      typeof msg[0] === 'string' && msg[0].startsWith('Failed to retrieve a new WSS URL')
        ? logger.debug(...msg)
        : logger.error(...msg),
    setLevel: (level) => logger.setLevel(level),
    getLevel: () => logger.getLevel(),
    setName: (name) => logger.setName(name),
  };
}
