import type { App } from '@slack/bolt';
import { ACTION_IDS } from '../views/action-ids.ts';
import { registerAlertButton, type AlertActionDeps } from './alert-action.ts';

/** Approve: records the decision (who, when); the finding is then triaged in CII. */
export function registerAlertApproveAction(app: App, deps: AlertActionDeps): void {
  registerAlertButton(app, ACTION_IDS.alertApprove, deps, (alertId, actor) => deps.responses.approve(alertId, actor));
}
