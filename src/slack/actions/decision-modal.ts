import type {
  AllMiddlewareArgs,
  BlockAction,
  ButtonAction,
  SlackActionMiddlewareArgs,
  StaticSelectAction,
  ViewOutput,
} from '@slack/bolt';
import type { ModalView } from '@slack/types';
import type { Actor, ResponseOutcome } from '../../services/responses/types.ts';
import { REASON_INPUT } from '../views/action-ids.ts';
import { readModalMetadata } from '../views/decision-modals.ts';
import { errorMessage } from '../views/error-message.ts';
import type { SlackMessage } from '../views/limits.ts';
import { answerClicker, clickActor, type AlertActionDeps } from './alert-action.ts';
import { outcomeAnswer } from './alert-answers.ts';
import { stepUpAck, stepUpInModal, type StepUpPlan } from './step-up.ts';
import type { SlackListeners } from '../listener-routes.ts';

/** A button, or a menu (the card's Mute menu), whose click opens a modal. */
type ModalTrigger = BlockAction<ButtonAction | StaticSelectAction>;
export type ClickArgs = SlackActionMiddlewareArgs<ModalTrigger> & AllMiddlewareArgs;

/** A button's value, or the value of the option picked in a menu. */
const valueOf = (action: ButtonAction | StaticSelectAction) =>
  (action.type === 'static_select' ? action.selected_option.value : action.value) ?? '';

/** Told when Slack would not open a modal (its trigger_id lasts about 3 seconds). */
const NOT_OPENED = errorMessage({
  kind: 'forbidden',
  message: 'Slack did not open the dialog in time; nothing was done. Click the button again.',
});

/** After the check: open a modal, or tell the clicker alone why not (nothing when the card says it all). */
export type ModalStep = { open: (args: ClickArgs) => Promise<void> } | { answer: SlackMessage | undefined };

/**
 * A button that opens a modal: acknowledged at once, then `check` (refusals and "already" go to the clicker
 * alone, before any modal opens), then the modal, opened with the click's trigger_id.
 */
export function registerModalButton(
  app: SlackListeners,
  actionId: string,
  deps: AlertActionDeps,
  check: (value: string, actor: Actor) => Promise<ModalStep>,
): void {
  app.action<ModalTrigger>(actionId, async (args) => {
    const { ack, body, action, respond } = args;
    await ack();
    const actor = clickActor(body);
    const value = valueOf(action);
    let answer: SlackMessage | undefined;
    try {
      const step = await check(value, actor);
      if ('open' in step) {
        try {
          await step.open(args);
        } catch (err) {
          deps.logger.warn('could not open a modal', { actionId, userId: actor.userId, err });
          answer = NOT_OPENED;
        }
      } else {
        answer = step.answer;
      }
    } catch (err) {
      deps.logger.error(`${actionId} failed`, { value, userId: actor.userId, err });
      answer = errorMessage({ kind: 'internal' });
    }
    if (answer) await answerClicker(respond, answer, deps.logger, actionId);
  });
}

/** The clicker's answer to a check that did not allow the modal. */
export const refusedStep = (outcome: ResponseOutcome, deps: AlertActionDeps): ModalStep => ({
  answer: outcomeAnswer(outcome, deps),
});

/** What a decision modal's submission carries: its ids, who submitted, and the reason typed. */
export interface Submission {
  ids: Record<string, string>;
  actor: Actor;
  reason?: string;
}

/**
 * A decision modal's submission: acknowledged at once (the modal closes), then `run`; what the submitter alone
 * must hear goes to them as an ephemeral message in the channel of the card. With step-up (`deps.stepUp` and
 * `stepUpOf`) the modal stays open saying to approve the Duo Push, and `run` waits for an approved push.
 */
export function registerModalSubmission(
  app: SlackListeners,
  callbackId: string,
  deps: AlertActionDeps,
  run: (submission: Submission) => Promise<SlackMessage | undefined>,
  stepUpOf?: (submission: Submission) => StepUpPlan,
): void {
  app.view(callbackId, async ({ ack, body, view, client }) => {
    const ids = readModalMetadata(view.private_metadata) ?? {};
    const actor: Actor = {
      userId: body.user.id,
      userName: body.user.name,
      teamId: body.team?.id ?? body.user.team_id,
      ...(ids.channelId ? { channelId: ids.channelId } : {}),
      ...(ids.messageTs ? { messageTs: ids.messageTs } : {}),
    };
    const reason = reasonOf(view);
    const submission: Submission = { ids, actor, ...(reason ? { reason } : {}) };
    const gate = deps.stepUp;
    const plan = gate && stepUpOf ? stepUpOf(submission) : undefined;
    await (plan ? ack(stepUpAck(plan)) : ack());
    let answer: SlackMessage | undefined;
    try {
      if (gate && plan && !(await stepUpInModal({ gate, client, logger: deps.logger }, plan, actor, view.id))) return;
      answer = await run(submission);
    } catch (err) {
      deps.logger.error(`${callbackId} submission failed`, { ids, userId: actor.userId, err });
      answer = errorMessage({ kind: 'internal' });
    }
    if (!answer || !ids.channelId) return;
    await client.chat.postEphemeral({ channel: ids.channelId, user: actor.userId, ...answer }).catch((err: unknown) => {
      deps.logger.warn('could not answer a modal submission', { callbackId, userId: actor.userId, err });
    });
  });
}

function reasonOf(view: ViewOutput): string | undefined {
  const value = view.state.values[REASON_INPUT.blockId]?.[REASON_INPUT.actionId]?.value;
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** `views.open` with the click's trigger_id; resolves with the opened view's id and hash. */
export async function openModal(args: ClickArgs, view: ModalView): Promise<{ id: string; hash: string }> {
  const opened = await args.client.views.open({ trigger_id: args.body.trigger_id, view });
  return { id: opened.view?.id ?? '', hash: opened.view?.hash ?? '' };
}
