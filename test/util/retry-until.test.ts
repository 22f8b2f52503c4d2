import { describe, expect, it } from 'vitest';
import { retryUntil } from '../../src/util/retry-until.ts';

describe('retryUntil', () => {
  it('waits at least what a failure asks for, and the backoff when a failure asks for less', async () => {
    const waits: number[] = [];
    const asks = [120, 1, undefined];
    let n = 0;
    const answer = await retryUntil(
      () =>
        n < asks.length
          ? Promise.reject(Object.assign(new Error('later'), { asks: asks[n++] }))
          : Promise.resolve('done'),
      {
        backoff: { baseMs: 20, maxMs: 20, random: () => 1 },
        isFatal: () => false,
        waitAtLeastMs: (err) => (err as { asks?: number }).asks,
        onRetry: (_err, _attempt, delayMs) => waits.push(delayMs),
      },
    );
    expect(answer).toBe('done');
    expect(waits).toEqual([120, 20, 20]);
  });
});
