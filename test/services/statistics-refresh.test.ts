import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../src/logger.ts';
import { createStatisticsRefresh } from '../../src/services/statistics-refresh.ts';

describe('statistics refresh', () => {
  afterEach(() => vi.useRealTimers());

  it('refreshes at start and then an interval after each run until stopped, logging a failure and going on', async () => {
    vi.useFakeTimers();
    const lines: string[] = [];
    let runs = 0;
    const refresh = createStatisticsRefresh({
      store: {
        refreshStatistics: () => {
          runs += 1;
          return runs === 2 ? Promise.reject(new Error('database gone')) : Promise.resolve();
        },
      },
      logger: createLogger({ level: 'warn', write: (line) => lines.push(line) }),
      intervalMs: 1_000,
    });
    refresh.start();
    refresh.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(runs).toBe(1);
    await vi.advanceTimersByTimeAsync(2_500);
    expect(runs).toBe(3);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('could not refresh the database statistics');
    refresh.stop();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(runs).toBe(3);
  });
});
