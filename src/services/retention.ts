import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../logger.ts';
import type { MaintenanceStore, PruneResult } from '../store/types.ts';

const DAY_MS = 86_400_000;

export interface RetentionDeps {
  store: Pick<MaintenanceStore, 'pruneBatch'>;
  /** Alerts, their cards and seen webhook ids are kept this long. */
  retentionDays: number;
  auditRetentionDays: number;
  logger: Logger;
  now?: () => number;
  /** Rows of each kind per transaction: short transactions never hold up ingest or claims for long. */
  batchSize?: number;
  /** Pause between batches, so a large first prune leaves room for the app's own work. */
  pauseMs?: number;
  /** Time from one prune run to the next (the first runs `firstRunMs` after start). */
  intervalMs?: number;
  firstRunMs?: number;
}

export interface Retention {
  /** Prunes in batches until nothing is past retention (or stop is called); returns what it removed. */
  runOnce(): Promise<PruneResult>;
  start(): void;
  stop(): Promise<void>;
}

export function createRetention(deps: RetentionDeps): Retention {
  const { store, logger } = deps;
  const now = deps.now ?? Date.now;
  const batchSize = deps.batchSize ?? 500;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<PruneResult> | undefined;

  const prune = async (): Promise<PruneResult> => {
    const at = now();
    const options = {
      now: at,
      before: at - deps.retentionDays * DAY_MS,
      auditBefore: at - deps.auditRetentionDays * DAY_MS,
      limit: batchSize,
    };
    const total: PruneResult = { alerts: 0, summaries: 0, seenEvents: 0, audit: 0, idleChannels: 0 };
    while (!stopped) {
      const batch = await store.pruneBatch(options);
      for (const key of Object.keys(total) as Array<keyof PruneResult>) total[key] += batch[key];
      if (Object.values(batch).every((n) => n < batchSize)) break;
      await sleep(deps.pauseMs ?? 20);
    }
    if (Object.values(total).some((n) => n > 0)) logger.info('pruned what is past retention', { ...total });
    return total;
  };

  const runOnce = () => {
    running ??= prune().finally(() => {
      running = undefined;
    });
    return running;
  };

  const schedule = (ms: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      runOnce()
        .catch((err: unknown) => logger.error('could not prune what is past retention', err))
        .finally(() => schedule(deps.intervalMs ?? 3_600_000));
    }, ms);
    timer.unref();
  };

  return {
    runOnce,
    start: () => schedule(deps.firstRunMs ?? 60_000),
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running?.catch(() => undefined);
    },
  };
}
