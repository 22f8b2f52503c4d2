import type { BlockButtonAction } from '@slack/bolt';
import type { Logger } from '../../logger.ts';
import type { AnswerOutcome, VerificationService } from '../../services/verification/types.ts';
import { ACTION_IDS } from '../views/action-ids.ts';
import { errorMessage } from '../views/error-message.ts';
import { buildMessage, mrkdwn, type SlackMessage } from '../views/limits.ts';
import type { SlackListeners } from '../listener-routes.ts';

function answerNote(outcome: AnswerOutcome): SlackMessage | undefined {
  const note = (text: string) => buildMessage(text, [{ type: 'section', text: mrkdwn(text) }]);
  switch (outcome.kind) {
    case 'answered':
      return undefined;
    case 'not_found':
      return note('This question is no longer known to the app.');
    case 'not_yours':
      return note('This question was meant for someone else: only they can answer it.');
    case 'closed':
      return note(
        outcome.answer
          ? 'You already answered this question, thank you.'
          : 'This question is closed: no answer needed.',
      );
  }
}

/** The Yes / No buttons of a "was this you?" DM: only the asked user's click counts. */
export function registerVerifyAnswerActions(
  app: SlackListeners,
  deps: { verification: Pick<VerificationService, 'answer'>; logger: Logger },
): void {
  for (const [actionId, answer] of [
    [ACTION_IDS.verifyYes, 'yes'],
    [ACTION_IDS.verifyNo, 'no'],
  ] as const) {
    app.action<BlockButtonAction>(actionId, async ({ ack, body, action, respond }) => {
      await ack();
      const questionId = Number(action.value);
      let message: SlackMessage | undefined;
      try {
        message = Number.isSafeInteger(questionId)
          ? answerNote(await deps.verification.answer(questionId, body.user.id, answer))
          : answerNote({ kind: 'not_found' });
      } catch (err) {
        deps.logger.error('could not record an answer', { questionId, userId: body.user.id, err });
        message = errorMessage({ kind: 'internal' });
      }
      if (!message) return;
      await respond({ response_type: 'ephemeral', replace_original: false, ...message }).catch((err: unknown) => {
        deps.logger.warn('could not answer a verification click', { err });
      });
    });
  }
}
