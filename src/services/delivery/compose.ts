import type { Severity } from '../../alerts/finding.ts';
import { within } from '../../util/within.ts';
import type { Logger } from '../../logger.ts';
import type { AlertStore, ClaimedDelivery, FindingSummary, StoredAlert } from '../../store/types.ts';
import { CiiNotFoundError } from '../../cii/errors.ts';
import {
  contextOf,
  contextRecord,
  namesOf,
  unknownToCii,
  unknownUserRecord,
  type UserContext,
} from '../user-context.ts';
import type { CardMetadata, SlackPoster } from './poster.ts';

/** What enrichment finds about an alert's user: CII's context. */
export type Enrichment = UserContext;

export interface SummaryView {
  checkId: string;
  title: string;
  severity: Severity;
  severityLabel: string;
  /** What "Approve all open" on the summary acts on. */
  findingId: string;
  published: string;
  description: string[];
  recommendedActions: string[];
  /** The users in the thread, in thread order: display name (login when unknown), CII link, decision state. */
  users: Array<{ name: string; state: string; referenceUrl?: string }>;
}

export interface RenderedMessage {
  text: string;
  blocks: unknown[];
}

/** How an alert card is rendered: in a summary's thread or not; whether CII was asked for its user and did not answer. */
export interface AlertRenderOptions {
  inThread?: boolean;
  contextUnavailable?: boolean;
}

/** A card Slack refused for its content, as the short notice posted in its place names it. */
export interface RefusedCard {
  severity: Severity;
  severityLabel: string;
  title: string;
  checkId: string;
  /** The alert's user, or the users of the summary's thread. */
  logins: string[];
  /** Slack's error, e.g. `invalid_blocks`. */
  reason: string;
}

/** The Slack views, passed in so this service does not depend on Block Kit. */
export interface CardRenderer {
  /** The alert's card; its user context, when it has one, is read from the alert itself. */
  alert(alert: StoredAlert, options?: AlertRenderOptions): RenderedMessage;
  summary(summary: SummaryView): RenderedMessage;
  /** The short notice posted in place of a card Slack refused for its content. */
  refused(card: RefusedCard): RenderedMessage;
}

export type PostMessage = Parameters<SlackPoster['post']>[0];

export interface ComposeDeps {
  store: Pick<AlertStore, 'updateAlertEnrichment'>;
  render: CardRenderer;
  /** Best effort (a CII user lookup): bounded by `enrichTimeoutMs`, errors ignored. */
  enrich?: (login: string) => Promise<Enrichment | undefined>;
  enrichTimeoutMs: number;
  logger: Logger;
}

/** How many users a summary card names (the rest are counted). */
const SUMMARY_NAMES = 10;

/** What a summary card names a user by, when the alert itself does not know it yet. */
type SummaryName = { displayName?: string; referenceUrl?: string } | undefined;

/** The summary card's view of a finding in one channel. */
export function summaryView(summary: FindingSummary, found: readonly SummaryName[] = []): SummaryView {
  return {
    findingId: summary.findingId,
    checkId: summary.checkId,
    title: summary.title,
    severity: summary.severity,
    severityLabel: summary.severityLabel,
    published: summary.published,
    description: summary.description,
    recommendedActions: summary.recommendedActions,
    users: summary.users.map((u, i) => {
      const referenceUrl = u.referenceUrl ?? found[i]?.referenceUrl;
      return {
        name: u.displayName ?? found[i]?.displayName ?? u.login,
        state: u.state,
        ...(referenceUrl ? { referenceUrl } : {}),
      };
    }),
  };
}

/**
 * Looks an alert's user up in CII within `timeoutMs`, and stores what it found on the alert (also that CII has no
 * such user). Undefined when CII did not answer in time (or failed): the caller shows the card without it and
 * completes it later.
 */
export async function enrichAlert(
  deps: Pick<ComposeDeps, 'store' | 'enrich' | 'logger'> & { clock?: { now(): number } },
  alert: StoredAlert,
  timeoutMs: number,
): Promise<StoredAlert | undefined> {
  if (!deps.enrich) return undefined;
  const enrich = deps.enrich;
  // The executor turns a synchronous throw of `enrich` into a rejection, handled with the others below.
  const lookup = new Promise<Enrichment | undefined>((resolve) => resolve(enrich(alert.login)));
  const found = await within(
    lookup.catch((err: unknown): Enrichment | 'unknown' | undefined => {
      if (err instanceof CiiNotFoundError) return 'unknown';
      deps.logger.debug('CII user lookup for an alert card failed', { alertId: alert.id, err });
      return undefined;
    }),
    timeoutMs,
  );
  if (!found) return undefined;
  const enrichment =
    found === 'unknown'
      ? { userContext: unknownUserRecord(deps.clock?.now() ?? Date.now()) }
      : { ...namesOf(found), userContext: contextRecord(found) };
  try {
    await deps.store.updateAlertEnrichment(alert.id, enrichment);
  } catch (err) {
    deps.logger.warn('could not store the enrichment of an alert', { alertId: alert.id, err });
  }
  return { ...alert, ...enrichment };
}

/**
 * What identifies a card in Slack: its event type, its delivery (so an earlier post of this very delivery can be
 * found) and its alert or finding (so another install's delivery of the same number is never taken for it).
 */
export function cardIdentity(claimed: ClaimedDelivery): CardMetadata {
  const { delivery } = claimed;
  return claimed.kind === 'summary'
    ? { event_type: 'cii_alert_summary', event_payload: { delivery_id: delivery.id, finding_id: delivery.findingId } }
    : {
        event_type: 'cii_alert',
        event_payload: { delivery_id: delivery.id, alert_id: claimed.alert.id, finding_id: claimed.alert.findingId },
      };
}

/** Builds the message for a claimed delivery, enriching an alert card first when its user is not known yet. */
export function createComposer(deps: ComposeDeps): (claimed: ClaimedDelivery) => Promise<PostMessage> {
  const { render } = deps;

  /** Names and CII links for the summary's first users: those the card shows, looked up within the same bound. */
  async function summaryNames(users: FindingSummary['users']): Promise<SummaryName[]> {
    const enrich = deps.enrich;
    if (!enrich) return [];
    const first = users.slice(0, SUMMARY_NAMES);
    const found = await within(
      Promise.all(
        first.map((u) =>
          u.displayName !== undefined ? Promise.resolve(undefined) : enrich(u.login).catch(() => undefined),
        ),
      ),
      deps.enrichTimeoutMs,
    );
    return (found ?? []).map((f) => (f ? namesOf(f) : undefined));
  }

  return async (claimed): Promise<PostMessage> => {
    const { delivery } = claimed;
    if (claimed.kind === 'summary') {
      const { summary } = claimed;
      const message = render.summary(summaryView(summary, await summaryNames(summary.users)));
      const identity = cardIdentity(claimed);
      return {
        channel: delivery.channelId,
        ...message,
        metadata: { ...identity, event_payload: { ...identity.event_payload, user_count: summary.users.length } },
      };
    }
    let { alert } = claimed;
    let contextUnavailable = false;
    if (deps.enrich && !contextOf(alert) && !unknownToCii(alert)) {
      const enriched = await enrichAlert(deps, alert, deps.enrichTimeoutMs);
      if (enriched) alert = enriched;
      else {
        contextUnavailable = true;
        deps.logger.info('posting an alert card without CII context; it is completed when CII answers', {
          alertId: alert.id,
        });
      }
    }
    const inThread = claimed.threadTs !== undefined;
    const message = render.alert(alert, { inThread, contextUnavailable });
    return {
      channel: delivery.channelId,
      ...message,
      ...(claimed.threadTs === undefined ? {} : { threadTs: claimed.threadTs }),
      metadata: cardIdentity(claimed),
    };
  };
}
