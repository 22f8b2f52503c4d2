import type { App } from '@slack/bolt';
import { ACTION_IDS } from '../views/action-ids.ts';
import { registerAlertButton, type AlertActionDeps } from './alert-action.ts';

/** Retry of a failed block or unblock: redoes only what failed. */
export function registerAlertRetryAction(app: App, deps: AlertActionDeps): void {
  registerAlertButton(app, ACTION_IDS.alertRetry, deps, (alertId, actor) => deps.responses.retry(alertId, actor));
}
