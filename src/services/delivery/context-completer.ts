import type { Logger } from '../../logger.ts';
import type { AlertStore } from '../../store/types.ts';
import type { AlertCards } from '../responses/types.ts';
import { enrichAlert, type Enrichment } from './compose.ts';

export interface ContextCompleter {
  /**
   * Looks up, in CII, the users of posted cards that went out without their context and updates those cards.
   * Stops at the first lookup CII does not answer (it is still down: the next round tries again). Returns how
   * many cards were completed.
   */
  completeWaiting(): Promise<number>;
}

/** Cards older than this stay as they are: their alert is long decided or forgotten. */
const WINDOW_MS = 24 * 60 * 60_000;
const BATCH = 20;

export function createContextCompleter(deps: {
  store: Pick<AlertStore, 'listAlertsAwaitingContext' | 'updateAlertEnrichment'>;
  enrich: (login: string) => Promise<Enrichment | undefined>;
  cards: Pick<AlertCards, 'refresh'>;
  timeoutMs: number;
  clock: { now(): number };
  logger: Logger;
}): ContextCompleter {
  const { store, cards, logger } = deps;
  let running: Promise<number> | undefined;

  async function round(): Promise<number> {
    const waiting = await store.listAlertsAwaitingContext({
      createdSince: deps.clock.now() - WINDOW_MS,
      limit: BATCH,
    });
    let completed = 0;
    for (const alert of waiting) {
      if (!(await enrichAlert(deps, alert, deps.timeoutMs))) break;
      await cards.refresh(alert.id);
      completed += 1;
    }
    if (completed > 0) logger.info('completed alert cards with their CII context', { completed });
    return completed;
  }

  return {
    // One round at a time: a slow CII never stacks rounds up.
    completeWaiting() {
      running ??= round()
        .catch((err: unknown) => {
          logger.error('could not complete alert cards with their CII context', { err });
          return 0;
        })
        .finally(() => (running = undefined));
      return running;
    },
  };
}
