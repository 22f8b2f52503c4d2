import { loadCheckCatalogue } from './checks/catalogue.ts';
import type { Config } from './config.ts';
import { createLogger } from './logger.ts';
import { createMetrics } from './metrics/metrics.ts';
import { registerListeners } from './slack/register.ts';
import { connectStore } from './store/connect.ts';
import { buildBackground } from './wiring/background.ts';
import { buildBoltApp } from './wiring/bolt-app.ts';
import type { AppOptions, RunningApp, Wiring } from './wiring/context.ts';
import { buildHttpRoutes } from './wiring/http-routes.ts';
import { serve } from './wiring/serve.ts';
import { buildServices } from './wiring/services.ts';
import { createSlackClient } from './wiring/slack-client.ts';

export type { AppOptions, RunningApp } from './wiring/context.ts';

/** Builds the store, the services, Slack's app and the HTTP routes from the configuration, then serves. */
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
    // The worker is built with the services below; the metrics read it only when scraped.
    deliveryPaused: () => services.worker.paused() !== undefined,
  });
  const w: Wiring = {
    config,
    options,
    logger,
    now,
    clock: { now: () => now().getTime() },
    store,
    metrics,
    lifecycle: { draining: false },
  };

  const slack = createSlackClient(config, logger, options.startupBackoff);
  const services = buildServices(w, slack.client, catalogue);
  // Readiness asks the Socket Mode connection, which is built with the routes it serves: read when asked.
  const routes = buildHttpRoutes(w, { slackAuth: slack.auth, socketOpen: () => bolt.socket?.isOpen(), ...services });
  const bolt = buildBoltApp(w, slack, routes);
  const { app, inFlight, socket } = bolt;
  registerListeners(app, services.listeners);
  const background = buildBackground(w, services);
  return serve(w, { app, socket, inFlight, slackAuth: slack.auth, background, owner: services.owner, shutdown });
}
