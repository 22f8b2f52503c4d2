import type { Logger } from '../logger.ts';
import type { AuditStore, NewAuditEntry } from '../store/types.ts';
import type { Actor } from './responses/types.ts';

/** What an audit entry says beyond when and who. */
export type AuditedWhat = Omit<NewAuditEntry, 'at' | 'userId' | 'userName' | 'teamId' | 'channelId'>;

/**
 * Records what an actor did. A failed write is logged, never thrown: the action it records has already happened,
 * and its outcome must still reach the person who asked.
 */
export function auditTrail(deps: {
  store: Pick<AuditStore, 'recordAudit'>;
  logger: Pick<Logger, 'error'>;
  now: () => number;
}): (actor: Actor, what: AuditedWhat) => Promise<void> {
  return async (actor, what) => {
    try {
      await deps.store.recordAudit({
        at: deps.now(),
        userId: actor.userId,
        userName: actor.userName,
        teamId: actor.teamId,
        channelId: actor.channelId,
        ...what,
      });
    } catch (err) {
      deps.logger.error('could not write an audit entry', {
        action: what.action,
        alertId: what.alertId,
        userId: actor.userId,
        outcome: what.outcome,
        err,
      });
    }
  };
}
