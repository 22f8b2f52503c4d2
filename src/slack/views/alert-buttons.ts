import type { Button } from '@slack/types';
import { ACTION_IDS } from './action-ids.ts';
import { isPartial, type DecisionView } from './alert-decision.ts';
import { providerList } from './alert-text.ts';
import { LIMITS, plainText, truncate } from './limits.ts';

/** Who the buttons act on: the stored alert's id is all a button carries. */
export interface ButtonTarget {
  id: string;
  login: string;
  displayName?: string;
}

function confirmed(button: Button, dialog: { title: string; text: string; confirm: string; danger?: boolean }): Button {
  return {
    ...button,
    confirm: {
      title: plainText(dialog.title, LIMITS.confirmTitle),
      text: plainText(dialog.text, LIMITS.confirmText),
      confirm: plainText(dialog.confirm, LIMITS.confirmButton),
      deny: plainText('Cancel', LIMITS.confirmButton),
      ...(dialog.danger ? { style: 'danger' as const } : {}),
    },
  };
}

const whoOf = (alert: ButtonTarget) => alert.displayName?.trim() || alert.login;
const okLabels = (decision: { results: readonly { ok: boolean; label: string }[] }) => [
  ...new Set(decision.results.filter((r) => r.ok).map((r) => r.label)),
];

// Approve and Block open modals (a reason; the preview of what Block does), so they need no confirm dialog.
const approveButton = (alert: ButtonTarget): Button => ({
  type: 'button',
  action_id: ACTION_IDS.alertApprove,
  text: plainText('Approve'),
  style: 'primary',
  value: alert.id,
});

const blockButton = (alert: ButtonTarget): Button => ({
  type: 'button',
  action_id: ACTION_IDS.alertBlock,
  text: plainText('Block'),
  style: 'danger',
  value: alert.id,
});

// Each part of a dialog text is capped so the provider names always fit in the 300-char dialog.

function unblockButton(alert: ButtonTarget, providers: string[]): Button {
  const who = whoOf(alert);
  const where = providers.length > 0 ? ` in ${truncate(providerList(providers), 120)}` : '';
  return confirmed(
    { type: 'button', action_id: ACTION_IDS.alertUnblock, text: plainText('Unblock'), value: alert.id },
    {
      title: `Unblock ${who}?`,
      text: `This lets ${truncate(who, 60)} (${truncate(alert.login, 80)}) sign in again${where}.`,
      confirm: 'Unblock',
    },
  );
}

function reopenButton(alert: ButtonTarget): Button {
  return confirmed(
    { type: 'button', action_id: ACTION_IDS.alertReopen, text: plainText('Reopen'), value: alert.id },
    {
      title: 'Reopen this alert?',
      text: `The approval is taken back: the alert about ${truncate(alert.login, 80)} is open again, with Approve and Block.`,
      confirm: 'Reopen',
    },
  );
}

function retryButton(alert: ButtonTarget, decision: Extract<DecisionView, { state: 'failed' }>): Button {
  const failed = [...new Set(decision.results.filter((r) => !r.ok).map((r) => r.label))];
  const what = failed.length > 0 ? `, only in ${truncate(providerList(failed), 150)}` : '';
  return confirmed(
    { type: 'button', action_id: ACTION_IDS.alertRetry, text: plainText('Retry'), style: 'primary', value: alert.id },
    {
      title: `Retry the ${decision.action}?`,
      text: `This tries the ${decision.action} of ${truncate(alert.login, 80)} again${what}.`,
      confirm: 'Retry',
    },
  );
}

/**
 * The decision buttons for the alert as it is: Approve and Block while open; Reopen after Approve; Unblock after
 * Block; Block again after Unblock; Retry after a failure, with Unblock of what a partial block did.
 */
export function decisionButtons(
  alert: ButtonTarget,
  decision: DecisionView | undefined,
  offer: { approve: boolean; block: boolean },
): Button[] {
  switch (decision?.state) {
    case undefined:
    case 'reopened':
      return [...(offer.approve ? [approveButton(alert)] : []), ...(offer.block ? [blockButton(alert)] : [])];
    case 'approved':
      return [reopenButton(alert)];
    case 'blocked':
      return [unblockButton(alert, okLabels(decision))];
    case 'unblocked':
      return offer.block ? [blockButton(alert)] : [];
    case 'failed':
      return [
        retryButton(alert, decision),
        ...(decision.action === 'block' && isPartial(decision) ? [unblockButton(alert, okLabels(decision))] : []),
      ];
    case 'in_progress':
      return [];
  }
}
