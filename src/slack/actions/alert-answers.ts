import type { RefusalReason, ResponseOutcome } from '../../services/responses/types.ts';
import { decisionView } from '../alert-renderer.ts';
import { BLOCK_NEEDS_PROVIDER } from '../views/alert-card.ts';
import { alreadyText } from '../views/alert-decision.ts';
import { errorMessage } from '../views/error-message.ts';
import { buildMessage, mrkdwn, type SlackMessage } from '../views/limits.ts';

export interface AnswerContext {
  /** CII_RESPONDERS: named in a refusal. */
  responders: readonly string[];
  /** CII_ADMINS: whom to ask when nobody may respond yet. */
  admins: readonly string[];
}

/** What the clicker alone is told; undefined when the updated card says it all. */
export function outcomeAnswer(outcome: ResponseOutcome, context: AnswerContext): SlackMessage | undefined {
  switch (outcome.kind) {
    case 'not_found':
      return errorMessage({
        kind: 'forbidden',
        message: 'This alert is not in the app’s database any more; nothing was done.',
      });
    case 'already': {
      const text = alreadyText(decisionView(outcome.alert) ?? { state: 'open' });
      return buildMessage(text.replace(/<@(\w+)>/g, '@$1'), [{ type: 'section', text: mrkdwn(`ℹ️ ${text}`) }]);
    }
    case 'refused':
      return refusal(outcome.reason, outcome.detail, context);
    case 'allowed':
    case 'approved':
    case 'reopened':
    case 'blocked':
    case 'unblocked':
    case 'failed':
      return undefined;
  }
}

function refusal(reason: RefusalReason, detail: string | undefined, context: AnswerContext): SlackMessage {
  switch (reason) {
    case 'not_responder':
      if (context.responders.length > 0) {
        return errorMessage({
          kind: 'forbidden',
          message: 'Only CII responders can approve, block, unblock or mute alerts:',
          allowed: context.responders,
        });
      }
      return errorMessage({
        kind: 'forbidden',
        message: `Nobody may act on CII alerts yet: CII_RESPONDERS is empty. Ask ${context.admins.length > 0 ? 'one of these to set it:' : 'a Slack admin to set it.'}`,
        allowed: context.admins,
      });
    case 'self':
      return errorMessage({
        kind: 'forbidden',
        message: 'This alert is about your own account: another responder has to decide.',
      });
    case 'unverified':
      return errorMessage({
        kind: 'forbidden',
        message:
          'Slack did not give your profile email, so the app cannot check that this alert is not about you; nothing was done. Try again later.',
      });
    case 'not_a_card':
      return errorMessage({
        kind: 'forbidden',
        message: 'This button is not on a card the app posted for this alert; nothing was done.',
      });
    case 'identity_unchecked':
      return errorMessage({
        kind: 'forbidden',
        message: `The app could not ask CII which logins and addresses belong to this alert’s user (${detail ?? 'CII did not answer'}), so it cannot check that the alert is not about you; nothing was done. Try again later.`,
      });
    case 'no_providers':
      return errorMessage({ kind: 'forbidden', message: BLOCK_NEEDS_PROVIDER });
  }
}
