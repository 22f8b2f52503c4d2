import type { CardRenderer } from '../services/delivery/compose.ts';
import type { StoredAlert } from '../store/types.ts';
import { alertCard, type AlertActions } from './views/alert-card.ts';
import { alertSummaryCard } from './views/alert-summary-card.ts';

/** Renders queued alert cards with the views; the delivery worker stays free of Block Kit. */
export function createCardRenderer(deps: { blockProviders: readonly string[]; now: () => Date }): CardRenderer {
  const actions: AlertActions = {
    approve: true,
    block:
      deps.blockProviders.length > 0
        ? { providers: [...deps.blockProviders] }
        : { unavailableReason: 'Block needs an identity provider (Duo, Okta or Entra ID) configured for this app.' },
  };
  return {
    alert: (alert: StoredAlert, enrichment) =>
      alertCard({
        alert: {
          ...alert,
          displayName: enrichment?.displayName ?? alert.displayName,
          referenceUrl: enrichment?.referenceUrl ?? alert.referenceUrl,
        },
        now: deps.now(),
        actions,
      }),
    summary: (summary) => alertSummaryCard({ ...summary, now: deps.now() }),
  };
}
