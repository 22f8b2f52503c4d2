import { describe, expect, test } from 'vitest';
import { createLogger } from '../../src/logger.ts';
import { createRetention } from '../../src/services/retention.ts';
import type { PruneOptions, PruneResult } from '../../src/store/types.ts';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 5, 1);

/** A store with `rows` of each kind past retention, removed `limit` at a time. */
function backlog(rows: number) {
  const left = {
    alerts: rows,
    summaries: 0,
    seenEvents: rows * 2,
    audit: Math.min(rows, 1),
    idleChannels: Math.min(rows, 2),
  };
  const calls: PruneOptions[] = [];
  return {
    calls,
    left,
    store: {
      pruneBatch: (options: PruneOptions) => {
        calls.push(options);
        const batch = {} as PruneResult;
        for (const key of Object.keys(left) as Array<keyof PruneResult>) {
          batch[key] = Math.min(left[key], options.limit);
          left[key] -= batch[key];
        }
        return Promise.resolve(batch);
      },
    },
  };
}

describe('retention', () => {
  test('prunes in small batches until nothing is past retention, with cut-offs from the two retentions', async () => {
    const { store, calls, left } = backlog(25);
    const lines: string[] = [];
    const retention = createRetention({
      store,
      retentionDays: 90,
      auditRetentionDays: 400,
      batchSize: 10,
      pauseMs: 0,
      now: () => NOW,
      logger: createLogger({ write: (l) => lines.push(l) }),
    });
    expect(await retention.runOnce()).toEqual({ alerts: 25, summaries: 0, seenEvents: 50, audit: 1, idleChannels: 2 });
    expect(left).toEqual({ alerts: 0, summaries: 0, seenEvents: 0, audit: 0, idleChannels: 0 });
    expect(calls).toHaveLength(6); // five full batches of envelope ids, then an empty one
    expect(calls[0]).toEqual({ now: NOW, before: NOW - 90 * DAY, auditBefore: NOW - 400 * DAY, limit: 10 });
    // One line per run, not per batch.
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ msg: 'pruned what is past retention', alerts: 25, seenEvents: 50 });
  });

  test('says nothing when nothing was past retention, and stops between batches when asked', async () => {
    const lines: string[] = [];
    const logger = createLogger({ write: (l) => lines.push(l) });
    const quiet = createRetention({ store: backlog(0).store, retentionDays: 90, auditRetentionDays: 400, logger });
    await quiet.runOnce();
    expect(lines).toEqual([]);

    const { store, calls } = backlog(1_000);
    const retention = createRetention({
      store,
      retentionDays: 90,
      auditRetentionDays: 400,
      batchSize: 10,
      pauseMs: 5,
      logger,
    });
    const run = retention.runOnce();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await retention.stop();
    await run;
    const made = calls.length;
    expect(made).toBeGreaterThan(0);
    expect(made).toBeLessThan(100);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(calls.length).toBe(made);
  });
});
