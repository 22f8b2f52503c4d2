import type { Logger } from '../../logger.ts';
import type { ResponseService } from './types.ts';

export interface InterruptedSweeper {
  start(): void;
  stop(): void;
}

/**
 * Background work of every replica: finishes the actions whose replica died (their lease ran out), once at start
 * and then every `intervalMs`; a sweep still running when the next is due lets it pass. A failed sweep is logged;
 * the next one runs anyway.
 */
export function createInterruptedSweeper(deps: {
  responses: Pick<ResponseService, 'recoverInterrupted'>;
  logger: Logger;
  intervalMs?: number;
}): InterruptedSweeper {
  let timer: NodeJS.Timeout | undefined;
  let sweeping = false;
  const sweep = () => {
    if (sweeping) return;
    sweeping = true;
    deps.responses
      .recoverInterrupted()
      .catch((err: unknown) => deps.logger.error('could not recover interrupted actions', err))
      .finally(() => {
        sweeping = false;
      });
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
