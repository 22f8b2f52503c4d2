import type { App } from '@slack/bolt';
import { ACTION_IDS } from '../views/action-ids.ts';
import { registerAlertButton, type AlertActionDeps } from './alert-action.ts';

/** Block (after its confirm dialog): disables the user in every configured provider where CII lists an account. */
export function registerAlertBlockAction(app: App, deps: AlertActionDeps): void {
  registerAlertButton(app, ACTION_IDS.alertBlock, deps, (alertId, actor) => deps.responses.block(alertId, actor));
}
