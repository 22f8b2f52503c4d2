import type { Severity } from '../../alerts/finding.ts';
import type { StoredAlert } from './alert.ts';
import type { DeliveryState } from './outbox.ts';

/** What became of the alerts that arrived since a time (each alert is one user of one finding). */
export interface AlertCounts {
  arrived: number;
  /** With at least one card posted. */
  posted: number;
  /** With a card still waiting to be posted. */
  pending: number;
  /** When the oldest of the pending ones arrived. */
  pendingSince?: number;
  /** Matched no subscription. */
  unrouted: number;
  /** Held back by a mute. */
  muted: number;
  /** Every card of the alert failed (e.g. the channel is gone); not counted when a mute withdrew them. */
  failed: number;
}

/** One card of an alert in one channel, whatever became of it. */
export interface AlertCopy {
  channelId: string;
  state: DeliveryState;
  subscriptionId?: number;
  postedTs?: string;
  threadTs?: string;
  lastError?: string;
  /** A pending card in a channel Slack refused: the refusal; it waits for the channel's repair. */
  channelBroken?: string;
  createdAt: number;
}

export interface RecentAlert extends StoredAlert {
  /** Oldest first. */
  copies: AlertCopy[];
}

export interface RecentAlertFilter {
  /** `open`: waiting for a decision (muted ones wait for nobody); `pending`: a card waits to be posted; `unrouted`: matched no subscription. */
  only?: 'open' | 'pending' | 'unrouted';
  /** The alert's user, case-insensitively. */
  login?: string;
  limit: number;
}

/** Alerts a channel's filter matches that it never got a card of (muted ones excluded). */
export interface ChannelBacklogQuery {
  channelId: string;
  /** Empty means every check. */
  checkIds: string[];
  severities: Severity[];
  /** Alerts that arrived at or after this time. */
  since: number;
}

/** A check id the app has received alerts of. */
export interface CheckActivity {
  checkId: string;
  /** The latest title CII sent for it. */
  title: string;
  /** Distinct findings of this check that arrived since the time asked. */
  recentFindings: number;
}

/** Where every alert went: the counts of /cii status, the lists of /cii alerts, and a channel's backlog. */
export interface AccountingStore {
  /** Every check id received (as long as its alerts are kept), with its findings since `since`. */
  checkActivity(since: number): Promise<CheckActivity[]>;
  countAlerts(since: number): Promise<AlertCounts>;
  /** Newest first, each with its cards. */
  listRecentAlerts(filter: RecentAlertFilter): Promise<RecentAlert[]>;
  countChannelBacklog(query: ChannelBacklogQuery): Promise<number>;
  /** Alerts a filter matches (muted ones excluded), whichever channels got them. */
  countMatchingAlerts(query: Omit<ChannelBacklogQuery, 'channelId'>): Promise<number>;
  /**
   * Queues one card in the channel for each alert of its backlog, oldest first, in one transaction; an alert
   * the channel already has a card of is skipped, so a second call queues nothing. Unrouted alerts become routed.
   */
  enqueueChannelBacklog(query: ChannelBacklogQuery & { subscriptionId: number; now: number }): Promise<number>;
}
