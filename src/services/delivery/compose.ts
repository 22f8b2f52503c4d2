import type { Severity } from '../../alerts/finding.ts';
import { within } from '../../util/within.ts';
import type { Logger } from '../../logger.ts';
import type { AlertStore, ClaimedDelivery, FindingSummary, StoredAlert } from '../../store/types.ts';
import type { SlackPoster } from './poster.ts';

export interface Enrichment {
  displayName?: string;
  referenceUrl?: string;
}

export interface SummaryView {
  checkId: string;
  title: string;
  severity: Severity;
  severityLabel: string;
  /** What "Approve all open" on the summary acts on. */
  findingId: string;
  userCount: number;
  /** Display names (login when unknown), in thread order. */
  names: string[];
  published: string;
}

export interface RenderedMessage {
  text: string;
  blocks: unknown[];
}

/** The Slack views, passed in so this service does not depend on Block Kit. */
export interface CardRenderer {
  alert(alert: StoredAlert, enrichment?: Enrichment): RenderedMessage;
  summary(summary: SummaryView): RenderedMessage;
}

export type PostMessage = Parameters<SlackPoster['post']>[0];

export interface ComposeDeps {
  store: Pick<AlertStore, 'updateAlertEnrichment'>;
  render: CardRenderer;
  /** Best effort (e.g. a CII user lookup): bounded by `enrichTimeoutMs`, errors ignored. */
  enrich?: (login: string) => Promise<Enrichment | undefined>;
  enrichTimeoutMs: number;
  logger: Logger;
}

/** How many users a summary card names (the rest are counted). */
const SUMMARY_NAMES = 10;

/** Builds the message for a claimed delivery, enriching an alert card first when its user is not known yet. */
export function createComposer(deps: ComposeDeps): (claimed: ClaimedDelivery) => Promise<PostMessage> {
  const { store, render, logger } = deps;

  async function enrichmentFor(alert: StoredAlert): Promise<Enrichment | undefined> {
    const known =
      alert.displayName !== undefined || alert.referenceUrl !== undefined
        ? { displayName: alert.displayName, referenceUrl: alert.referenceUrl }
        : undefined;
    if (!deps.enrich || alert.displayName !== undefined) return known;
    let lookup: Promise<Enrichment | undefined>;
    try {
      lookup = deps.enrich(alert.login);
    } catch (err) {
      lookup = Promise.reject(err);
    }
    const found = await within(
      lookup.catch(() => undefined),
      deps.enrichTimeoutMs,
    );
    if (!found || (found.displayName === undefined && found.referenceUrl === undefined)) {
      logger.debug('posting without enrichment', { alertId: alert.id });
      return known;
    }
    try {
      await store.updateAlertEnrichment(alert.id, found);
    } catch (err) {
      logger.warn('could not store the enrichment of an alert', { alertId: alert.id, err });
    }
    return {
      displayName: found.displayName ?? alert.displayName,
      referenceUrl: found.referenceUrl ?? alert.referenceUrl,
    };
  }

  /** Display names for the summary's first users: those the card shows, looked up within the same bound. */
  async function summaryNames(users: FindingSummary['users']): Promise<string[]> {
    const enrich = deps.enrich;
    const first = users.slice(0, SUMMARY_NAMES);
    const found = enrich
      ? await within(
          Promise.all(
            first.map((u) => (u.displayName !== undefined ? undefined : enrich(u.login).catch(() => undefined))),
          ),
          deps.enrichTimeoutMs,
        )
      : undefined;
    return users.map((u, i) => u.displayName ?? found?.[i]?.displayName ?? u.login);
  }

  return async (claimed): Promise<PostMessage> => {
    const { delivery } = claimed;
    if (claimed.kind === 'summary') {
      const { summary } = claimed;
      const message = render.summary({
        findingId: summary.findingId,
        checkId: summary.checkId,
        title: summary.title,
        severity: summary.severity,
        severityLabel: summary.severityLabel,
        userCount: summary.users.length,
        names: await summaryNames(summary.users),
        published: summary.published,
      });
      return {
        channel: delivery.channelId,
        ...message,
        metadata: {
          event_type: 'cii_alert_summary',
          event_payload: { finding_id: summary.findingId, user_count: summary.users.length },
        },
      };
    }
    const { alert } = claimed;
    const message = render.alert(alert, await enrichmentFor(alert));
    return {
      channel: delivery.channelId,
      ...message,
      ...(claimed.threadTs === undefined ? {} : { threadTs: claimed.threadTs }),
      metadata: { event_type: 'cii_alert', event_payload: { alert_id: alert.id, finding_id: alert.findingId } },
    };
  };
}
