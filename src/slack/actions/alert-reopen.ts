import { ACTION_IDS } from '../views/action-ids.ts';
import { registerAlertButton, type AlertActionDeps } from './alert-action.ts';
import type { SlackListeners } from '../listener-routes.ts';

/** Reopen (after its confirm dialog): takes an approval back; the card offers Approve and Block again. */
export function registerAlertReopenAction(app: SlackListeners, deps: AlertActionDeps): void {
  registerAlertButton(app, ACTION_IDS.alertReopen, deps, (alertId, actor) => deps.responses.reopen(alertId, actor));
}
