import type { AlertIngest } from '../services/alerts/ingest.ts';
import type { DeliveryWorker } from '../services/delivery/worker.ts';
import type { ContextCompleter } from '../services/delivery/context-completer.ts';
import { createInterruptedSweeper } from '../services/responses/interrupted-sweeper.ts';
import type { ResponseService } from '../services/responses/types.ts';
import { createRetention } from '../services/retention.ts';
import { createStatisticsRefresh } from '../services/statistics-refresh.ts';
import type { VerificationRunner } from '../services/verification/runner.ts';
import type { Wiring } from './context.ts';

/**
 * Background work of every replica, once Slack accepted the token: the outbox, actions a crashed replica left
 * in progress, retention, planner statistics, verification questions, cards waiting for CII.
 */
export function buildBackground(
  w: Wiring,
  deps: {
    worker: DeliveryWorker;
    responses: Pick<ResponseService, 'recoverInterrupted'>;
    verifier: VerificationRunner | undefined;
    contextCompleter: ContextCompleter;
    ingest: Pick<AlertIngest, 'flushLog'>;
  },
) {
  const { config, options, logger, store } = w;
  const { worker, verifier, contextCompleter } = deps;
  // Sweeping twice per lease finds an action whose replica died within a lease and a half of its last renewal.
  const sweeper = createInterruptedSweeper({
    responses: deps.responses,
    logger: logger.child('responses'),
    intervalMs: config.actions.leaseMs / 2,
  });
  const retention = createRetention({
    store,
    retentionDays: config.retention.days,
    auditRetentionDays: config.retention.auditDays,
    logger: logger.child('retention'),
  });
  let started = false;
  let completer: NodeJS.Timeout | undefined;
  const statistics = createStatisticsRefresh({ store, logger: logger.child('store') });
  return {
    start() {
      if (started || w.lifecycle.draining) return;
      started = true;
      worker.start();
      sweeper.start();
      retention.start();
      verifier?.start();
      statistics.start();
      completer = setInterval(() => void contextCompleter.completeWaiting(), options.contextRetryMs ?? 30_000);
      completer.unref();
    },
    /** The periodic sweeps, at once. */
    stopSweeps() {
      sweeper.stop();
      statistics.stop();
    },
    stopRetention: () => retention.stop(),
    /** After the drain: the verification questions and then the outbox worker finish what they hold. */
    async stopWorkers() {
      await verifier?.stop();
      await worker.stop();
      deps.ingest.flushLog();
    },
  };
}
