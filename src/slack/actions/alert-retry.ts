import { ACTION_IDS } from '../views/action-ids.ts';
import { registerAlertButton, type AlertActionDeps } from './alert-action.ts';
import { approvedByPush } from './alert-step-up.ts';
import type { SlackListeners } from '../listener-routes.ts';

/**
 * Retry of a failed block or unblock: redoes only what failed. It calls the providers as Block and Unblock do, so
 * with step-up it waits for the responder's approved Duo Push too.
 */
export function registerAlertRetryAction(app: SlackListeners, deps: AlertActionDeps): void {
  registerAlertButton(app, ACTION_IDS.alertRetry, deps, async (alertId, actor, tell) =>
    (await approvedByPush('retry', alertId, actor, deps, tell)) ? deps.responses.retry(alertId, actor) : undefined,
  );
}
