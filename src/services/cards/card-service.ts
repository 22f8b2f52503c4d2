import type { Logger } from '../../logger.ts';
import type {
  AlertStore,
  ClaimedDelivery,
  NewAlertActionResult,
  OutboxStore,
  PostedCopy,
  PostedSummary,
  StoredAlert,
} from '../../store/types.ts';
import type { AlertCards, ResponseReport } from '../responses/types.ts';

/** Writes to the posted copies of a card, implemented over Slack; failures are logged there, never thrown. */
export interface CardWriter {
  /** Re-renders each copy with the alert's decision and the provider results it has. */
  update(copies: readonly PostedCopy[], alert: StoredAlert, actions: readonly NewAlertActionResult[]): Promise<void>;
  /** Posts the report in the thread of each copy. */
  reply(copies: readonly PostedCopy[], alertId: string, report: ResponseReport): Promise<void>;
  /** Re-renders summary cards with where each of their users stands now. */
  updateSummaries(summaries: readonly PostedSummary[]): Promise<void>;
  /** Replies in the thread of each copy that the user says it was not them, mentioning `mention`. */
  escalate(copies: readonly PostedCopy[], alert: StoredAlert, escalation: Escalation): Promise<void>;
}

/** The user said "No, it wasn't me". */
export interface Escalation {
  name: string;
  at: number;
  /** User-group id to mention (CII_ESCALATION_MENTION). */
  mention?: string;
}

export interface CardService extends AlertCards {
  escalate(alert: StoredAlert, escalation: Escalation): Promise<void>;
  /** A card was just posted: if a decision was taken while it was being posted, bring it up to date. */
  afterPost(claimed: ClaimedDelivery): Promise<void>;
}

/**
 * The posted cards of alerts. Callers pass the alert and results they hold, so an update costs one store
 * read (the copies); only `refresh` and `afterPost`, the recovery paths, read the alert again.
 */
export function createCardService(deps: {
  store: Pick<AlertStore, 'getAlert' | 'listAlertActions'> & Pick<OutboxStore, 'postedCopiesOf' | 'postedSummariesOf'>;
  writer: CardWriter;
  logger: Logger;
}): CardService {
  const { store, writer, logger } = deps;

  const copiesOf = (alertId: string) =>
    store.postedCopiesOf(alertId).catch((err: unknown) => {
      logger.error('could not list the posted cards of an alert', { alertId, err });
      return [];
    });

  /** The summaries over an alert's thread cards, whose progress line changes with its decision. */
  async function updateSummaries(alertId: string, copies: readonly PostedCopy[]): Promise<void> {
    if (!copies.some((c) => c.threadTs !== undefined)) return;
    let summaries: PostedSummary[];
    try {
      summaries = await store.postedSummariesOf(alertId);
    } catch (err) {
      logger.error('could not list the summary cards of an alert', { alertId, err });
      return;
    }
    await writer.updateSummaries(summaries);
  }

  async function show(alert: StoredAlert, actions: readonly NewAlertActionResult[]): Promise<void> {
    const copies = await copiesOf(alert.id);
    await writer.update(copies, alert, actions);
    await updateSummaries(alert.id, copies);
  }

  async function refresh(alertId: string): Promise<void> {
    let alert, actions;
    try {
      [alert, actions] = await Promise.all([store.getAlert(alertId), store.listAlertActions(alertId)]);
    } catch (err) {
      logger.error('could not read an alert to update its cards', { alertId, err });
      return;
    }
    if (alert) await show(alert, actions);
  }

  return {
    show,
    refresh,
    async report(alert, actions, report) {
      const copies = await copiesOf(alert.id);
      await writer.update(copies, alert, actions);
      await updateSummaries(alert.id, copies);
      await writer.reply(copies, alert.id, report);
    },
    escalate: async (alert, escalation) => writer.escalate(await copiesOf(alert.id), alert, escalation),
    async afterPost(claimed) {
      if (claimed.kind !== 'alert') return;
      const current = await store.getAlert(claimed.alert.id);
      // Asking the user moves on while the card is being posted, without a decision: compare it too.
      const asked = (a: StoredAlert) => JSON.stringify(a.verification ?? null);
      if (
        current &&
        (current.state !== 'open' ||
          current.version !== claimed.alert.version ||
          asked(current) !== asked(claimed.alert))
      ) {
        await show(current, await store.listAlertActions(current.id));
      }
    },
  };
}
