import type { BlockAction, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { Logger } from '../../logger.ts';
import type { Actor, ResponseOutcome, ResponseService } from '../../services/responses/types.ts';
import type { StepUpGate } from '../../services/step-up/step-up-gate.ts';
import { errorMessage } from '../views/error-message.ts';
import type { SlackMessage } from '../views/limits.ts';
import { outcomeAnswer, type AnswerContext } from './alert-answers.ts';
import type { SlackListeners } from '../listener-routes.ts';

export interface AlertActionDeps extends AnswerContext {
  responses: ResponseService;
  /** CII_STEP_UP=duo: Block, Unblock, Retry and Approve all open wait for the responder's approved Duo Push. */
  stepUp?: StepUpGate;
  logger: Logger;
}

/** Who clicked, where, from a block_actions payload. */
export function clickActor(body: SlackActionMiddlewareArgs<BlockAction>['body']): Actor {
  // Bolt types `container` loosely (any): its message_ts is taken only when it is a string.
  const containerTs: unknown = body.container?.message_ts;
  return {
    userId: body.user.id,
    userName: body.user.username ?? body.user.name,
    teamId: body.team?.id ?? body.user.team_id,
    channelId: body.channel?.id,
    messageTs: typeof containerTs === 'string' ? containerTs : body.message?.ts,
  };
}

/** The answer to the clicker alone, through the click's response_url; a failure to answer is only logged. */
export function answerClicker(
  respond: (message: object) => Promise<unknown>,
  message: SlackMessage,
  logger: Logger,
  actionId: string,
): Promise<void> {
  return respond({ response_type: 'ephemeral', replace_original: false, ...message }).then(
    () => undefined,
    (err: unknown) => logger.warn('could not answer an alert button through response_url', { actionId, err }),
  );
}

/**
 * One alert button: acknowledged at once (Slack's 3 seconds), then the service does the work; refusals and
 * "already" answers go to the clicker alone, the cards themselves are updated by the service. `run` may tell the
 * clicker something on the way (`tell`), and answers undefined when it has told them all.
 */
export function registerAlertButton(
  app: SlackListeners,
  actionId: string,
  deps: AlertActionDeps,
  run: (
    alertId: string,
    actor: Actor,
    tell: (message: SlackMessage) => Promise<void>,
  ) => Promise<ResponseOutcome | undefined>,
): void {
  app.action<BlockButtonAction>(actionId, async ({ ack, body, action, respond }) => {
    await ack();
    const actor = clickActor(body);
    const tell = (message: SlackMessage) => answerClicker(respond, message, deps.logger, actionId);
    let answer;
    try {
      const outcome = await run(action.value ?? '', actor, tell);
      answer = outcome && outcomeAnswer(outcome, deps);
    } catch (err) {
      deps.logger.error(`${actionId} failed`, { alertId: action.value, userId: actor.userId, err });
      answer = errorMessage({ kind: 'internal' });
    }
    if (answer) await tell(answer);
  });
}
