import type { Actor, ApproveAllOutcome } from '../../services/responses/types.ts';
import { ACTION_IDS, VIEW_IDS } from '../views/action-ids.ts';
import { approveAllModal } from '../views/decision-modals.ts';
import { errorMessage } from '../views/error-message.ts';
import { buildMessage, mrkdwn, type SlackMessage } from '../views/limits.ts';
import type { AlertActionDeps } from './alert-action.ts';
import { outcomeAnswer } from './alert-answers.ts';
import { openModal, registerModalButton, registerModalSubmission } from './decision-modal.ts';
import type { SlackListeners } from '../listener-routes.ts';

const info = (text: string): SlackMessage => buildMessage(text, [{ type: 'section', text: mrkdwn(`ℹ️ ${text}`) }]);

function approvedAllAnswer(outcome: ApproveAllOutcome, deps: AlertActionDeps): SlackMessage | undefined {
  if (outcome.kind !== 'approved_all') return outcomeAnswer(outcome, deps);
  const parts = [`Approved ${outcome.approved.length} open alert${outcome.approved.length === 1 ? '' : 's'}`];
  if (outcome.decided > 0) parts.push(`${outcome.decided} already decided, left as they were`);
  if (outcome.own > 0)
    parts.push(`${outcome.own} left open for another responder (about your own account, or not confirmed otherwise)`);
  return info(`${parts.join('; ')}.`);
}

const APPROVE_ALL_NOTE = 'Approve all open';

/** Whether the responder may approve the finding's open alerts, and how many there are; else what they are told. */
async function checkAll(
  findingId: string,
  actor: Actor,
  deps: AlertActionDeps,
): Promise<{ answer: SlackMessage | undefined } | { title: string; open: number }> {
  const checked = await deps.responses.checkApproveAll(findingId, actor);
  if (checked.kind === 'not_found') {
    return {
      answer: errorMessage({ kind: 'forbidden', message: 'This finding is not in the app’s database any more.' }),
    };
  }
  if (checked.kind !== 'open') return { answer: outcomeAnswer(checked, deps) };
  if (checked.open === 0) return { answer: info('Every alert of this finding is already decided.') };
  return checked;
}

/** "Approve all open" on a summary card: a modal confirms how many with an optional reason, then approves them. */
export function registerAlertApproveAllAction(app: SlackListeners, deps: AlertActionDeps): void {
  registerModalButton(app, ACTION_IDS.alertApproveAll, deps, async (findingId, actor) => {
    const checked = await checkAll(findingId, actor, deps);
    if ('answer' in checked) return checked;
    const modal = approveAllModal({
      findingId,
      title: checked.title,
      open: checked.open,
      ...(actor.channelId ? { channelId: actor.channelId } : {}),
      ...(actor.messageTs ? { messageTs: actor.messageTs } : {}),
    });
    return { open: (args) => openModal(args, modal).then(() => undefined) };
  });
  registerModalSubmission(
    app,
    VIEW_IDS.approveAll,
    deps,
    async ({ ids, actor, reason }) =>
      approvedAllAnswer(
        await deps.responses.approveAllOpen(ids.findingId ?? '', actor, reason ? { reason } : {}),
        deps,
      ),
    ({ ids, actor }) => ({
      subject: { title: 'Approve all open', action: 'Approve all open' },
      async precheck() {
        const checked = await checkAll(ids.findingId ?? '', actor, deps);
        if ('answer' in checked) return { refusal: checked.answer ?? info('Nothing was done.') };
        const about = `${checked.open} open alert${checked.open === 1 ? '' : 's'} of ${checked.title}`;
        return {
          about,
          request: { verb: 'approve', summary: `Approve ${about}`, note: `${APPROVE_ALL_NOTE}: ${about}` },
        };
      },
    }),
  );
}
