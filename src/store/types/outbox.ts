import type { Severity } from '../../alerts/finding.ts';
import type { AlertState, NewAlert, StoredAlert } from './alert.ts';

export interface Subscription {
  id: number;
  channelId: string;
  /** Normalized (lower-case, unique, sorted); empty means every check. */
  checkIds: string[];
  minSeverity: Severity;
  createdBy: string;
  createdAt: number;
  /**
   * Set when Slack refused the channel (e.g. `channel_not_found`): every subscription of the channel breaks with it,
   * and the channel's cards wait (pending, not claimed) until it is repaired.
   */
  brokenReason?: string;
  brokenAt?: number;
}

/** A channel Slack refused, with the findings whose cards wait for its repair. */
export interface BrokenChannel {
  channelId: string;
  /** Slack's error, e.g. `channel_not_found`. */
  reason: string;
  /** The first refusal. */
  since: number;
  /** Distinct findings with a card waiting to be posted there. */
  waitingFindings: number;
  /**
   * Set when no subscription names the channel (the fallback channel): nothing would repair it, so it is tried
   * again at this time, and at each interval after that until Slack takes a card.
   */
  retryAt?: number;
}

/** Slack refused a delivery's channel (not just the message). */
export interface ChannelRefusal {
  channelId: string;
  reason: string;
  at: number;
  /** When to try the channel again if no subscription names it (the fallback channel). */
  retryAt: number;
  /** No earlier post of the card is in doubt: it is not in Slack. */
  notPosted?: boolean;
}

export interface NewSubscription {
  channelId: string;
  checkIds: string[];
  minSeverity: Severity;
  createdBy: string;
}

export type DeliveryKind = 'alert' | 'summary';

export type DeliveryState = 'pending' | 'sent' | 'failed';

/** One card to post to one channel (the outbox). */
export interface Delivery {
  id: number;
  kind: DeliveryKind;
  /** Set for `alert` deliveries, absent for `summary` ones. */
  alertId?: string;
  findingId: string;
  channelId: string;
  subscriptionId?: number;
  /** The summary delivery this card is threaded under. */
  parentId?: number;
  state: DeliveryState;
  /** How many times the delivery was claimed (a crash mid-post counts). */
  attempts: number;
  nextAttemptAt: number;
  leaseUntil?: number;
  leaseOwner?: string;
  lastError?: string;
  postedTs?: string;
  /**
   * When the first post whose outcome is unknown began (a timeout, a network error, a crash): the card may be in
   * Slack already, so it is looked for there before any new post. Cleared once the ts is recorded, or once Slack
   * answered that nothing was posted.
   */
  postingSince?: number;
  /** Failed looks for such a post since (`conversations.history` erring). */
  lookupsFailed: number;
  createdAt: number;
  updatedAt: number;
}

/** What a summary card shows: the finding and the users threaded under it in this channel. */
export interface FindingSummary {
  findingId: string;
  checkId: string;
  title: string;
  severity: Severity;
  severityLabel: string;
  published: string;
  description: string[];
  recommendedActions: string[];
  users: Array<{ login: string; displayName?: string; referenceUrl?: string; state: AlertState }>;
}

export type ClaimedDelivery =
  | {
      kind: 'alert';
      delivery: Delivery;
      alert: StoredAlert;
      /** The summary's ts for thread cards. */ threadTs?: string;
    }
  | { kind: 'summary'; delivery: Delivery; summary: FindingSummary };

export type PlannedDelivery =
  | { kind: 'alert'; alertId: string; channelId: string; subscriptionId?: number }
  | { kind: 'summary'; channelId: string; subscriptionId?: number; childAlertIds: string[] };

export interface FindingRecord {
  envelopeId: string;
  findingId: string;
  receivedAt: number;
  alerts: NewAlert[];
  /**
   * Called inside the transaction with the alerts actually created (an existing (finding, login) is
   * skipped), in the order given; returns the deliveries to enqueue. Must be synchronous and pure.
   */
  planDeliveries(created: NewAlert[]): PlannedDelivery[];
}

export interface RecordFindingResult {
  /** The envelope id was already seen: nothing was written. */
  duplicate: boolean;
  alertsCreated: NewAlert[];
  deliveriesCreated: number;
}

export interface ClaimOptions {
  now: number;
  limit: number;
  leaseMs: number;
  owner: string;
  /**
   * Per-channel pacing shared by every worker on the database: a channel gets at most one claim per
   * interval, and none while one of its deliveries is leased.
   */
  channelIntervalMs: number;
}

export interface PostedCopy {
  deliveryId: number;
  channelId: string;
  ts: string;
  /** The summary's ts when this card was posted in its thread. */
  threadTs?: string;
}

/** A posted summary card and what it summarises now. */
export interface PostedSummary {
  copy: PostedCopy;
  summary: FindingSummary;
}

/** The delivery outbox: cards to post, their leases and what became of them. */
export interface OutboxStore {
  /** Atomically leases due pending deliveries (children only once their summary is sent). */
  claimDueDeliveries(options: ClaimOptions): Promise<ClaimedDelivery[]>;
  markDelivered(id: number, result: { ts: string }): Promise<void>;
  /**
   * Releases the lease and retries at `nextAttemptAt`. `lookupFailed`: looking for an earlier post failed (counted
   * in `lookupsFailed`); `notPosted`: Slack answered that nothing was posted and no earlier post is in doubt, so the
   * next attempt need not look.
   */
  reschedule(
    id: number,
    retry: { nextAttemptAt: number; error: string; lookupFailed?: boolean; notPosted?: boolean },
  ): Promise<void>;
  /** A post is about to be sent: until its ts is recorded, the card may be in Slack (keeps an earlier time). */
  markPosting(id: number, at: number): Promise<void>;
  /** Gives up on a delivery; its pending thread children fail with it. */
  markFailed(id: number, error: string): Promise<void>;
  /**
   * Slack refused the delivery's channel: the channel's subscriptions are marked broken and the delivery waits
   * (pending, with the channel's other cards) until one of them is repaired. With no subscription to repair (the
   * fallback channel) the channel is recorded as refused and held until `retryAt`, its cards kept.
   */
  waitForRepair(id: number, refusal: ChannelRefusal): Promise<'waiting' | 'retrying'>;
  /** No claim for the channel before `until` (Slack said to wait). */
  holdChannel(channelId: string, until: number): Promise<void>;
  /** Channel and ts of every posted card of an alert (to update them after a decision). */
  postedCopiesOf(alertId: string): Promise<PostedCopy[]>;
  /** Every posted summary card an alert's card is threaded under, as it reads now (with each thread user's state). */
  postedSummariesOf(alertId: string): Promise<PostedSummary[]>;
  /** Channel and ts of every posted summary card of a finding (Approve all open counts only from one). */
  postedSummaryCopiesOf(findingId: string): Promise<PostedCopy[]>;
}

export interface SubscriptionStore {
  /** Adds a subscription unless the channel already has the same filter (then returns that one). */
  addSubscription(
    input: NewSubscription & { createdAt: number },
  ): Promise<{ created: boolean; subscription: Subscription }>;
  listSubscriptions(filter?: { channelId?: string }): Promise<Subscription[]>;
  /** Removes one subscription of the channel (or all of them); their pending deliveries are cancelled. */
  removeSubscriptions(filter: { channelId: string; id?: number }): Promise<number>;
  /**
   * Clears the broken mark of every subscription of the channel, and the refusal of a channel no subscription names
   * (due at `at` then, not at its next try), releasing the cards that waited for it; how many subscriptions (or
   * such refusals) were cleared and how many findings waited.
   */
  repairChannel(channelId: string, at: number): Promise<{ repaired: number; waitingFindings: number }>;
  /** Channels with a broken subscription, and refused channels no subscription names, oldest refusal first. */
  brokenChannels(): Promise<BrokenChannel[]>;
}

/** Reads the outbox as it is; for tests and benchmarks only, never for the app's own work. */
export interface DeliveryInspection {
  getDelivery(id: number): Promise<Delivery | undefined>;
  listDeliveries(filter?: { findingId?: string; channelId?: string; state?: DeliveryState }): Promise<Delivery[]>;
}
