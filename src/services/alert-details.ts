import type { AlertStore, OutboxStore, StoredAlert } from '../store/types.ts';

/** An alert's card, read for its "More" modal: only from a posted copy of that card. */
export type DetailsOutcome = { kind: 'found'; alert: StoredAlert } | { kind: 'not_found' } | { kind: 'not_a_card' };

export interface AlertDetails {
  /** The alert, when `from` (the clicked message) is a posted copy of its card. */
  read(alertId: string, from: { channelId?: string; messageTs?: string }): Promise<DetailsOutcome>;
}

export function createAlertDetails(deps: {
  store: Pick<AlertStore, 'getAlert'> & Pick<OutboxStore, 'postedCopiesOf'>;
}): AlertDetails {
  return {
    async read(alertId, from) {
      const alert = await deps.store.getAlert(alertId);
      if (!alert) return { kind: 'not_found' };
      const copies = await deps.store.postedCopiesOf(alertId);
      // Like the decision buttons: a crafted click naming an alert never posted in that channel reads nothing.
      if (!copies.some((c) => c.channelId === from.channelId && c.ts === from.messageTs)) return { kind: 'not_a_card' };
      return { kind: 'found', alert };
    },
  };
}
