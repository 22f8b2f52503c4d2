import { describe, expect, it } from 'vitest';
import { createAlertPipeline } from '../../../src/services/alerts/pipeline.ts';
import type { IngestResult } from '../../../src/services/alerts/ingest.ts';
import { finding, userLogins } from './fixtures.ts';

function pipeline(result: IngestResult) {
  const kicks: number[] = [];
  const prefetched: string[][] = [];
  const alerts = createAlertPipeline({
    ingest: { ingest: () => Promise.resolve(result) },
    worker: { kick: () => kicks.push(1) },
    lookup: { prefetchUsers: (logins) => prefetched.push([...logins]) },
  });
  return { alerts, kicks, prefetched };
}

describe('alert pipeline', () => {
  it('wakes the worker and warms the lookups of the first ten users when cards were queued', async () => {
    const { alerts, kicks, prefetched } = pipeline({ duplicate: false, alertsCreated: 12, deliveriesCreated: 13 });
    const result = await alerts.receive(finding({ logins: userLogins(12) }));
    expect(result).toEqual({ duplicate: false, alertsCreated: 12, deliveriesCreated: 13 });
    expect(kicks).toHaveLength(1);
    expect(prefetched).toEqual([userLogins(10)]);
  });

  it('neither wakes the worker nor calls CII when nothing was queued', async () => {
    const { alerts, kicks, prefetched } = pipeline({ duplicate: true, alertsCreated: 0, deliveriesCreated: 0 });
    await alerts.receive(finding());
    expect([...kicks, ...prefetched]).toEqual([]);
  });
});
