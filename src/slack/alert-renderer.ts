import type { AlertRenderOptions, CardRenderer, SummaryView } from '../services/delivery/compose.ts';
import { muteChoices } from '../services/mutes.ts';
import { contextOf, unknownToCii } from '../services/user-context.ts';
import { currentResults } from '../services/responses/provider-results.ts';
import type { NewAlertActionResult, StoredAlert } from '../services/responses/types.ts';
import type { ModalView } from '@slack/types';
import {
  alertCard,
  BLOCK_NEEDS_PROVIDER,
  DEFAULT_PRIVILEGED_GROUPS,
  type AlertActions,
  type AlertCardInput,
} from './views/alert-card.ts';
import { alertDetailsModal } from './views/alert-details-modal.ts';
import type { UserContextView } from './views/alert-evidence.ts';
import type { DecisionView } from './views/alert-decision.ts';
import { alertSummaryCard } from './views/alert-summary-card.ts';
import { refusedCardNotice } from './views/refused-card.ts';
import type { SlackMessage } from './views/limits.ts';

export interface AlertCardRenderer extends CardRenderer {
  summary(summary: SummaryView): SlackMessage;
  /** The card of an alert as it is now: its decision, with the provider results of that decision. */
  decided(alert: StoredAlert, actions: readonly NewAlertActionResult[], options?: AlertRenderOptions): SlackMessage;
  /** The "More" modal of an alert: what the compact card leaves out. */
  details(alert: StoredAlert): ModalView;
}

export interface CardRendererDeps {
  /** Labels of the configured identity providers (`Duo`, `Okta`, `Entra ID`). */
  blockProviders: readonly string[];
  now: () => Date;
  /** CII_RESPONDERS; when empty the card says whom to ask. */
  responders?: readonly string[];
  /** CII_ADMINS: whom the card tells to ask when nobody may respond yet. */
  admins?: readonly string[];
  /** Cards are enriched from CII: one without its user's context says that CII did not answer. */
  contextExpected?: boolean;
  /** CII_PRIVILEGED_GROUPS: group names flagged as privileged on the card (admin-like names by default). */
  privilegedGroups?: RegExp;
}

/** The decision the card shows for an alert; undefined while it is open and was never decided. */
export function decisionView(
  alert: StoredAlert,
  actions: readonly NewAlertActionResult[] = [],
): DecisionView | undefined {
  const by = alert.decidedBy ?? 'unknown';
  const at = new Date(alert.decidedAt ?? alert.createdAt);
  const action = alert.decisionAction ?? 'block';
  const reason = alert.decisionReason ? { reason: alert.decisionReason } : {};
  switch (alert.state) {
    case 'open':
      // Decided before means reopened: the card says by whom.
      return alert.decidedBy ? { state: 'reopened', by, at } : undefined;
    case 'in_progress':
      return { state: 'in_progress', action, by, at };
    case 'approved':
      return { state: 'approved', by, at, ...reason };
    case 'blocked':
      return { state: 'blocked', by, at, ...reason, results: currentResults(actions, 'block') };
    case 'unblocked':
      return { state: 'unblocked', by, at, results: currentResults(actions, 'unblock') };
    case 'failed':
      return {
        state: 'failed',
        action,
        by,
        at,
        ...reason,
        results: currentResults(actions, action),
        ...(alert.decisionError ? { error: alert.decisionError } : {}),
      };
  }
}

/** Renders alert cards with the views; the delivery worker and the response service stay free of Block Kit. */
export function createCardRenderer(deps: CardRendererDeps): AlertCardRenderer {
  const actions: AlertActions = {
    approve: true,
    block:
      deps.blockProviders.length > 0
        ? { providers: [...deps.blockProviders] }
        : { unavailableReason: BLOCK_NEEDS_PROVIDER },
  };
  const noResponders = (deps.responders ?? []).length === 0 ? { askWhom: deps.admins ?? [] } : undefined;

  function contextView(alert: StoredAlert): UserContextView | undefined {
    const context = contextOf(alert);
    return context && { user: context.user, state: context.state, fetchedAt: new Date(context.fetchedAt) };
  }

  function card(alert: StoredAlert, decision: DecisionView | undefined, options: AlertRenderOptions): SlackMessage {
    const context = contextView(alert);
    const unknown = unknownToCii(alert);
    const input: AlertCardInput = {
      alert,
      now: deps.now(),
      actions,
      ...(decision ? { decision } : {}),
      ...(alert.verification ? { verification: alert.verification } : {}),
      ...(noResponders ? { noResponders } : {}),
      ...(context ? { userContext: context } : {}),
      ...(options.inThread ? { inThread: true } : {}),
      ...(unknown ? { userUnknown: true } : {}),
      ...(!unknown && (options.contextUnavailable ?? (deps.contextExpected && !context))
        ? { contextUnavailable: true }
        : {}),
      ...(deps.privilegedGroups ? { privilegedGroups: deps.privilegedGroups } : {}),
      muteChoices,
    };
    return alertCard(input);
  }

  return {
    alert: (alert, options = {}) => card(alert, decisionView(alert), options),
    summary: (summary) => alertSummaryCard({ ...summary, now: deps.now() }),
    refused: (card) => refusedCardNotice(card),
    decided: (alert, results, options = {}) => card(alert, decisionView(alert, results), options),
    details: (alert) => {
      const context = contextView(alert);
      return alertDetailsModal({
        alert,
        ...(context ? { userContext: context } : {}),
        blockProviders: deps.blockProviders,
        privilegedGroups: deps.privilegedGroups ?? DEFAULT_PRIVILEGED_GROUPS,
        now: deps.now(),
      });
    },
  };
}
