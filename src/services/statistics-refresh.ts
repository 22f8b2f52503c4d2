import type { Logger } from '../logger.ts';
import type { Store } from '../store/types.ts';

export interface StatisticsRefresh {
  start(): void;
  stop(): void;
}

/**
 * Background work of every replica: keeps the database's planner statistics fresh, so the delivery claim stays an
 * index scan as the outbox grows. Runs at start, then `intervalMs` after each run ends (never two at once on a
 * slow ANALYZE). A failure is logged; the next run goes ahead.
 */
export function createStatisticsRefresh(deps: {
  store: Pick<Store, 'refreshStatistics'>;
  logger: Logger;
  intervalMs?: number;
}): StatisticsRefresh {
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  const run = async () => {
    await deps.store
      .refreshStatistics()
      .catch((err: unknown) => deps.logger.warn('could not refresh the database statistics', err));
    if (!running) return;
    timer = setTimeout(() => void run(), deps.intervalMs ?? 3_600_000);
    timer.unref();
  };
  return {
    start() {
      if (running) return;
      running = true;
      void run();
    },
    stop() {
      running = false;
      clearTimeout(timer);
    },
  };
}
