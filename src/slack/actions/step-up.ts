import type { ModalView } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import type { Logger } from '../../logger.ts';
import type { Actor } from '../../services/responses/types.ts';
import type { StepUpGate, StepUpRequest } from '../../services/step-up/step-up-gate.ts';
import { errorMessage } from '../views/error-message.ts';
import type { SlackMessage } from '../views/limits.ts';
import {
  stepUpResultMessage,
  stepUpResultModal,
  stepUpWaitingMessage,
  stepUpWaitingModal,
  type StepUpSubject,
} from '../views/step-up.ts';

/** A decision that needs the responder's Duo Push first (CII_STEP_UP=duo). */
export interface StepUpPlan {
  /** Known at once: the waiting modal is the submission's acknowledgement. */
  subject: StepUpSubject;
  /** The decision's own check, made before any push: what the responder is told instead, or what to push for. */
  precheck(): Promise<{ refusal: SlackMessage } | { about: string; request: StepUpRequest }>;
}

/** The decision's own check; an error in it is told as one, and nothing goes ahead. */
async function checkFirst(
  plan: StepUpPlan,
  actor: Actor,
  logger: Logger,
): Promise<{ refusal: SlackMessage } | { about: string; request: StepUpRequest }> {
  try {
    return await plan.precheck();
  } catch (err) {
    logger.error('the check before a Duo Push failed', { userId: actor.userId, err });
    return { refusal: errorMessage({ kind: 'internal' }) };
  }
}

/** The modal's first answer to the submission (within Slack's 3 seconds): "Approve the Duo Push on your phone…". */
export const stepUpAck = (plan: StepUpPlan) =>
  ({ response_action: 'update', view: stepUpWaitingModal(plan.subject) }) as const;

/**
 * After `stepUpAck`: the check and the push, then the modal says what came of it. True when the decision may go
 * ahead (its own answers then go to the responder as usual).
 */
export async function stepUpInModal(
  deps: { gate: StepUpGate; client: WebClient; logger: Logger },
  plan: StepUpPlan,
  actor: Actor,
  viewId: string,
): Promise<boolean> {
  const checked = await checkFirst(plan, actor, deps.logger);
  if ('refusal' in checked) {
    await show(deps, viewId, stepUpResultModal(plan.subject, checked.refusal.blocks));
    return false;
  }
  const result = await deps.gate.confirm(actor, checked.request);
  await show(deps, viewId, stepUpResultModal({ ...plan.subject, about: checked.about }, result));
  return result.kind === 'approved';
}

function show(deps: { client: WebClient; logger: Logger }, viewId: string, view: ModalView): Promise<void> {
  return deps.client.views.update({ view_id: viewId, view }).then(
    () => undefined,
    (err: unknown) => deps.logger.warn('could not show the Duo Push result in its modal', { viewId, err }),
  );
}

/** For a button without a modal: the clicker alone is told to approve the push, then what came of it. */
export async function stepUpByMessage(
  deps: { gate: StepUpGate; logger: Logger },
  plan: StepUpPlan,
  actor: Actor,
  tell: (message: SlackMessage) => Promise<void>,
): Promise<boolean> {
  const checked = await checkFirst(plan, actor, deps.logger);
  if ('refusal' in checked) {
    await tell(checked.refusal);
    return false;
  }
  const subject = { ...plan.subject, about: checked.about };
  await tell(stepUpWaitingMessage(subject));
  const result = await deps.gate.confirm(actor, checked.request);
  if (result.kind !== 'approved') await tell(stepUpResultMessage(subject, result));
  return result.kind === 'approved';
}
