import { ACTION_IDS } from '../views/action-ids.ts';
import { registerAlertButton, type AlertActionDeps } from './alert-action.ts';
import { approvedByPush } from './alert-step-up.ts';
import type { SlackListeners } from '../listener-routes.ts';

/**
 * Unblock (after its confirm dialog): reverses each provider action of the block that succeeded. With step-up,
 * only once the responder approved their Duo Push (told to them alone meanwhile).
 */
export function registerAlertUnblockAction(app: SlackListeners, deps: AlertActionDeps): void {
  registerAlertButton(app, ACTION_IDS.alertUnblock, deps, async (alertId, actor, tell) =>
    (await approvedByPush('unblock', alertId, actor, deps, tell)) ? deps.responses.unblock(alertId, actor) : undefined,
  );
}
