import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { App, type CustomRoute } from '@slack/bolt';
import { createCiiClient, type CiiClientOptions } from './cii/client.ts';
import type { Config } from './config.ts';
import { createHealthRoute } from './http/health-route.ts';
import { capConnections, DEFAULT_SERVER_LIMITS, serverOptions, type ServerLimits } from './http/server-limits.ts';
import { withRequestIds } from './http/request-id-route.ts';
import { createIdentityProviders } from './idp/registry.ts';
import { createLogger, type Logger } from './logger.ts';
import { requestIdFrom, withRequestId } from './request-id.ts';
import { createAlertIngest } from './services/alerts/ingest.ts';
import { createAlertPipeline } from './services/alerts/pipeline.ts';
import { createAuditService } from './services/audit.ts';
import { createCardService } from './services/cards/card-service.ts';
import { createDeliveryWorker, type DeliveryWorkerDeps } from './services/delivery/worker.ts';
import { createLookupService } from './services/lookup.ts';
import { createInterruptedSweeper } from './services/responses/interrupted-sweeper.ts';
import { createResponseService } from './services/responses/response-service.ts';
import { createSubscriptionService } from './services/subscriptions.ts';
import { createAlertCardWriter } from './slack/alert-cards.ts';
import { createCardRenderer } from './slack/alert-renderer.ts';
import { createChannelPoster } from './slack/channel-poster.ts';
import { createPrincipalResolver, responderCheck } from './slack/principals.ts';
import { registerListeners } from './slack/register.ts';
import { createSlackPoster } from './slack/slack-poster.ts';
import { createUserEmails } from './slack/user-emails.ts';
import { createSlackWebApi } from './slack/web-api.ts';
import { openStore } from './store/open-store.ts';
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
  /** Request timeouts and connection cap of the HTTP server (tests shorten them). */
  server?: Partial<ServerLimits>;
}

export interface RunningApp {
  /** Base URL of the HTTP server (Slack requests at `/slack/events`, health at `/healthz`, CII at `/cii/webhook`). */
  url: string;
  port: number;
  stop(): Promise<void>;
}

export async function startApp(config: Config, options: AppOptions = {}): Promise<RunningApp> {
  const logger = options.logger ?? createLogger({ level: config.logLevel, format: config.logFormat });
  const now = options.now ?? (() => new Date());
  for (const url of config.cii.presetUrls) {
    logger.warn(`CII ${url} comes from the CII_REGION preset, an unverified default: check it with /cii status`);
  }

  const cii = createCiiClient({ ...config.cii, logger, ...options.cii });
  const lookup = createLookupService({
    cii,
    ttlSeconds: config.cii.lookupCacheTtlSeconds,
    defaultEmailDomain: config.cii.defaultEmailDomain,
    logger: logger.child('lookup'),
  });
  const identityProviders = createIdentityProviders(config.identityProviders, { logger: logger.child('idp') });

  const store = await openStore(config.databaseUrl, { logger: logger.child('store') });
  const subscriptions = createSubscriptionService({ store });
  const ingest = createAlertIngest({
    store,
    subscriptions,
    groupThreshold: config.alerts.groupThreshold,
    logger: logger.child('ingest'),
  });
  // The worker needs Slack's client, which exists only once the app (and so this pipeline's route) is built.
  const alerts = createAlertPipeline({ ingest, worker: { kick: () => worker.kick() }, lookup });

  // Healthy means the database answers: a replica that lost it should be restarted, not sent traffic.
  const customRoutes: CustomRoute[] = [createHealthRoute(() => store.schemaVersion().then(() => ({ ok: true })))];
  if (config.webhook.secret) {
    customRoutes.push(
      createWebhookRoute({
        secret: config.webhook.secret,
        headerName: config.webhook.headerName,
        logger: logger.child('webhook'),
        onFailedCheck: (finding) => alerts.receive(finding),
        onTest: (at) => ingest.recordWebhookTest(at),
      }),
    );
  } else {
    logger.warn('CII_WEBHOOK_SECRET is not set: the CII webhook (POST /cii/webhook) is off and no alerts will arrive');
  }

  const socketMode = config.slack.appToken !== undefined;
  const app = new App({
    token: config.slack.botToken,
    signingSecret: config.slack.signingSecret,
    ...(socketMode
      ? { socketMode: true, appToken: config.slack.appToken, installerOptions: { port: config.http.port } }
      : {}),
    customRoutes: customRoutes.map(withRequestIds),
    // The app keeps no per-conversation state: skip Bolt's conversation store on every request.
    convoStore: false,
    logger: logger.child('bolt'),
    clientOptions: {
      ...(config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {}),
      // Callers own retries: the delivery worker paces and backs off per channel; interactive calls fail fast.
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: 10_000,
    },
  });

  // Every line logged while a command, click or event is handled carries one id (Slack sends none).
  app.use(({ next }) => withRequestId(requestIdFrom(undefined), next));

  const render = createCardRenderer({
    blockProviders: Object.values(identityProviders).map((p) => p.label),
    now,
    responders: config.responders,
    admins: config.admins,
  });
  const slack = createSlackWebApi(app.client);
  const cards = createCardService({
    store,
    writer: createAlertCardWriter({ slack, render, logger: logger.child('cards') }),
    logger: logger.child('cards'),
  });
  const worker = createDeliveryWorker({
    store,
    poster: createSlackPoster(slack),
    render,
    enrich: (login) => lookup.enrichment(login),
    logger: logger.child('delivery'),
    afterPost: (claimed) => cards.afterPost(claimed),
    onSubscriptionBroken: (id, reason) => {
      subscriptions.invalidate();
      logger.warn('a subscription is broken: Slack refused to post its alerts', { subscriptionId: id, reason });
    },
    ...options.delivery,
  });

  const channels = createChannelPoster({ slack, logger: logger.child('slack') });
  const principals = createPrincipalResolver({ client: app.client, logger: logger.child('slack') });
  const responses = createResponseService({
    store,
    cii,
    providers: identityProviders,
    isResponder: responderCheck(principals, config.responders),
    emailOf: createUserEmails({ client: app.client }),
    cards,
    clock: { now: () => now().getTime() },
    logger: logger.child('responses'),
  });
  registerListeners(app, {
    lookup,
    subscriptions,
    audit: createAuditService({ store }),
    webhookTests: ingest,
    responses,
    channels,
    principals,
    admins: config.admins,
    responders: config.responders,
    now,
    logger,
    ackBudgetMs: options.ackBudgetMs ?? 2_000,
  });

  // Background work of every replica: the outbox, and actions a crashed replica left in progress.
  const sweeper = createInterruptedSweeper({ responses, logger: logger.child('responses') });
  const startBackground = () => {
    worker.start();
    sweeper.start();
  };
  const stop = async () => {
    sweeper.stop();
    await app.stop();
    await worker.stop();
    await store.close();
  };

  try {
    if (socketMode) {
      await app.start();
      startBackground();
      logger.info('connected to Slack in Socket Mode', { healthPort: config.http.port });
      return { url: `http://127.0.0.1:${config.http.port}`, port: config.http.port, stop };
    }
    const limits = { ...DEFAULT_SERVER_LIMITS, ...options.server };
    const server = (await app.start(
      { port: config.http.port, host: config.http.host },
      serverOptions(limits),
    )) as Server;
    capConnections(server, limits);
    startBackground();
    const { port } = server.address() as AddressInfo;
    logger.info('listening for Slack requests', { url: `http://${config.http.host}:${port}/slack/events` });
    const host = config.http.host === '0.0.0.0' || config.http.host === '::' ? '127.0.0.1' : config.http.host;
    return { url: `http://${host}:${port}`, port, stop };
  } catch (err) {
    // A failed start (port taken, Slack refusing the app token...) must not leave a server or the database open.
    await app.stop().catch(() => undefined);
    await store.close().catch(() => undefined);
    throw err;
  }
}
