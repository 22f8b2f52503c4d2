import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { App } from '@slack/bolt';
import { startMetricsServer, type MetricsServer } from '../http/metrics-server.ts';
import { capConnections, DEFAULT_SERVER_LIMITS, serverOptions } from '../http/server-limits.ts';
import type { SlackAuthorization } from '../slack/slack-auth.ts';
import type { SocketConnection } from '../slack/socket-connection.ts';
import { StartupError } from '../startup-error.ts';
import type { InFlight } from '../util/in-flight.ts';
import type { buildBackground } from './background.ts';
import type { RunningApp, Wiring } from './context.ts';

/** How long start-up waits for Slack's first auth.test answer before serving (not ready) and retrying. */
const FIRST_SLACK_ANSWER_MS = 1_500;

export interface Serving {
  app: App;
  /** Socket Mode's connection; undefined over HTTP. */
  socket: SocketConnection | undefined;
  inFlight: InFlight;
  slackAuth: SlackAuthorization;
  background: ReturnType<typeof buildBackground>;
  /** This replica's name on the outbox leases it holds. */
  owner: string;
  /** Aborted on stop: a start-up still waiting for the database gives up. */
  shutdown: AbortController;
}

/**
 * Serves Slack (HTTP or Socket Mode) and the metrics, once Slack's first answer did not reject the token; the
 * background work starts when Slack accepts it. A failed start leaves no server or database open.
 */
export async function serve(w: Wiring, s: Serving): Promise<RunningApp> {
  const { config, options, logger, store } = w;
  const { app, slackAuth, background, inFlight } = s;
  let metricsServer: MetricsServer | undefined;
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      w.lifecycle.draining = true;
      s.shutdown.abort(new Error('stopping'));
      slackAuth.stop();
      s.socket?.stop();
      background.stopSweeps();
      if (options.drainNoticeMs) await sleep(options.drainNoticeMs);
      const [, drained] = await Promise.all([
        // No new connections; the requests under way are answered.
        app.stop().catch((err: unknown) => logger.warn('could not stop the Slack receiver cleanly', err)),
        inFlight.idle(options.drainMs ?? 20_000),
        background.stopRetention(),
      ]);
      if (!drained) logger.warn('stopping with Slack work still under way', { inFlight: inFlight.count });
      await background.stopWorkers();
      const released = await store.releaseLeases(s.owner).catch((err: unknown) => {
        logger.warn('could not release outbox leases; they expire on their own', err);
        return 0;
      });
      if (released > 0) logger.info('released outbox leases for another replica', { released });
      await metricsServer?.close();
      await store.close();
    })());

  // Slack: a first answer is awaited briefly (while the server starts), so a rejected token stops start-up here
  // with one line; a Slack that is down or silent is retried in the background while the app serves, not ready.
  let started = false;
  let fatalBeforeStart: Error | undefined;
  /** A token refused after start-up returned: stop serving and report it; before, startApp throws it. */
  const fatal = async (err: unknown, variable: string) => {
    if (w.lifecycle.draining) return;
    if (!started) {
      fatalBeforeStart ??= asError(err);
      return;
    }
    await stop();
    const startupError = err instanceof StartupError ? err : new StartupError(variable, String(err));
    (options.onFatal ?? ((e) => logger.error(e.message)))(startupError);
  };
  const authorized = slackAuth.untilAuthorized();
  authorized.then(
    () => background.start(),
    (err: unknown) => fatal(err, 'SLACK_BOT_TOKEN'),
  );
  const awaitFirstAnswer = firstAnswerOf(authorized);

  const running = (url: string, port: number): RunningApp => {
    if (fatalBeforeStart !== undefined) throw fatalBeforeStart;
    started = true;
    return { url, port, ...(metricsServer ? { metricsUrl: metricsServer.url } : {}), stop };
  };
  try {
    if (config.metrics) {
      metricsServer = await startMetricsServer(w.metrics, config.metrics);
      logger.info('serving metrics', { url: metricsServer.url });
    }
    if (s.socket) {
      await awaitFirstAnswer();
      // The app's start also starts the probes' server, which serves while the connection is retried.
      const opened = s.socket.untilOpen(
        () => app.start(),
        (err) => void fatal(err, 'SLACK_APP_TOKEN'),
      );
      opened.then(
        () => logger.info('connected to Slack in Socket Mode', { healthPort: config.http.port }),
        (err: unknown) => fatal(err, 'SLACK_APP_TOKEN'),
      );
      if ((await firstAnswerOf(opened)()) === 'waiting')
        logger.warn('not ready until Slack opens the Socket Mode connection (apps.connections.open is being retried)');
      return running(`http://127.0.0.1:${config.http.port}`, config.http.port);
    }
    const limits = { ...DEFAULT_SERVER_LIMITS, ...options.server };
    const server = (await app.start(
      { port: config.http.port, host: config.http.host },
      serverOptions(limits),
    )) as Server;
    capConnections(server, limits);
    const { port } = server.address() as AddressInfo;
    logger.info('listening for Slack requests', { url: `http://${config.http.host}:${port}/slack/events` });
    if ((await awaitFirstAnswer()) === 'waiting')
      logger.warn('not ready until Slack accepts the bot token (auth.test is being retried)');
    const host = config.http.host === '0.0.0.0' || config.http.host === '::' ? '127.0.0.1' : config.http.host;
    return running(`http://${host}:${port}`, port);
  } catch (err) {
    // A failed start (port taken, Slack refusing a token...) must not leave a server or the database open.
    w.lifecycle.draining = true;
    slackAuth.stop();
    s.socket?.stop();
    await app.stop().catch(() => undefined);
    await metricsServer?.close();
    await store.close().catch(() => undefined);
    throw err;
  }
}

/** Slack's first answer to `attempts`, awaited: 'waiting' when there is none yet; a refusal is thrown. */
function firstAnswerOf(attempts: Promise<unknown>): () => Promise<'waiting' | undefined> {
  const first = Promise.race([
    attempts.then(
      () => undefined,
      (err: unknown) => asError(err),
    ),
    sleep(FIRST_SLACK_ANSWER_MS, 'waiting' as const),
  ]);
  return async () => {
    const answer = await first;
    if (answer instanceof Error) throw answer;
    return answer;
  };
}

/** untilAuthorized rejects with Errors; anything else is wrapped so it can be thrown. */
const asError = (err: unknown): Error => (err instanceof Error ? err : new Error(String(err)));
