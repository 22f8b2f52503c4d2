import type { Finding } from '../../alerts/finding.ts';
import type { DeliveryWorker } from '../delivery/worker.ts';
import type { LookupService } from '../lookup.ts';
import type { AlertIngest, IngestResult } from './ingest.ts';

/** Users per finding looked up in CII as soon as the finding is stored. */
const PREFETCHED_USERS = 10;

export interface AlertPipeline {
  /** Stores a finding, wakes the delivery worker when cards were queued, and warms the lookups they need. */
  receive(finding: Finding): Promise<IngestResult>;
}

export function createAlertPipeline(deps: {
  ingest: Pick<AlertIngest, 'ingest'>;
  worker: Pick<DeliveryWorker, 'kick'>;
  lookup: Pick<LookupService, 'prefetchUsers'>;
  /** Wakes the "was this you?" runner when new alerts may ask their users. */
  verifier?: { kick(): void };
}): AlertPipeline {
  const { ingest, worker, lookup } = deps;
  return {
    async receive(finding) {
      const result = await ingest.ingest(finding);
      if (result.alertsCreated > 0) deps.verifier?.kick();
      if (result.deliveriesCreated > 0) {
        worker.kick();
        // Warm the lookup cache for the first cards, so posting them does not wait on CII. Bounded: the
        // rest are enriched when their turn comes, at Slack's pace, not all at once against CII.
        lookup.prefetchUsers(finding.users.slice(0, PREFETCHED_USERS).map((u) => u.login));
      }
      return result;
    },
  };
}
