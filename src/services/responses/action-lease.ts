import type { Logger } from '../../logger.ts';
import type { AlertStore } from '../../store/types.ts';

export interface ActionLeaseDeps {
  store: Pick<AlertStore, 'renewActionLease'>;
  /** This replica, as named on the leases of the actions it works on. */
  owner: string;
  /** How long an action stays this replica's without a renewal (renewed every third of it). */
  leaseMs: number;
  now: () => number;
  logger: Logger;
}

/** Runs provider work on an action this replica holds, renewing its lease until the work ends. */
export function actionLease(deps: ActionLeaseDeps) {
  const { store, owner, leaseMs, now, logger } = deps;
  return async function leased<T>(alertId: string, work: () => Promise<T>): Promise<T> {
    const renew = () => {
      store.renewActionLease(alertId, { owner, until: now() + leaseMs }).then(
        (held) => {
          if (!held) logger.warn('an action under way is no longer this replica’s (its lease ran out)', { alertId });
        },
        (err: unknown) => logger.warn('could not renew the lease of an action under way', { alertId, err }),
      );
    };
    const timer = setInterval(renew, Math.max(1, Math.floor(leaseMs / 3)));
    timer.unref();
    try {
      return await work();
    } finally {
      clearInterval(timer);
    }
  };
}
