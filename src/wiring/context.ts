import type { CiiClientOptions } from '../cii/client.ts';
import type { Config } from '../config.ts';
import type { ServerLimits } from '../http/server-limits.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { DeliveryWorkerDeps } from '../services/delivery/worker.ts';
import type { StartupError } from '../startup-error.ts';
import type { InspectableStore } from '../store/types.ts';
import type { BackoffOptions } from '../util/backoff.ts';

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
    | 'perChannelIntervalMs'
    | 'concurrency'
    | 'leaseMs'
    | 'pollIntervalMs'
    | 'backoff'
    | 'enrichTimeoutMs'
    | 'refusedChannelRetryMs'
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

/** What every wiring module is built from. */
export interface Wiring {
  config: Config;
  options: AppOptions;
  logger: Logger;
  now: () => Date;
  clock: { now: () => number };
  store: InspectableStore;
  metrics: Metrics;
  /** Set once stopping (or a failed start) began: not ready, no background work starts. */
  lifecycle: { draining: boolean };
}
