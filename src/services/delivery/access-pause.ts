import type { Logger } from '../../logger.ts';
import { backoffDelayMs } from '../../util/backoff.ts';
import type { SlackPoster } from './poster.ts';

export interface DeliveryPause {
  /** Slack's error, e.g. `invalid_auth`. */
  reason: string;
  since: number;
}

/**
 * Delivery paused while Slack refuses the app itself (its token): no channel is blamed, nothing is posted, and
 * `auth.test` is tried at growing intervals until it succeeds; then `onResume` runs.
 */
export interface AccessPause {
  /** Pauses (once: a pause under way keeps its reason and start). */
  pause(reason: string, now: number): void;
  current(): DeliveryPause | undefined;
  /** A card was posted: the next pause starts its checks from the shortest wait again. */
  posted(): void;
  stop(): void;
}

export function createAccessPause(deps: {
  poster: Pick<SlackPoster, 'checkAccess'>;
  backoff: { baseMs: number; maxMs: number };
  random?: () => number;
  clock: { now(): number };
  logger: Logger;
  onResume: () => void;
}): AccessPause {
  const { logger } = deps;
  const stopping = new AbortController();
  let current: DeliveryPause | undefined;
  // Pauses since the last card posted: a token auth.test accepts but posts refuse (missing_scope) backs off further.
  let pausesInARow = 0;

  /** Resolves after `ms`, or at once (false) when stopped. */
  function waitUnlessStopped(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      if (stopping.signal.aborted) return resolve(false);
      const onStop = () => {
        clearTimeout(timer);
        resolve(false);
      };
      const timer = setTimeout(() => {
        stopping.signal.removeEventListener('abort', onStop);
        resolve(true);
      }, ms);
      stopping.signal.addEventListener('abort', onStop, { once: true });
    });
  }

  async function probe(firstAttempt: number): Promise<void> {
    for (let attempt = firstAttempt; current; attempt++) {
      if (!(await waitUnlessStopped(backoffDelayMs(attempt, { ...deps.backoff, random: deps.random })))) return;
      try {
        await deps.poster.checkAccess();
      } catch (err) {
        logger.warn('Slack still refuses the app; delivery stays paused', { reason: current.reason, err });
        continue;
      }
      logger.info('Slack accepts the app again: delivery resumes', { pausedMs: deps.clock.now() - current.since });
      current = undefined;
      deps.onResume();
    }
  }

  return {
    pause(reason, now) {
      if (current) return;
      current = { reason, since: now };
      pausesInARow += 1;
      logger.error('Slack refuses the app itself: delivery is paused for every channel until it accepts the token', {
        reason,
      });
      void probe(pausesInARow - 1);
    },
    current: () => current,
    posted() {
      pausesInARow = 0;
    },
    stop: () => stopping.abort(),
  };
}
