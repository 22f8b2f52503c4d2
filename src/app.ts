import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { App, type CustomRoute } from '@slack/bolt';
import { createCiiClient, type CiiClientOptions } from './cii/client.ts';
import type { Config } from './config.ts';
import { createHealthRoute } from './http/health-route.ts';
import { createLogger, type Logger } from './logger.ts';
import { createLookupService } from './services/lookup.ts';
import { registerShareAction } from './slack/actions/share.ts';
import { createChannelPoster } from './slack/channel-poster.ts';
import { registerCiiCommand } from './slack/commands/cii-command.ts';

export interface AppOptions {
  logger?: Logger;
  now?: () => Date;
  /** How long a slash command may wait for CII before Bolt acknowledges it empty (Slack allows 3 s). */
  ackBudgetMs?: number;
  /** Timeouts and retry pacing of CII calls (tests shorten them). */
  cii?: Pick<CiiClientOptions, 'timeoutMs' | 'maxRetries' | 'retryBaseMs' | 'retryMaxMs'>;
}

export interface RunningApp {
  /** Base URL of the HTTP server (Slack requests at `/slack/events`, health at `/healthz`). */
  url: string;
  port: number;
  stop(): Promise<void>;
}

export async function startApp(config: Config, options: AppOptions = {}): Promise<RunningApp> {
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const now = options.now ?? (() => new Date());

  const cii = createCiiClient({
    tokenUrl: config.cii.tokenUrl,
    apiUrl: config.cii.apiUrl,
    clientId: config.cii.clientId,
    clientSecret: config.cii.clientSecret,
    audience: config.cii.audience,
    logger,
    ...options.cii,
  });
  const lookup = createLookupService({ cii, ttlSeconds: config.cii.lookupCacheTtlSeconds, logger: logger.child('lookup') });

  const customRoutes: CustomRoute[] = [createHealthRoute()];
  const socketMode = config.slack.appToken !== undefined;
  const app = new App({
    token: config.slack.botToken,
    signingSecret: config.slack.signingSecret,
    ...(socketMode ? { socketMode: true, appToken: config.slack.appToken, installerOptions: { port: config.http.port } } : {}),
    customRoutes,
    logger: logger.child('bolt'),
    clientOptions: {
      ...(config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {}),
      // Callers own retries: the delivery worker paces and backs off per channel; interactive calls fail fast.
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: 10_000,
    },
  });

  const answerDeps = { lookup, logger: logger.child('answers'), now };
  registerCiiCommand(app, { ...answerDeps, ackBudgetMs: options.ackBudgetMs ?? 2_000 });
  registerShareAction(app, { ...answerDeps, channels: createChannelPoster({ client: app.client, logger: logger.child('slack') }) });
  app.error(async (err) => {
    logger.error('unhandled error in a Slack listener', err);
  });

  if (socketMode) {
    await app.start();
    logger.info('connected to Slack in Socket Mode', { healthPort: config.http.port });
    return { url: `http://${config.http.host}:${config.http.port}`, port: config.http.port, stop: () => app.stop() as Promise<void> };
  }
  const server = (await app.start({ port: config.http.port, host: config.http.host })) as Server;
  const { port } = server.address() as AddressInfo;
  logger.info('listening for Slack requests', { url: `http://${config.http.host}:${port}/slack/events` });
  return {
    url: `http://${config.http.host === '0.0.0.0' ? '127.0.0.1' : config.http.host}:${port}`,
    port,
    stop: async () => {
      await app.stop();
    },
  };
}
