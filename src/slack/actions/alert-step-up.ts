import type { Actor } from '../../services/responses/types.ts';
import type { AlertActionDeps } from './alert-action.ts';
import { outcomeAnswer } from './alert-answers.ts';
import type { StepUpPlan } from './step-up.ts';

const WORDS = {
  block: { action: 'Block', title: 'Block user' },
  unblock: { action: 'Unblock', title: 'Unblock user' },
} as const;

/** The Duo Push before Block or Unblock of one alert: the decision's own check first (a refusal sends no push). */
export function alertStepUp(
  verb: 'block' | 'unblock',
  alertId: string,
  actor: Actor,
  deps: AlertActionDeps,
): StepUpPlan {
  return {
    subject: WORDS[verb],
    async precheck() {
      const checked = await deps.responses.check(verb, alertId, actor);
      if (checked.kind !== 'allowed') {
        const refusal = outcomeAnswer(checked, deps);
        // "allowed" is the only outcome without an answer; anything else is told.
        return { refusal: refusal ?? { text: 'Nothing was done.', blocks: [] } };
      }
      const { login } = checked.alert;
      return { about: login, request: { verb, alertId, login, summary: `${WORDS[verb].action} ${login}` } };
    },
  };
}
