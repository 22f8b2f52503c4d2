import type { Logger } from '../../logger.ts';
import type { VerificationService } from './types.ts';

export interface VerificationRunner {
  start(): void;
  /** Runs a round soon (a finding that asks was stored, or an answer came). */
  kick(): void;
  stop(): Promise<void>;
}

/**
 * Background work of every replica for "was this you?": one round every `intervalMs`, or sooner when kicked; never
 * two rounds at once. Work is leased in the store, so replicas share it without doing anything twice.
 */
export function createVerificationRunner(deps: {
  verification: Pick<VerificationService, 'runOnce'>;
  logger: Logger;
  intervalMs?: number;
}): VerificationRunner {
  const intervalMs = deps.intervalMs ?? 2_000;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let started = false;

  function schedule(delayMs: number) {
    if (!started) return;
    clearTimeout(timer);
    timer = setTimeout(run, delayMs);
    timer.unref();
  }

  function run() {
    if (running) {
      again = true;
      return;
    }
    running = deps.verification
      .runOnce()
      .catch((err: unknown) => deps.logger.error('a verification round failed', err))
      .finally(() => {
        running = undefined;
        schedule(again ? 0 : intervalMs);
        again = false;
      });
  }

  return {
    start() {
      if (started) return;
      started = true;
      schedule(0);
    },
    kick: () => schedule(0),
    async stop() {
      started = false;
      clearTimeout(timer);
      await running;
    },
  };
}
