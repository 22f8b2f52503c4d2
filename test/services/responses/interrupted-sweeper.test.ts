import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../../src/logger.ts';
import { createInterruptedSweeper } from '../../../src/services/responses/interrupted-sweeper.ts';

describe('interrupted-action sweeper', () => {
  afterEach(() => vi.useRealTimers());

  it('sweeps at start and then every interval until stopped, logging a failed sweep and going on', async () => {
    vi.useFakeTimers();
    const lines: string[] = [];
    let sweeps = 0;
    const sweeper = createInterruptedSweeper({
      responses: {
        recoverInterrupted: () => {
          sweeps += 1;
          if (sweeps === 2) return Promise.reject(new Error('database gone'));
          return Promise.resolve(0);
        },
      },
      logger: createLogger({ level: 'error', write: (line) => lines.push(line) }),
      intervalMs: 1_000,
    });
    sweeper.start();
    sweeper.start();
    expect(sweeps).toBe(1);
    await vi.advanceTimersByTimeAsync(2_500);
    expect(sweeps).toBe(3);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('could not recover interrupted actions');
    sweeper.stop();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(sweeps).toBe(3);
  });

  it('lets a sweep pass while the previous one is still finishing an action', async () => {
    vi.useFakeTimers();
    let running = 0;
    let sweeps = 0;
    const sweeper = createInterruptedSweeper({
      responses: {
        recoverInterrupted: async () => {
          sweeps += 1;
          running += 1;
          await new Promise((resolve) => setTimeout(resolve, 2_500));
          running -= 1;
          return 1;
        },
      },
      logger: createLogger({ level: 'error', write: () => undefined }),
      intervalMs: 1_000,
    });
    sweeper.start();
    await vi.advanceTimersByTimeAsync(2_100);
    expect([sweeps, running]).toEqual([1, 1]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(sweeps).toBe(2);
    sweeper.stop();
  });
});
