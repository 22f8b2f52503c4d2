import type { Logger } from '../logger.ts';
import { StartupError } from '../startup-error.ts';
import { type BackoffOptions } from '../util/backoff.ts';
import { retryUntil } from '../util/retry-until.ts';
import { openStore } from './open-store.ts';
import type { InspectableStore } from './types.ts';

// The server is not there yet, or not answering yet: waiting mends it.
const TRANSIENT_ERRNO = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);
// SQLSTATE 08… connection exception, 57P01–57P03 shutting down or starting up, 53300 too many connections.
const TRANSIENT_SQLSTATE = /^(08...|57P0[1-3]|53300)$/;

function isTransientDatabaseError(err: unknown): boolean {
  const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (TRANSIENT_ERRNO.has(code) || TRANSIENT_SQLSTATE.test(code))) return true;
  if (err instanceof AggregateError) return err.errors.some(isTransientDatabaseError);
  return typeof message === 'string' && /Connection terminated|timeout expired/i.test(message);
}

export interface ConnectOptions {
  logger: Logger;
  backoff?: BackoffOptions;
  signal?: AbortSignal;
}

/**
 * Opens the store, waiting while the database is not reachable yet (a database container still starting);
 * a wrong URL, a refused login or a missing database is a StartupError naming DATABASE_URL (never its value).
 */
export async function connectStore(
  databaseUrl: string | undefined,
  options: ConnectOptions,
): Promise<InspectableStore> {
  const { logger } = options;
  try {
    return await retryUntil(() => openStore(databaseUrl, { logger }), {
      backoff: options.backoff ?? { baseMs: 500, maxMs: 15_000 },
      isFatal: (err) => !isTransientDatabaseError(err),
      onRetry: (err, attempt, delayMs) =>
        logger.warn(`the database is not reachable yet; trying again in ${(delayMs / 1000).toFixed(1)} s`, {
          attempt,
          reason: reasonOf(err),
        }),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (err) {
    if (options.signal?.aborted) throw err;
    throw new StartupError('DATABASE_URL', `DATABASE_URL: the database cannot be used (${reasonOf(err)})`, {
      cause: err,
    });
  }
}

function reasonOf(err: unknown): string {
  const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' && message !== '' ? message.split('\n', 1)[0]! : String(err);
  return typeof code === 'string' && !text.includes(code) ? `${code}: ${text}` : text;
}
