import { ACTION_IDS, VIEW_IDS } from '../views/action-ids.ts';
import { approveModal } from '../views/decision-modals.ts';
import type { AlertActionDeps } from './alert-action.ts';
import { outcomeAnswer } from './alert-answers.ts';
import { openModal, refusedStep, registerModalButton, registerModalSubmission } from './decision-modal.ts';
import type { SlackListeners } from '../listener-routes.ts';

/** Approve: a modal asks for confirmation and an optional reason; submitting records the decision. */
export function registerAlertApproveAction(app: SlackListeners, deps: AlertActionDeps): void {
  registerModalButton(app, ACTION_IDS.alertApprove, deps, async (alertId, actor) => {
    const checked = await deps.responses.check('approve', alertId, actor);
    if (checked.kind !== 'allowed') return refusedStep(checked, deps);
    const { alert } = checked;
    const modal = approveModal({
      alertId: alert.id,
      login: alert.login,
      ...(alert.displayName ? { displayName: alert.displayName } : {}),
      ...(actor.channelId ? { channelId: actor.channelId } : {}),
      ...(actor.messageTs ? { messageTs: actor.messageTs } : {}),
    });
    return { open: (args) => openModal(args, modal).then(() => undefined) };
  });
  registerModalSubmission(app, VIEW_IDS.approve, deps, async ({ ids, actor, reason }) =>
    outcomeAnswer(await deps.responses.approve(ids.alertId ?? '', actor, reason ? { reason } : {}), deps),
  );
}
