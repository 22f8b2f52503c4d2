import { ACTION_IDS, VIEW_IDS } from '../views/action-ids.ts';
import {
  blockLoadingModal,
  blockPreviewModal,
  blockUnavailableModal,
  type ModalTarget,
} from '../views/decision-modals.ts';
import { errorMessage } from '../views/error-message.ts';
import type { AlertActionDeps } from './alert-action.ts';
import { outcomeAnswer } from './alert-answers.ts';
import { openModal, refusedStep, registerModalButton, registerModalSubmission } from './decision-modal.ts';
import { alertStepUp } from './alert-step-up.ts';
import type { SlackListeners } from '../listener-routes.ts';

/**
 * Block: a modal opens at once (the trigger_id lasts seconds) and is filled in with the preview of what Block
 * will do (`views.update` with the view's hash, so a stale update is refused); submitting blocks, closing does
 * nothing. A refusal comes before any modal.
 */
export function registerAlertBlockAction(app: SlackListeners, deps: AlertActionDeps): void {
  registerModalButton(app, ACTION_IDS.alertBlock, deps, async (alertId, actor) => {
    const checked = await deps.responses.check('block', alertId, actor);
    if (checked.kind !== 'allowed') return refusedStep(checked, deps);
    const target: ModalTarget = {
      alertId,
      ...(actor.channelId ? { channelId: actor.channelId } : {}),
      ...(actor.messageTs ? { messageTs: actor.messageTs } : {}),
    };
    return {
      open: async (args) => {
        const opened = await openModal(args, blockLoadingModal({ ...target, login: checked.alert.login }));
        let view;
        try {
          const previewed = await deps.responses.previewBlock(alertId, actor);
          if (previewed.kind === 'preview') {
            view = blockPreviewModal(target, previewed.preview);
          } else {
            view = blockUnavailableModal(target, outcomeAnswer(previewed, deps)?.blocks ?? []);
          }
        } catch (err) {
          deps.logger.error('could not preview a Block', { alertId, userId: actor.userId, err });
          view = blockUnavailableModal(target, errorMessage({ kind: 'internal' }).blocks);
        }
        await args.client.views
          .update({ view_id: opened.id, hash: opened.hash, view })
          .catch((err: unknown) =>
            deps.logger.warn('could not show the Block preview in its modal', { alertId, userId: actor.userId, err }),
          );
      },
    };
  });
  registerModalSubmission(
    app,
    VIEW_IDS.block,
    deps,
    async ({ ids, actor, reason }) =>
      outcomeAnswer(await deps.responses.block(ids.alertId ?? '', actor, reason ? { reason } : {}), deps),
    ({ ids, actor }) => alertStepUp('block', ids.alertId ?? '', actor, deps),
  );
}
