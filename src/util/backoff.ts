export interface BackoffOptions {
  /** Delay ceiling of the first retry; it doubles on each further attempt. */
  baseMs: number;
  /** Upper bound of the ceiling. */
  maxMs: number;
  /** `full`: anywhere in [0, ceiling]; `equal` (default): in [ceiling/2, ceiling], so every retry waits some. */
  jitter?: 'full' | 'equal';
  random?: () => number;
}

/** Delay before retry number `attempt` (0 for the first retry): capped exponential backoff with jitter. */
export function backoffDelayMs(attempt: number, opts: BackoffOptions): number {
  const random = opts.random ?? Math.random;
  const ceiling = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.max(0, attempt));
  const floor = opts.jitter === 'full' ? 0 : ceiling / 2;
  return Math.round(floor + random() * (ceiling - floor));
}

/** Milliseconds a `Retry-After` header asks us to wait (delay in seconds, or an HTTP date); undefined if absent or unreadable. */
export function parseRetryAfterMs(header: string | undefined, now: number = Date.now()): number | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (value === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  // Only IMF-fixdate style dates: Date.parse alone would also accept things like "-5" as a year.
  if (!/[A-Za-z]{3}/.test(value)) return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
