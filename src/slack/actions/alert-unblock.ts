import type { App } from '@slack/bolt';
import { ACTION_IDS } from '../views/action-ids.ts';
import { registerAlertButton, type AlertActionDeps } from './alert-action.ts';
import { alertStepUp } from './alert-step-up.ts';
import { stepUpByMessage } from './step-up.ts';

/**
 * Unblock (after its confirm dialog): reverses each provider action of the block that succeeded. With step-up,
 * only once the responder approved their Duo Push (told to them alone meanwhile).
 */
export function registerAlertUnblockAction(app: App, deps: AlertActionDeps): void {
  registerAlertButton(app, ACTION_IDS.alertUnblock, deps, async (alertId, actor, tell) => {
    const gate = deps.stepUp;
    if (
      gate &&
      !(await stepUpByMessage({ gate, logger: deps.logger }, alertStepUp('unblock', alertId, actor, deps), actor, tell))
    )
      return undefined;
    return deps.responses.unblock(alertId, actor);
  });
}
