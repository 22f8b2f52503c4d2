import { SEVERITIES, severityRank } from '../../alerts/finding.ts';
import type { AccountingStore, AlertCounts, RecentAlert, RecentAlertFilter } from '../../store/types.ts';
import type { Subscription } from '../subscriptions.ts';

export type { AlertCounts, RecentAlert };

const DAY_MS = 24 * 60 * 60 * 1000;
/** How far back `/cii status` counts, and how far back a new subscription may fetch what it missed. */
export const BACKLOG_DAYS = 7;

export interface AlertAccounting {
  /** What became of the alerts of the last 24 hours and of the last 7 days. */
  counts(): Promise<{ day: AlertCounts; week: AlertCounts }>;
  /** Recent alerts, newest first, with where each card went. */
  recent(filter: Omit<RecentAlertFilter, 'limit'> & { limit?: number }): Promise<RecentAlert[]>;
  /** Alerts of the last 7 days the subscription's filter matches and its channel never got. */
  backlogOf(subscription: Subscription): Promise<number>;
  /**
   * What a filter not yet stored would have brought a channel over the last 7 days: every alert it matches
   * (`matching`, muted ones excluded) and those of them the channel never got (`missed`).
   */
  preview(
    filter: Pick<Subscription, 'channelId' | 'checkIds' | 'minSeverity'>,
  ): Promise<{ matching: number; missed: number }>;
  /** Queues those alerts' cards in the subscription's channel (once) and wakes the worker; how many. */
  postBacklog(subscription: Subscription): Promise<number>;
}

export function createAlertAccounting(deps: {
  store: AccountingStore;
  worker: { kick(): void };
  clock?: { now(): number };
}): AlertAccounting {
  const { store, worker } = deps;
  const clock = deps.clock ?? { now: () => Date.now() };

  const backlogQuery = (s: Pick<Subscription, 'channelId' | 'checkIds' | 'minSeverity'>) => ({
    channelId: s.channelId,
    checkIds: s.checkIds,
    severities: SEVERITIES.filter((sev) => severityRank(sev) >= severityRank(s.minSeverity)),
    since: clock.now() - BACKLOG_DAYS * DAY_MS,
  });

  return {
    async counts() {
      const now = clock.now();
      const [day, week] = await Promise.all([
        store.countAlerts(now - DAY_MS),
        store.countAlerts(now - BACKLOG_DAYS * DAY_MS),
      ]);
      return { day, week };
    },
    recent: ({ limit = 10, ...filter }) => store.listRecentAlerts({ ...filter, limit }),
    backlogOf: (subscription) => store.countChannelBacklog(backlogQuery(subscription)),
    async preview(filter) {
      const { channelId, ...query } = backlogQuery(filter);
      const [matching, missed] = await Promise.all([
        store.countMatchingAlerts(query),
        store.countChannelBacklog({ ...query, channelId }),
      ]);
      return { matching, missed };
    },
    async postBacklog(subscription) {
      const queued = await store.enqueueChannelBacklog({
        ...backlogQuery(subscription),
        subscriptionId: subscription.id,
        now: clock.now(),
      });
      if (queued > 0) worker.kick();
      return queued;
    },
  };
}
