import type { App } from '@slack/bolt';
import { ACTION_IDS } from '../views/action-ids.ts';
import { registerAlertButton, type AlertActionDeps } from './alert-action.ts';

/** Unblock (after its confirm dialog): reverses each provider action of the block that succeeded. */
export function registerAlertUnblockAction(app: App, deps: AlertActionDeps): void {
  registerAlertButton(app, ACTION_IDS.alertUnblock, deps, (alertId, actor) => deps.responses.unblock(alertId, actor));
}
