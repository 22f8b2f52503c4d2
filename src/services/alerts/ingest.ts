import { randomUUID } from 'node:crypto';
import type { FailingUser, Finding } from '../../alerts/finding.ts';
import type { Logger } from '../../logger.ts';
import type { AlertRouting, AlertStore, NewAlert, SettingsStore } from '../../store/types.ts';
import type { SubscriptionService } from '../subscriptions.ts';
import { createIngestLog } from './ingest-log.ts';
import { planDeliveries, type Route } from './plan-deliveries.ts';

export interface IngestResult {
  duplicate: boolean;
  alertsCreated: number;
  deliveriesCreated: number;
}

export interface AlertIngest {
  /** Persists a finding and queues its cards; no network. Safe to call again with the same envelope. */
  ingest(finding: Finding): Promise<IngestResult>;
  /** Logs the findings recorded and not yet said (at shutdown). */
  flushLog(): void;
  recordWebhookTest(at: Date): Promise<void>;
  lastWebhookTest(): Promise<Date | undefined>;
}

const WEBHOOK_TEST_KEY = 'webhook_test_at';

export function createAlertIngest(deps: {
  store: Pick<AlertStore, 'recordFinding'> & Pick<SettingsStore, 'getState' | 'setState'>;
  subscriptions: Pick<SubscriptionService, 'matching'>;
  groupThreshold?: number;
  /** CII_FALLBACK_CHANNEL: where alerts no subscription matches are posted (still counted as unrouted). */
  fallbackChannel?: string;
  /** CII_VERIFY_CHECKS: alerts of these checks ask their user "was this you?". */
  verifyChecks?: readonly string[];
  clock?: { now(): number };
  /** One info line per this interval for the findings recorded (one debug line each). */
  logIntervalMs?: number;
  logger: Logger;
}): AlertIngest {
  const { store, subscriptions } = deps;
  const groupThreshold = deps.groupThreshold ?? 5;
  const clock = deps.clock ?? { now: () => Date.now() };
  const log = createIngestLog({ logger: deps.logger, now: () => clock.now(), intervalMs: deps.logIntervalMs });
  const verifyChecks = new Set((deps.verifyChecks ?? []).map((c) => c.toLowerCase()));

  async function routesFor(finding: Finding): Promise<Route[]> {
    const matches = await subscriptions.matching(finding.checkId, finding.severity);
    const byChannel = new Map<string, Route>();
    for (const s of [...matches].sort((a, b) => a.id - b.id)) {
      if (!byChannel.has(s.channelId)) byChannel.set(s.channelId, { channelId: s.channelId, subscriptionId: s.id });
    }
    return [...byChannel.values()];
  }

  // The store marks muted the alerts of a check muted for their user, as it records them: counted, not posted,
  // not asked about. It reads the mutes in the finding's own transaction, so every replica's mute and unmute
  // applies to the next finding.
  function alertsOf(finding: Finding, routing: AlertRouting): NewAlert[] {
    const users = new Map<string, FailingUser>();
    for (const user of finding.users) {
      const login = user.login.trim();
      if (login !== '' && !users.has(login)) users.set(login, user);
    }
    return [...users].map(([login, { trustLevel, details }]): NewAlert => ({
      id: randomUUID(),
      findingId: finding.findingId,
      envelopeId: finding.envelopeId,
      checkId: finding.checkId,
      title: finding.title,
      severity: finding.severity,
      severityLabel: finding.severityLabel,
      login,
      description: finding.description,
      recommendedActions: finding.recommendedActions,
      published: finding.published,
      routing,
      ...(verifyChecks.has(finding.checkId.toLowerCase()) ? { verify: true } : {}),
      ...(trustLevel ? { trustLevel } : {}),
      ...(finding.context ? { context: finding.context } : {}),
      ...(details.length > 0 ? { details } : {}),
    }));
  }

  return {
    async ingest(finding) {
      const matched = await routesFor(finding);
      const routes = matched.length > 0 || !deps.fallbackChannel ? matched : [{ channelId: deps.fallbackChannel }];
      const result = await store.recordFinding({
        envelopeId: finding.envelopeId,
        findingId: finding.findingId,
        receivedAt: clock.now(),
        alerts: alertsOf(finding, matched.length > 0 ? 'routed' : 'unrouted'),
        planDeliveries: (created) =>
          planDeliveries(
            created.filter((a) => a.routing !== 'muted'),
            routes,
            groupThreshold,
          ),
      });
      log.recorded({
        envelopeId: finding.envelopeId,
        findingId: finding.findingId,
        checkId: finding.checkId,
        routed: matched.length > 0,
        users: finding.users.length,
        duplicate: result.duplicate,
        alertsCreated: result.alertsCreated.length,
        deliveriesCreated: result.deliveriesCreated,
      });
      return {
        duplicate: result.duplicate,
        alertsCreated: result.alertsCreated.length,
        deliveriesCreated: result.deliveriesCreated,
      };
    },

    flushLog: () => log.flush(),

    recordWebhookTest: (at) => store.setState(WEBHOOK_TEST_KEY, at.toISOString()),

    async lastWebhookTest() {
      const value = await store.getState(WEBHOOK_TEST_KEY);
      return value === undefined ? undefined : new Date(value);
    },
  };
}
