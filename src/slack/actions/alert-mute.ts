import {
  durationWords,
  isMuteDuration,
  MUTE_DURATIONS,
  type MuteOutcome,
  type MuteService,
} from '../../services/mutes.ts';
import { muteView } from '../mute-notices.ts';
import { VIEW_IDS, ACTION_IDS } from '../views/action-ids.ts';
import { errorMessage } from '../views/error-message.ts';
import type { SlackMessage } from '../views/limits.ts';
import { muteAnswer, muteModal } from '../views/mutes.ts';
import type { AlertActionDeps } from './alert-action.ts';
import { outcomeAnswer } from './alert-answers.ts';
import { openModal, registerModalButton, registerModalSubmission } from './decision-modal.ts';
import type { SlackListeners } from '../listener-routes.ts';

export interface AlertMuteDeps extends AlertActionDeps {
  mutes: MuteService;
  now: () => Date;
}

const NOT_A_CHOICE = errorMessage({
  kind: 'forbidden',
  message: 'This is not one of the Mute menu’s choices; nothing was muted.',
});

function answerOf(outcome: MuteOutcome, deps: AlertMuteDeps): SlackMessage | undefined {
  switch (outcome.kind) {
    case 'muted':
      return muteAnswer({ kind: 'muted', mute: muteView(outcome.mute), withdrawn: outcome.withdrawn }, deps.now());
    case 'already':
      return muteAnswer({ kind: 'already', mute: muteView(outcome.mute) }, deps.now());
    case 'not_found':
    case 'refused':
      return outcomeAnswer(outcome, deps);
  }
}

/**
 * The card's **Mute** menu: refused before any modal for non-responders (and on one's own alerts); the modal asks
 * for an optional reason; submitting mutes the check for the alert's user, once however many submit at once.
 */
export function registerAlertMuteAction(app: SlackListeners, deps: AlertMuteDeps): void {
  registerModalButton(app, ACTION_IDS.alertMute, deps, async (value, actor) => {
    const [duration = '', alertId = ''] = value.split(/:(.*)/s);
    if (!isMuteDuration(duration)) return { answer: NOT_A_CHOICE };
    const checked = await deps.mutes.check(alertId, actor);
    if (checked.kind !== 'allowed') return { answer: answerOf(checked, deps) };
    const { alert } = checked;
    const modal = muteModal({
      alertId: alert.id,
      checkId: alert.checkId,
      title: alert.title,
      login: alert.login,
      ...(alert.displayName ? { displayName: alert.displayName } : {}),
      duration: { value: duration, words: durationWords(duration) },
      until: new Date(deps.now().getTime() + MUTE_DURATIONS[duration]),
      ...(actor.channelId ? { channelId: actor.channelId } : {}),
      ...(actor.messageTs ? { messageTs: actor.messageTs } : {}),
    });
    return { open: (args) => openModal(args, modal).then(() => undefined) };
  });
  registerModalSubmission(app, VIEW_IDS.mute, deps, async ({ ids, actor, reason }) => {
    const duration = ids.duration ?? '';
    if (!isMuteDuration(duration)) return NOT_A_CHOICE;
    return answerOf(await deps.mutes.mute(ids.alertId ?? '', actor, { duration, ...(reason ? { reason } : {}) }), deps);
  });
}
