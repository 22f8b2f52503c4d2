import type { Logger } from '../../logger.ts';
import type { ResponseService } from './types.ts';

export interface InterruptedSweeper {
  start(): void;
  stop(): void;
}

/**
 * Background work of every replica: fails the actions a crashed replica left in progress, once at start and
 * then every `intervalMs`, so their cards offer Retry again. A failed sweep is logged; the next one runs anyway.
 */
export function createInterruptedSweeper(deps: {
  responses: Pick<ResponseService, 'recoverInterrupted'>;
  logger: Logger;
  intervalMs?: number;
}): InterruptedSweeper {
  let timer: NodeJS.Timeout | undefined;
  const sweep = () => {
    deps.responses
      .recoverInterrupted()
      .catch((err: unknown) => deps.logger.error('could not recover interrupted actions', err));
  };
  return {
    start() {
      if (timer) return;
      sweep();
      timer = setInterval(sweep, deps.intervalMs ?? 60_000);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
    },
  };
}
