import type { Actor } from '../../services/responses/types.ts';
import type { SlackMessage } from '../views/limits.ts';
import type { AlertActionDeps } from './alert-action.ts';
import { outcomeAnswer } from './alert-answers.ts';
import { stepUpByMessage, type StepUpPlan } from './step-up.ts';

type AlertVerb = 'block' | 'unblock' | 'retry';

const WORDS = {
  block: { action: 'Block', title: 'Block user' },
  unblock: { action: 'Unblock', title: 'Unblock user' },
  retry: { action: 'Retry', title: 'Retry' },
} as const;

/** The Duo Push before Block, Unblock or Retry of one alert: the decision's own check first (a refusal sends no push). */
export function alertStepUp(verb: AlertVerb, alertId: string, actor: Actor, deps: AlertActionDeps): StepUpPlan {
  return {
    subject: WORDS[verb],
    async precheck() {
      const checked = await deps.responses.check(verb, alertId, actor);
      if (checked.kind !== 'allowed') {
        const refusal = outcomeAnswer(checked, deps);
        // "allowed" is the only outcome without an answer; anything else is told.
        return { refusal: refusal ?? { text: 'Nothing was done.', blocks: [] } };
      }
      const { login, decisionAction } = checked.alert;
      // Retry redoes the Block or Unblock that failed: the phone says which.
      const redone = verb === 'retry' ? `${decisionAction === 'unblock' ? ' Unblock' : ' Block'}` : '';
      return { about: login, request: { verb, alertId, login, summary: `${WORDS[verb].action}${redone} ${login}` } };
    },
  };
}

/**
 * A button without a modal (Unblock, Retry): without step-up it goes ahead; with it, only once the responder
 * approved their Duo Push (told to them alone meanwhile).
 */
export function approvedByPush(
  verb: AlertVerb,
  alertId: string,
  actor: Actor,
  deps: AlertActionDeps,
  tell: (message: SlackMessage) => Promise<void>,
): Promise<boolean> {
  const gate = deps.stepUp;
  if (!gate) return Promise.resolve(true);
  return stepUpByMessage({ gate, logger: deps.logger }, alertStepUp(verb, alertId, actor, deps), actor, tell);
}
