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
});
