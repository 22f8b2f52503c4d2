import { describe, expect, it } from 'vitest';
import { backoffDelayMs, parseRetryAfterMs } from '../../src/util/backoff.ts';

describe('backoffDelayMs', () => {
  it('doubles the ceiling on each attempt up to maxMs', () => {
    const top = { baseMs: 100, maxMs: 1000, random: () => 1 };
    expect([0, 1, 2, 3, 4, 10].map((n) => backoffDelayMs(n, top))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('with equal jitter (the default) always waits at least half the ceiling', () => {
    expect(backoffDelayMs(2, { baseMs: 100, maxMs: 1000, random: () => 0 })).toBe(200);
    expect(backoffDelayMs(2, { baseMs: 100, maxMs: 1000, random: () => 0.5 })).toBe(300);
  });

  it('with full jitter may pick anything from zero to the ceiling', () => {
    expect(backoffDelayMs(2, { baseMs: 100, maxMs: 1000, jitter: 'full', random: () => 0 })).toBe(0);
    expect(backoffDelayMs(2, { baseMs: 100, maxMs: 1000, jitter: 'full', random: () => 0.25 })).toBe(100);
  });

  it('stays within its bounds with the real random source', () => {
    for (let i = 0; i < 200; i++) {
      const d = backoffDelayMs(3, { baseMs: 10, maxMs: 50 });
      expect(d).toBeGreaterThanOrEqual(25);
      expect(d).toBeLessThanOrEqual(50);
    }
  });
});

describe('parseRetryAfterMs', () => {
  const now = Date.parse('2025-06-01T12:00:00Z');

  it('reads a delay in seconds', () => {
    expect(parseRetryAfterMs('3', now)).toBe(3000);
    expect(parseRetryAfterMs(' 0 ', now)).toBe(0);
    expect(parseRetryAfterMs('1.5', now)).toBe(1500);
  });

  it('reads an HTTP date relative to now, and a past date as no wait', () => {
    expect(parseRetryAfterMs('Sun, 01 Jun 2025 12:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfterMs('Sun, 01 Jun 2025 11:00:00 GMT', now)).toBe(0);
  });

  it('returns undefined for an absent, empty or unreadable header', () => {
    expect(parseRetryAfterMs(undefined, now)).toBeUndefined();
    expect(parseRetryAfterMs('', now)).toBeUndefined();
    expect(parseRetryAfterMs('-5', now)).toBeUndefined();
    expect(parseRetryAfterMs('soon', now)).toBeUndefined();
  });
});
