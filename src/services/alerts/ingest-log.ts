import type { Logger } from '../../logger.ts';
import { withoutRequestId } from '../../request-id.ts';

/** What one webhook's finding recorded, as the ingest logs it. */
export interface RecordedFinding {
  envelopeId: string;
  findingId: string;
  checkId: string;
  routed: boolean;
  users: number;
  duplicate: boolean;
  alertsCreated: number;
  deliveriesCreated: number;
}

export interface IngestLog {
  recorded(finding: RecordedFinding): void;
  /** Says at once what is summed and not yet said (at shutdown). */
  flush(): void;
}

interface Tally {
  findings: number;
  users: number;
  alertsCreated: number;
  deliveriesCreated: number;
  unrouted: number;
}

/**
 * One info line per interval for the findings that brought new alerts, rather than one per finding: at a thousand
 * findings a second those lines cost a sixth of the ingest's CPU, and read no better than a sum. A finding after a
 * quiet interval is said at once, with its ids; those that follow within the interval are summed and said at its
 * end, each with a debug line of its own.
 */
export function createIngestLog(deps: { logger: Logger; now: () => number; intervalMs?: number }): IngestLog {
  const { logger, now } = deps;
  const intervalMs = deps.intervalMs ?? 10_000;
  let lastLineAt = Number.NEGATIVE_INFINITY;
  let tally: Tally | undefined;
  let timer: NodeJS.Timeout | undefined;

  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    if (tally === undefined) return;
    logger.info('findings recorded', { ...tally, intervalMs });
    tally = undefined;
    lastLineAt = now();
  };

  return {
    recorded(finding) {
      if (finding.alertsCreated === 0) {
        logger.debug('finding brought nothing new', finding);
        return;
      }
      const at = now();
      if (tally === undefined && at - lastLineAt >= intervalMs) {
        logger.info('finding recorded', finding);
        lastLineAt = at;
        return;
      }
      logger.debug('finding recorded', finding);
      tally ??= { findings: 0, users: 0, alertsCreated: 0, deliveriesCreated: 0, unrouted: 0 };
      tally.findings += 1;
      tally.users += finding.users;
      tally.alertsCreated += finding.alertsCreated;
      tally.deliveriesCreated += finding.deliveriesCreated;
      if (!finding.routed) tally.unrouted += 1;
      // Armed outside the request at hand: the sum is about every request of the interval.
      timer ??= withoutRequestId(() => setTimeout(flush, Math.max(0, lastLineAt + intervalMs - at)).unref());
    },
    flush,
  };
}
