import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { OperationalStats } from '../store/types.ts';

// Every label value comes from one of these fixed sets: never a login, an email, a channel or a message.
export const WEBHOOK_OUTCOMES = [
  'accepted',
  'unauthorized',
  'bad_request',
  'too_large',
  'method_not_allowed',
  'rate_limited',
  'error',
  'other',
] as const;
export const POST_OUTCOMES = ['posted', 'rate_limited', 'retrying', 'failed'] as const;
export const DECISION_ACTIONS = ['approve', 'block', 'reopen', 'retry', 'unblock'] as const;
export const DECISION_OUTCOMES = ['done', 'failed', 'refused', 'already', 'not_found', 'error'] as const;
export const PROVIDERS = ['duo', 'okta', 'entra'] as const;
export const PROVIDER_OUTCOMES = ['ok', 'failed', 'retryable', 'error'] as const;
export const CII_OPERATIONS = [
  'ping',
  'getEndUserState',
  'getEndUser',
  'getEndUsersByIp',
  'getIntegrationsStatus',
  'registerWebhookWithApiKey',
  'unregisterWebhook',
] as const;
export const CII_OUTCOMES = ['ok', 'not_found', 'unavailable', 'credentials', 'unexpected', 'error'] as const;
export const CACHE_RESULTS = ['hit', 'miss'] as const;

export type WebhookOutcome = (typeof WEBHOOK_OUTCOMES)[number];
export type PostOutcome = (typeof POST_OUTCOMES)[number];
export type DecisionAction = (typeof DECISION_ACTIONS)[number];
export type DecisionOutcome = (typeof DECISION_OUTCOMES)[number];
export type Provider = (typeof PROVIDERS)[number];
export type ProviderOutcome = (typeof PROVIDER_OUTCOMES)[number];
export type CiiOperation = (typeof CII_OPERATIONS)[number];
export type CiiOutcome = (typeof CII_OUTCOMES)[number];

/** What the app counts, each call naming label values from the fixed sets above. */
export interface Metrics {
  readonly registry: Registry;
  /** The Prometheus text of every metric, the database figures read once for it. */
  scrape(): Promise<string>;
  webhookRequest(outcome: WebhookOutcome): void;
  findingsIngested(count: number): void;
  post(outcome: PostOutcome): void;
  /** A post that is not the delivery's first attempt. */
  postRetry(): void;
  decision(action: DecisionAction, outcome: DecisionOutcome): void;
  providerCall(provider: Provider, outcome: ProviderOutcome, seconds: number): void;
  ciiCall(operation: CiiOperation, outcome: CiiOutcome, seconds: number): void;
  lookupCache(result: (typeof CACHE_RESULTS)[number]): void;
}

export interface MetricsOptions {
  /** Database figures, read once per scrape.  */
  stats?: () => Promise<OperationalStats>;
  /** Whether this replica's delivery is paused because Slack refuses the app's token. */
  deliveryPaused?: () => boolean;
  now?: () => number;
}

const LATENCY_BUCKETS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const now = options.now ?? Date.now;

  const webhook = new Counter({
    name: 'cii_slack_webhook_requests_total',
    help: 'CII webhook requests by outcome',
    labelNames: ['outcome'],
    registers,
  });
  const findings = new Counter({
    name: 'cii_slack_findings_ingested_total',
    help: 'Findings stored from CII webhooks (duplicates excluded)',
    registers,
  });
  // Database figures: every replica reports the same values (aggregate them with max, not sum).
  const alerts = new Gauge({
    name: 'cii_slack_alerts',
    help: 'Alerts in the database by state',
    labelNames: ['state'],
    registers,
  });
  const pending = new Gauge({
    name: 'cii_slack_outbox_pending',
    help: 'Cards waiting to be posted to Slack',
    registers,
  });
  const oldestPending = new Gauge({
    name: 'cii_slack_outbox_oldest_pending_age_seconds',
    help: 'Age of the oldest card waiting to be posted (0 when none)',
    registers,
  });
  const broken = new Gauge({
    name: 'cii_slack_broken_subscriptions',
    help: 'Subscriptions Slack refused to post to',
    registers,
  });
  const waitingForRepair = new Gauge({
    name: 'cii_slack_outbox_waiting_broken_channel',
    help: 'Cards waiting for a channel Slack refused to be repaired (included in cii_slack_outbox_pending)',
    registers,
  });
  new Gauge({
    name: 'cii_slack_delivery_paused',
    help: 'This replica: 1 while Slack refuses the app token and nothing is posted (auth.test retried), else 0',
    registers,
    collect() {
      this.set(options.deliveryPaused?.() ? 1 : 0);
    },
  });
  const readStats = async () => {
    const s = await options.stats?.().catch(() => undefined);
    if (!s) return;
    for (const [state, count] of Object.entries(s.alertsByState)) alerts.set({ state }, count);
    pending.set(s.pendingDeliveries);
    oldestPending.set(s.oldestPendingAt === undefined ? 0 : Math.max(0, (now() - s.oldestPendingAt) / 1000));
    broken.set(s.brokenSubscriptions);
    waitingForRepair.set(s.waitingForRepair);
  };
  const posts = new Counter({
    name: 'cii_slack_slack_posts_total',
    help: 'Card posts to Slack by outcome (rate_limited: Slack answered 429)',
    labelNames: ['outcome'],
    registers,
  });
  const retries = new Counter({
    name: 'cii_slack_slack_post_retries_total',
    help: 'Card posts that were not the first attempt of their delivery',
    registers,
  });
  const decisions = new Counter({
    name: 'cii_slack_decisions_total',
    help: 'Analyst decisions on alert cards by action and outcome',
    labelNames: ['action', 'outcome'],
    registers,
  });
  const providerCalls = new Counter({
    name: 'cii_slack_provider_calls_total',
    help: 'Identity-provider actions by provider and outcome',
    labelNames: ['provider', 'outcome'],
    registers,
  });
  const providerLatency = new Histogram({
    name: 'cii_slack_provider_call_duration_seconds',
    help: 'Identity-provider action latency',
    labelNames: ['provider'],
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const ciiCalls = new Counter({
    name: 'cii_slack_cii_calls_total',
    help: 'CII API calls by operation and outcome',
    labelNames: ['operation', 'outcome'],
    registers,
  });
  const ciiLatency = new Histogram({
    name: 'cii_slack_cii_call_duration_seconds',
    help: 'CII API call latency, retries included',
    labelNames: ['operation'],
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const cache = new Counter({
    name: 'cii_slack_lookup_cache_total',
    help: 'CII lookups answered from the cache (hit) or by CII (miss)',
    labelNames: ['result'],
    registers,
  });

  return {
    registry,
    scrape: async () => {
      await readStats();
      return registry.metrics();
    },
    webhookRequest: (outcome) => webhook.inc({ outcome }),
    findingsIngested: (count) => findings.inc(count),
    post: (outcome) => posts.inc({ outcome }),
    postRetry: () => retries.inc(),
    decision: (action, outcome) => decisions.inc({ action, outcome }),
    providerCall: (provider, outcome, seconds) => {
      providerCalls.inc({ provider, outcome });
      providerLatency.observe({ provider }, seconds);
    },
    ciiCall: (operation, outcome, seconds) => {
      ciiCalls.inc({ operation, outcome });
      ciiLatency.observe({ operation }, seconds);
    },
    lookupCache: (result) => cache.inc({ result }),
  };
}
