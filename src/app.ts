import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { App, type CustomRoute } from '@slack/bolt';
import { WebClient, type WebClientOptions } from '@slack/web-api';
import { createCiiClient, type CiiClientOptions } from './cii/client.ts';
import type { Config } from './config.ts';
import { createHealthRoute, type HealthCheckResult, READY_PATH } from './http/health-route.ts';
import { startMetricsServer, type MetricsServer } from './http/metrics-server.ts';
import { capConnections, DEFAULT_SERVER_LIMITS, serverOptions, type ServerLimits } from './http/server-limits.ts';
import { withRequestIds } from './http/request-id-route.ts';
import { createDuoAuthClient } from './idp/duo-auth.ts';
import { createIdentityProviders } from './idp/registry.ts';
import { createLogger, type Logger } from './logger.ts';
import {
  instrumentCii,
  instrumentClaims,
  instrumentPipeline,
  instrumentPoster,
  instrumentProviders,
  instrumentResponses,
  instrumentWebhookRoute,
} from './metrics/instrument.ts';
import { createMetrics } from './metrics/metrics.ts';
import { requestIdFrom, withRequestId } from './request-id.ts';
import { loadCheckCatalogue } from './checks/catalogue.ts';
import { createAlertAccounting } from './services/alerts/accounting.ts';
import { createCheckService } from './services/checks.ts';
import { createAlertIngest } from './services/alerts/ingest.ts';
import { createAlertPipeline } from './services/alerts/pipeline.ts';
import { createAuditService } from './services/audit.ts';
import { createCardService } from './services/cards/card-service.ts';
import { createContextCompleter } from './services/delivery/context-completer.ts';
import { createDeliveryWorker, type DeliveryWorkerDeps } from './services/delivery/worker.ts';
import { createLookupService } from './services/lookup.ts';
import { createStatisticsRefresh } from './services/statistics-refresh.ts';
import { createInterruptedSweeper } from './services/responses/interrupted-sweeper.ts';
import { createResponseService } from './services/responses/response-service.ts';
import { createRetention } from './services/retention.ts';
import { createStepUpGate } from './services/step-up/step-up-gate.ts';
import { createSubscriptionService } from './services/subscriptions.ts';
import { createVerificationRunner } from './services/verification/runner.ts';
import { createVerificationService } from './services/verification/verification-service.ts';
import { createAlertCardWriter } from './slack/alert-cards.ts';
import { createCardRenderer } from './slack/alert-renderer.ts';
import { createChannelPoster } from './slack/channel-poster.ts';
import { createPrincipalResolver, responderCheck } from './slack/principals.ts';
import { registerListeners } from './slack/register.ts';
import { createSlackAuthorization } from './slack/slack-auth.ts';
import { createSlackReceiver, replayGuard } from './slack/replay-guard.ts';
import { createSlackPoster } from './slack/slack-poster.ts';
import { createUserEmails } from './slack/user-emails.ts';
import { createVerifyMessages } from './slack/verify-messages.ts';
import { createSlackWebApi } from './slack/web-api.ts';
import { StartupError } from './startup-error.ts';
import { connectStore } from './store/connect.ts';
import type { BackoffOptions } from './util/backoff.ts';
import { createInFlight } from './util/in-flight.ts';
import { within } from './util/within.ts';
import { createWebhookRoute } from './webhook/route.ts';

export interface AppOptions {
  logger?: Logger;
  now?: () => Date;
  /** How long a slash command may wait for CII before Bolt acknowledges it empty (Slack allows 3 s). */
  ackBudgetMs?: number;
  /** Timeouts and retry pacing of CII calls (tests shorten them). */
  cii?: Pick<CiiClientOptions, 'timeoutMs' | 'maxRetries' | 'retryBaseMs' | 'retryMaxMs'>;
  /** Pacing of the delivery worker (tests and benchmarks tune them). */
  delivery?: Pick<
    DeliveryWorkerDeps,
    'perChannelIntervalMs' | 'concurrency' | 'leaseMs' | 'pollIntervalMs' | 'backoff' | 'enrichTimeoutMs'
  >;
  /** How often cards posted without their user's CII context are retried (default 30 s). */
  contextRetryMs?: number;
  /** Request timeouts and connection cap of the HTTP server (tests shorten them). */
  server?: Partial<ServerLimits>;
  /** Waits between start-up attempts while the database or Slack is not reachable yet (tests shorten them). */
  startupBackoff?: BackoffOptions;
  /**
   * Start-up failed for good after startApp returned (Slack rejected the bot token while it was being retried).
   * The app has stopped serving Slack; main prints the one line and exits 1. Default: log it.
   */
  onFatal?: (err: StartupError) => void;
  /** Longest wait, on stop, for commands, clicks and provider calls under way (default 20 s). */
  drainMs?: number;
  /**
   * On stop, how long the app keeps serving while /readyz already answers 503, so a load balancer polling it
   * stops sending requests before the listener closes (default 0; main uses 2 s).
   */
  drainNoticeMs?: number;
}

export interface RunningApp {
  /** Base URL of the HTTP server (Slack at `/slack/events`, `/healthz`, `/readyz`, CII at `/cii/webhook`). */
  url: string;
  port: number;
  /** `GET /metrics`, when METRICS_PORT is not off. */
  metricsUrl?: string;
  /**
   * Graceful stop: not ready at once, no new requests, the commands, clicks and provider calls under way
   * finish (bounded by drainMs), the posts under way finish and this replica's outbox leases are released.
   */
  stop(): Promise<void>;
}

/** How long start-up waits for Slack's first auth.test answer before serving (not ready) and retrying. */
const FIRST_SLACK_ANSWER_MS = 1_500;

export async function startApp(config: Config, options: AppOptions = {}): Promise<RunningApp> {
  const logger = options.logger ?? createLogger({ level: config.logLevel, format: config.logFormat });
  const now = options.now ?? (() => new Date());
  const catalogue = loadCheckCatalogue();
  for (const url of config.cii.presetUrls) {
    logger.warn(`CII ${url} comes from the CII_REGION preset, an unverified default: check it with /cii status`);
  }

  const shutdown = new AbortController();
  const store = await connectStore(config.databaseUrl, {
    logger: logger.child('store'),
    ...(options.startupBackoff ? { backoff: options.startupBackoff } : {}),
    signal: shutdown.signal,
  });
  const metrics = createMetrics({
    stats: () => store.operationalStats(),
    deliveryPaused: () => worker.paused() !== undefined,
  });

  const cii = instrumentCii(createCiiClient({ ...config.cii, logger, ...options.cii }), metrics);
  const lookup = createLookupService({
    cii,
    ttlSeconds: config.cii.lookupCacheTtlSeconds,
    defaultEmailDomain: config.cii.defaultEmailDomain,
    logger: logger.child('lookup'),
    onCacheResult: (result) => metrics.lookupCache(result),
  });
  const identityProviders = instrumentProviders(
    createIdentityProviders(config.identityProviders, { logger: logger.child('idp') }),
    metrics,
  );
  // A repaired channel's waiting cards are due at once (the worker is built once Slack's client exists).
  const subscriptions = createSubscriptionService({ store, onRepaired: () => worker.kick() });
  const ingest = createAlertIngest({
    store,
    subscriptions,
    groupThreshold: config.alerts.groupThreshold,
    fallbackChannel: config.alerts.fallbackChannel,
    verifyChecks: config.verify.checks,
    logger: logger.child('ingest'),
  });
  // The worker needs Slack's client, which exists only once the app (and so this pipeline's route) is built.
  const alerts = instrumentPipeline(
    createAlertPipeline({
      ingest,
      worker: { kick: () => worker.kick() },
      lookup,
      verifier: { kick: () => verifier?.kick() },
    }),
    metrics,
  );

  const slackClientOptions: WebClientOptions = {
    ...(config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {}),
    // Callers own retries: the delivery worker paces and backs off per channel; interactive calls fail fast.
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: 10_000,
    logger: logger.child('slack'),
  };
  const slackClient = new WebClient(config.slack.botToken, slackClientOptions);
  const slackAuth = createSlackAuthorization({
    client: slackClient,
    botToken: config.slack.botToken,
    logger: logger.child('slack'),
    ...(options.startupBackoff ? { backoff: options.startupBackoff } : {}),
  });

  // Liveness: the process answers. Readiness: the database answers, Slack accepted the token, not draining.
  let draining = false;
  const readiness = async (): Promise<HealthCheckResult> => {
    const database =
      (await within(
        store.schemaVersion().then(
          () => true,
          () => false,
        ),
        2_000,
      )) ?? false;
    const slack = slackAuth.isAuthorized();
    // Shown, not failed on: a refused token refuses every replica alike, and a ready replica still answers /cii status.
    const paused = worker.paused();
    return {
      ok: database && slack && !draining,
      details: {
        database: database ? 'ok' : 'unavailable',
        slack: slack ? 'authorized' : 'waiting',
        delivery: paused ? `paused: Slack refuses the token (${paused.reason})` : 'running',
        draining,
      },
    };
  };
  const customRoutes: CustomRoute[] = [createHealthRoute(), createHealthRoute(readiness, READY_PATH)];
  if (config.webhook.secret) {
    customRoutes.push(
      instrumentWebhookRoute(
        createWebhookRoute({
          secret: config.webhook.secret,
          headerName: config.webhook.headerName,
          logger: logger.child('webhook'),
          onFailedCheck: (finding) => alerts.receive(finding),
          onTest: (at) => ingest.recordWebhookTest(at),
        }),
        metrics,
      ),
    );
  } else {
    logger.warn('CII_WEBHOOK_SECRET is not set: the CII webhook (POST /cii/webhook) is off and no alerts will arrive');
  }

  const socketMode = config.slack.appToken !== undefined;
  const routes = customRoutes.map(withRequestIds);
  const app = new App({
    // Not `token`: Bolt would start auth.test in its constructor and keep a failure for good (see slack-auth.ts).
    authorize: slackAuth.authorize,
    ...(socketMode
      ? {
          signingSecret: config.slack.signingSecret,
          socketMode: true,
          appToken: config.slack.appToken,
          installerOptions: { port: config.http.port },
          customRoutes: routes,
        }
      : {
          receiver: createSlackReceiver({
            // Required by the configuration whenever Socket Mode is off; an empty secret would refuse everything.
            signingSecret: config.slack.signingSecret ?? '',
            customRoutes: routes,
            boltLogger: logger.child('bolt'),
            logger: logger.child('slack'),
          }),
        }),
    // The app keeps no per-conversation state: skip Bolt's conversation store on every request.
    convoStore: false,
    logger: logger.child('bolt'),
    clientOptions: slackClientOptions,
  });

  // Every line logged while a command, click or event is handled carries one id (Slack sends none); the work
  // under way is counted so a shutdown lets it finish.
  const inFlight = createInFlight();
  app.use(({ next }) => inFlight.track(() => withRequestId(requestIdFrom(undefined), next)));
  app.use(replayGuard({ remember: (...args) => store.rememberSignature(...args), now: () => now().getTime() }));

  const render = createCardRenderer({
    blockProviders: Object.values(identityProviders).map((p) => p.label),
    now,
    responders: config.responders,
    admins: config.admins,
    contextExpected: true,
    ...(config.alerts.privilegedGroups ? { privilegedGroups: config.alerts.privilegedGroups } : {}),
  });
  const slack = createSlackWebApi(slackClient);
  const cards = createCardService({
    store,
    writer: createAlertCardWriter({ slack, render, logger: logger.child('cards') }),
    logger: logger.child('cards'),
  });
  const owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const worker = createDeliveryWorker({
    store: instrumentClaims(store, metrics),
    owner,
    poster: instrumentPoster(createSlackPoster(slack), metrics),
    render,
    enrich: (login) => lookup.userContext(login),
    logger: logger.child('delivery'),
    afterPost: (claimed) => cards.afterPost(claimed),
    ...options.delivery,
  });

  // A card posted while CII was down is completed once CII answers again.
  const contextCompleter = createContextCompleter({
    store,
    enrich: (login) => lookup.userContext(login),
    cards,
    timeoutMs: options.delivery?.enrichTimeoutMs ?? 1_500,
    clock: { now: () => now().getTime() },
    logger: logger.child('cards'),
  });

  const channels = createChannelPoster({ slack, logger: logger.child('slack') });
  const principals = createPrincipalResolver({ client: slackClient, logger: logger.child('slack') });
  const emailOf = createUserEmails({ client: slackClient });
  const responseService = createResponseService({
    store,
    cii,
    providers: identityProviders,
    isResponder: responderCheck(principals, config.responders),
    emailOf,
    cards,
    clock: { now: () => now().getTime() },
    logger: logger.child('responses'),
  });
  const responses = instrumentResponses(responseService, metrics);
  const accounting = createAlertAccounting({ store, worker, clock: { now: () => now().getTime() } });
  const duoAuth = config.verify.duoAuth
    ? createDuoAuthClient({ ...config.verify.duoAuth, logger: logger.child('idp') })
    : undefined;
  const stepUp =
    config.stepUp === 'duo' && duoAuth
      ? createStepUpGate({
          push: duoAuth.push,
          emailOf,
          cii,
          store,
          clock: { now: () => now().getTime() },
          logger: logger.child('step-up'),
        })
      : undefined;
  const verification = createVerificationService({
    store,
    cii,
    slack: createVerifyMessages({ slack, logger: logger.child('verification') }),
    cards,
    responses,
    ...(duoAuth ? { duoPush: (username: string) => duoAuth.push(username) } : {}),
    settings: config.verify,
    clock: { now: () => now().getTime() },
    logger: logger.child('verification'),
  });
  // Only when some check asks: otherwise there is nothing for it to do.
  const verifier =
    config.verify.checks.length > 0
      ? createVerificationRunner({ verification, logger: logger.child('verification') })
      : undefined;
  const checks = createCheckService({ catalogue, store, clock: { now: () => now().getTime() } });
  registerListeners(app, {
    verification,
    slack,
    lookup,
    accounting,
    checks,
    subscriptions,
    delivery: worker,
    audit: createAuditService({ store }),
    webhookTests: ingest,
    responses,
    ...(stepUp ? { stepUp } : {}),
    channels,
    principals,
    admins: config.admins,
    responders: config.responders,
    now,
    logger,
    ackBudgetMs: options.ackBudgetMs ?? 2_000,
  });

  // Background work of every replica, once Slack accepted the token: the outbox, actions a crashed replica left
  // in progress, retention, planner statistics.
  const sweeper = createInterruptedSweeper({ responses, logger: logger.child('responses') });
  const retention = createRetention({
    store,
    retentionDays: config.retention.days,
    auditRetentionDays: config.retention.auditDays,
    logger: logger.child('retention'),
  });
  let backgroundStarted = false;
  let completer: NodeJS.Timeout | undefined;
  const statistics = createStatisticsRefresh({ store, logger: logger.child('store') });
  const startBackground = () => {
    if (backgroundStarted || draining) return;
    backgroundStarted = true;
    worker.start();
    sweeper.start();
    retention.start();
    verifier?.start();
    statistics.start();
    completer = setInterval(() => void contextCompleter.completeWaiting(), options.contextRetryMs ?? 30_000);
    completer.unref();
  };

  let metricsServer: MetricsServer | undefined;
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      draining = true;
      shutdown.abort(new Error('stopping'));
      slackAuth.stop();
      sweeper.stop();
      statistics.stop();
      if (options.drainNoticeMs) await sleep(options.drainNoticeMs);
      const [, drained] = await Promise.all([
        // No new connections; the requests under way are answered.
        app.stop().catch((err: unknown) => logger.warn('could not stop the Slack receiver cleanly', err)),
        inFlight.idle(options.drainMs ?? 20_000),
        retention.stop(),
      ]);
      if (!drained) logger.warn('stopping with Slack work still under way', { inFlight: inFlight.count });
      await verifier?.stop();
      await worker.stop();
      const released = await store.releaseLeases(owner).catch((err: unknown) => {
        logger.warn('could not release outbox leases; they expire on their own', err);
        return 0;
      });
      if (released > 0) logger.info('released outbox leases for another replica', { released });
      await metricsServer?.close();
      await store.close();
    })());

  // Slack: a first answer is awaited briefly, so a rejected token stops start-up here with one line; a Slack
  // that is down or silent is retried in the background while the app serves, not ready.
  let started = false;
  let fatalBeforeStart: Error | undefined;
  const authorized = slackAuth.untilAuthorized();
  authorized.then(startBackground, async (err: unknown) => {
    if (draining) return;
    if (!started) {
      fatalBeforeStart = asError(err);
      return;
    }
    await stop();
    const fatal = err instanceof StartupError ? err : new StartupError('SLACK_BOT_TOKEN', String(err));
    (options.onFatal ?? ((e) => logger.error(e.message)))(fatal);
  });
  const first = await Promise.race([
    authorized.then(
      () => undefined,
      (err: unknown) => asError(err),
    ),
    sleep(FIRST_SLACK_ANSWER_MS, 'waiting' as const),
  ]);

  const running = (url: string, port: number): RunningApp => {
    if (fatalBeforeStart !== undefined) throw fatalBeforeStart;
    started = true;
    return { url, port, ...(metricsServer ? { metricsUrl: metricsServer.url } : {}), stop };
  };
  try {
    if (first !== undefined && first !== 'waiting') throw first;
    if (config.metrics) {
      metricsServer = await startMetricsServer(metrics, config.metrics);
      logger.info('serving metrics', { url: metricsServer.url });
    }
    if (socketMode) {
      await app.start();
      logger.info('connected to Slack in Socket Mode', { healthPort: config.http.port });
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
    if (first === 'waiting') logger.warn('not ready until Slack accepts the bot token (auth.test is being retried)');
    const host = config.http.host === '0.0.0.0' || config.http.host === '::' ? '127.0.0.1' : config.http.host;
    return running(`http://${host}:${port}`, port);
  } catch (err) {
    // A failed start (port taken, Slack refusing a token...) must not leave a server or the database open.
    draining = true;
    slackAuth.stop();
    await app.stop().catch(() => undefined);
    await metricsServer?.close();
    await store.close().catch(() => undefined);
    throw err;
  }
}

/** untilAuthorized rejects with Errors; anything else is wrapped so it can be thrown. */
const asError = (err: unknown): Error => (err instanceof Error ? err : new Error(String(err)));
