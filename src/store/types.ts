import type { FindingContext, Severity } from '../alerts/finding.ts';

/** All times are epoch milliseconds. */

/**
 * An alert's decision: `open` → `approved` → `open` (reopen); `open` | `unblocked` → `in_progress` → `blocked` |
 * `failed`; `failed` → `in_progress` (retry, or unblock of what a partial block did); `blocked` → `in_progress` →
 * `unblocked` | `failed`. Every move is a compare-and-set (`transitionAlert`).
 */
export type AlertState = 'open' | 'in_progress' | 'approved' | 'blocked' | 'failed' | 'unblocked';

/** What an alert's provider work does: `block` disables the user, `unblock` reverses it. */
export type ResponseAction = 'block' | 'unblock';

/**
 * How an alert was routed when it arrived: to the channels whose subscriptions match it, to none
 * (`unrouted`: kept, counted and listed; posted to the fallback channel when one is set), or held back
 * by a mute of its check for its user.
 */
export type AlertRouting = 'routed' | 'unrouted' | 'muted';

/** One user failing one CII finding. */
export interface NewAlert {
  id: string;
  findingId: string;
  envelopeId: string;
  checkId: string;
  title: string;
  severity: Severity;
  severityLabel: string;
  login: string;
  displayName?: string;
  referenceUrl?: string;
  description: string[];
  recommendedActions: string[];
  published: string;
  /** `routed` when omitted. */
  routing?: AlertRouting;
  /** Ask the user "was this you?" (CII_VERIFY_CHECKS lists the check): the alert starts `pending`. */
  verify?: boolean;
  /** CII's trust level for this user, from newer single-user payloads. */
  trustLevel?: string;
  /** Topics, scope, frameworks and explainability of the check, from newer payloads. */
  context?: FindingContext;
  /** The key-value details CII sent about this user (`loginDetails[].details`). */
  details?: Array<{ key: string; value: string }>;
}

export interface StoredAlert extends NewAlert {
  routing: AlertRouting;
  createdAt: number;
  state: AlertState;
  decidedBy?: string;
  decidedAt?: number;
  /** The provider work of `in_progress` and `failed` (and the last one done otherwise). */
  decisionAction?: ResponseAction;
  /** Why the last action failed when it failed before any provider answered (e.g. CII unreachable). */
  decisionError?: string;
  /** Why the responder decided, as they wrote it (optional). */
  decisionReason?: string;
  /** Bumped on every decision, so stale buttons can be detected. */
  version: number;
  /** Where asking the user stands; absent when the check does not ask. */
  verification?: AlertVerification;
  /** What CII told about the alert's user when the card was composed (JSON, read by the services); absent until fetched. */
  userContext?: UserContextRecord;
}

/** A snapshot of what CII knows about an alert's user, kept as CII sent it. */
export interface UserContextRecord {
  /** Parsed JSON; its shape belongs to the service that wrote it. */
  value: unknown;
  fetchedAt: number;
}

/** What enrichment found about an alert's user; fields left out are kept as they are. */
export interface AlertEnrichment {
  displayName?: string;
  referenceUrl?: string;
  userContext?: UserContextRecord;
}

/**
 * Asking an alert's user: `pending` → `resolving` (finding them in CII and Slack, leased) → `queued` (in a DM
 * about to be sent) → `asked` → `confirmed` | `unproven` | `denied` | `timed_out`; or `not_asked` with the reason.
 * `confirming`: they said yes and a Duo Push is on its way.
 */
export type VerificationState =
  | 'pending'
  | 'resolving'
  | 'queued'
  | 'asked'
  | 'not_asked'
  | 'confirming'
  | 'confirmed'
  | 'unproven'
  | 'denied'
  | 'timed_out';

export interface AlertVerification {
  state: VerificationState;
  /** The user's first name, as the card says it. */
  name?: string;
  /** When this state was reached. */
  at?: number;
  /** `not_asked`: why; `unproven`: what Duo said. */
  reason?: string;
  /** `confirmed`: how the answer was proven (`Duo Push approved`). */
  proof?: string;
}

export type QuestionState = 'collecting' | 'sending' | 'sent' | 'answered' | 'expired' | 'failed';

/** One "was this you?" DM to one user, listing one or more of their alerts. */
export interface VerifyQuestion {
  id: number;
  login: string;
  slackUserId: string;
  name: string;
  state: QuestionState;
  answer?: 'yes' | 'no';
  createdAt: number;
  /** Alerts of the same user arriving before this join the DM. */
  sendAfter: number;
  /** How many times sending was claimed: above 1, an earlier attempt may have posted it. */
  attempts: number;
  channelId?: string;
  ts?: string;
  sentAt?: number;
  answeredAt?: number;
  error?: string;
}

export type QueueResult =
  | { kind: 'queued'; question: VerifyQuestion; alert: StoredAlert }
  /** The user already got `recent` DMs in the last hour. */
  | { kind: 'limited'; recent: number }
  /** The alert is no longer being resolved by this caller (its lease expired and another took it). */
  | { kind: 'gone' };

/** Verification of alerts by their users, and the DMs that ask them. Every move is a compare-and-set. */
export interface VerificationStore {
  /** Leases alerts waiting to be resolved (`pending`, or `resolving` past its lease), oldest first. */
  claimPendingVerifications(options: { now: number; leaseMs: number; limit: number }): Promise<StoredAlert[]>;
  setVerification(
    alertId: string,
    change: { from: VerificationState[]; to: AlertVerification },
  ): Promise<{ moved: boolean; alert?: StoredAlert }>;
  /**
   * Puts a `resolving` alert into the user's open DM, or a new one sent after `windowMs`, unless the user already
   * got `maxPerHour` DMs in the hour before `now`.
   */
  queueQuestion(input: {
    alertId: string;
    login: string;
    slackUserId: string;
    name: string;
    now: number;
    windowMs: number;
    maxPerHour: number;
  }): Promise<QueueResult>;
  /** Leases the questions due to be sent (or whose sender died), oldest first. */
  claimDueQuestions(options: { now: number; leaseMs: number; limit: number }): Promise<VerifyQuestion[]>;
  getQuestion(id: number): Promise<VerifyQuestion | undefined>;
  /** The alerts a question asks about, oldest first. */
  questionAlerts(questionId: number): Promise<StoredAlert[]>;
  /**
   * Moves the question from one of `from` to `to` (with what `set` adds), and its alerts in one of `alertsFrom`
   * to `alertsTo`, in one transaction; nothing moves unless the question does. Returns the moved alerts.
   */
  moveQuestion(
    id: number,
    move: {
      from: QuestionState[];
      to: QuestionState;
      set?: Partial<Pick<VerifyQuestion, 'answer' | 'channelId' | 'ts' | 'sentAt' | 'answeredAt' | 'error'>>;
      alertsFrom: VerificationState[];
      alertsTo: AlertVerification;
    },
  ): Promise<{ moved: boolean; question?: VerifyQuestion; alerts: StoredAlert[] }>;
  /** Questions sent before `before` and still unanswered. */
  listUnansweredQuestions(before: number): Promise<VerifyQuestion[]>;
}

export interface AlertTransition {
  /** The move happens only while the alert is in one of these states. */
  from: AlertState[];
  to: AlertState;
  /** Slack user id recorded as `decidedBy`. */
  actor: string;
  at: number;
  /** Recorded as `decisionAction`; kept as it is when omitted. */
  action?: ResponseAction;
  /** Recorded as `decisionError` (cleared when omitted). */
  error?: string;
  /** Recorded as `decisionReason` (cleared when omitted). */
  reason?: string;
  /** Provider results stored in the same transaction, only when the move happens. */
  results?: NewAlertActionResult[];
  /** Into `in_progress`: the replica acting holds the action until `until` (renewed while it works); cleared otherwise. */
  lease?: ActionLease;
}

/** Who is acting on an alert's provider work, and until when unless renewed. */
export interface ActionLease {
  owner: string;
  until: number;
}

/** Where one provider call of an action stands: `intent` is written before the call, `done` or `failed` after it. */
export type ActionStepState = 'intent' | 'done' | 'failed';

/** One account of one attempt of an action (an attempt is the alert's version when it went `in_progress`). */
export interface ActionStepKey {
  alertId: string;
  attempt: number;
  provider: string;
  providerUserId: string;
}

/** The journal row of one provider call, written as it happens so a crash leaves what was done on record. */
export interface ActionStep extends ActionStepKey {
  operation: ResponseAction;
  state: ActionStepState;
  /** What succeeded, in order (empty while `intent`). */
  steps: string[];
  error?: string;
  actor: string;
  startedAt: number;
  finishedAt?: number;
}

export type TransitionResult =
  /** The move happened: the alert as it is now. */
  | { moved: true; alert: StoredAlert }
  /** Another move came first (or the alert does not exist): the alert as it is now. */
  | { moved: false; alert?: StoredAlert };

/** What one block or unblock did at one provider for one account. */
export interface NewAlertActionResult {
  action: ResponseAction;
  /** CII's provider name (`DUO`, `OKTA`, `AZURE_AD`). */
  provider: string;
  /** The provider's own id of the account. */
  providerUserId: string;
  ok: boolean;
  /** What succeeded, in order, even when a later step failed. */
  steps: string[];
  error?: string;
  actor: string;
  at: number;
}

export interface AlertActionResult extends NewAlertActionResult {
  id: number;
  alertId: string;
}

/** One click on an alert's buttons, whatever came of it. */
export interface NewAuditEntry {
  at: number;
  userId: string;
  userName?: string;
  teamId?: string;
  channelId?: string;
  alertId?: string;
  /** The alert's user, so decisions about one user can be listed. */
  login?: string;
  /** `approve`, `block`, `retry`, `unblock`. */
  action: string;
  /** `approved`, `blocked`, `failed`, `refused_…`, `already_…`, … */
  outcome: string;
  /** Provider results summarised; never a secret. */
  detail?: string;
  /** The reason the responder gave, if any. */
  reason?: string;
}

export interface AuditEntry extends NewAuditEntry {
  id: number;
}

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
}

/** Slack refused a delivery's channel (not just the message). */
export interface ChannelRefusal {
  channelId: string;
  reason: string;
  at: number;
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

export interface WebhookRegistration {
  /** CII's id of the registration. */
  id: string;
  name: string;
  endpoint: string;
  checkIds: string[];
  createdAt: number;
}

/** Alerts and their decisions. */
export interface AlertStore {
  /** Records a webhook delivery in one transaction: seen envelope, new alerts, their deliveries. */
  recordFinding(record: FindingRecord): Promise<RecordFindingResult>;
  getAlert(id: string): Promise<StoredAlert | undefined>;
  /** Fills in what enrichment found; leaves fields it did not find untouched. */
  updateAlertEnrichment(id: string, enrichment: AlertEnrichment): Promise<void>;
  /**
   * Alerts with a posted card but no user context yet (CII did not answer in time), created at or after
   * `createdSince`, oldest first: the cards to complete once CII answers again.
   */
  listAlertsAwaitingContext(filter: { createdSince: number; limit: number }): Promise<StoredAlert[]>;
  /** The alerts about one user (login compared case-insensitively), newest first. */
  listAlertsOfLogin(filter: { login: string; limit: number }): Promise<StoredAlert[]>;
  /** Compare-and-set of an alert's decision: of concurrent moves from the same state, exactly one happens. */
  transitionAlert(id: string, transition: AlertTransition): Promise<TransitionResult>;
  /** The alerts of one finding (one per user), oldest first. */
  listFindingAlerts(findingId: string): Promise<StoredAlert[]>;
  /** Every provider result of an alert, oldest first. */
  listAlertActions(alertId: string): Promise<AlertActionResult[]>;
  /** Extends the lease `owner` holds on an action under way; false when the action is not its own any more. */
  renewActionLease(alertId: string, lease: ActionLease): Promise<boolean>;
  /**
   * Takes over, under a new lease, actions `in_progress` whose lease expired (the replica acting died), oldest
   * first; each is a compare-and-set, so of concurrent claimers exactly one gets an action.
   */
  claimInterruptedActions(options: {
    now: number;
    owner: string;
    leaseMs: number;
    limit: number;
  }): Promise<StoredAlert[]>;
}

/** The journal of provider calls, per attempt of an action. */
export interface ActionStepStore {
  /** Writes the intent to act on each account; an account this attempt already journalled keeps its row. */
  planActionSteps(
    attempt: { alertId: string; attempt: number; operation: ResponseAction; actor: string; at: number },
    accounts: ReadonlyArray<{ provider: string; providerUserId: string }>,
  ): Promise<void>;
  /** Records what the call on one account did (only an `intent` row changes). */
  finishActionStep(
    key: ActionStepKey,
    outcome: { ok: boolean; steps: string[]; error?: string; at: number },
  ): Promise<void>;
  /** The rows of one attempt, in the order they were planned. */
  listActionSteps(alertId: string, attempt: number): Promise<ActionStep[]>;
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
   * fallback channel) it fails instead.
   */
  waitForRepair(id: number, refusal: ChannelRefusal): Promise<'waiting' | 'failed'>;
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
   * Clears the broken mark of every subscription of the channel, releasing the cards that waited for it; how many
   * subscriptions were broken and how many findings waited.
   */
  repairChannel(channelId: string): Promise<{ repaired: number; waitingFindings: number }>;
  /** Channels with a broken subscription, oldest refusal first. */
  brokenChannels(): Promise<BrokenChannel[]>;
}

export interface AuditStore {
  recordAudit(entry: NewAuditEntry): Promise<void>;
  /** Newest first; `login` matches the alert's user case-insensitively. */
  listAudit(filter: { login?: string; limit: number }): Promise<AuditEntry[]>;
}

/** The app's own settings: CII webhook registrations and small key/value state. */
export interface SettingsStore {
  saveRegistration(registration: WebhookRegistration): Promise<void>;
  listRegistrations(): Promise<WebhookRegistration[]>;
  deleteRegistration(id: string): Promise<boolean>;
  getState(key: string): Promise<string | undefined>;
  setState(key: string, value: string): Promise<void>;
}

export interface OperationalStats {
  alertsByState: Record<AlertState, number>;
  pendingDeliveries: number;
  /** When the oldest pending delivery was created (epoch ms); undefined when none is pending. */
  oldestPendingAt?: number;
  brokenSubscriptions: number;
  /** Pending cards of channels with a broken subscription: they wait for its repair. */
  waitingForRepair: number;
}

/** Rows one prune batch removed, per kind. */
export interface PruneResult {
  /** Alerts, each with its cards (deliveries) and provider results. */
  alerts: number;
  /** Summary cards whose thread's alerts were pruned. */
  summaries: number;
  seenEvents: number;
  audit: number;
  /** Pacing gates of channels with no card waiting. */
  idleChannels: number;
}

export interface PruneOptions {
  now: number;
  /** Alerts, their cards and seen webhook ids older than this go. */
  before: number;
  auditBefore: number;
  /** Rows of each kind at most. */
  limit: number;
}

/** What operating the app needs: figures for metrics, leases released on shutdown, retention. */
export interface MaintenanceStore {
  operationalStats(): Promise<OperationalStats>;
  /** Ends the leases `owner` holds on pending deliveries, so another replica can claim them at once. */
  releaseLeases(owner: string): Promise<number>;
  /**
   * Removes at most `limit` rows of each kind from before `before`: alerts not in progress with no card left to
   * post (with their cards and provider results), then summary cards with no thread left, seen webhook ids;
   * audit entries from before `auditBefore`.
   */
  pruneBatch(options: PruneOptions): Promise<PruneResult>;
}

/** Signatures of the Slack requests already served, shared by every replica, so a replayed request is refused. */
export interface RequestSignatureStore {
  /**
   * Records signatures seen `at`, forgetting those seen before `forgetBefore`; answers those that were new (a
   * signature given twice is new once at most).
   */
  rememberSignatures(signatures: readonly string[], at: number, forgetBefore: number): Promise<Set<string>>;
}

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

/** A check muted for one user until a time: findings of it about them are kept and counted, not posted. */
export interface Mute {
  id: number;
  checkId: string;
  /** As the alert spelled it; compared case-insensitively. */
  login: string;
  /** The check's title and the user's name when muted, for people. */
  title: string;
  displayName?: string;
  /** The alert whose card it was muted from: its threads hear of the mute and of its end. */
  alertId?: string;
  channelId?: string;
  createdBy: string;
  createdAt: number;
  /** The mute ends at this time by itself. */
  expiresAt: number;
  reason?: string;
  liftedBy?: string;
  liftedAt?: number;
}

export type NewMute = Omit<Mute, 'id' | 'liftedBy' | 'liftedAt'>;

/** Mutes of one check for one user. At most one is active (not lifted, not expired) per check and user. */
export interface MuteStore {
  /**
   * Adds the mute unless one of the check for the user is active at `createdAt` (then returns that one). A new
   * mute withdraws the cards of the check for the user still waiting to be posted (`withdrawn`: how many), with
   * any summary card left with nothing to thread, and counts their alerts as muted when no card of them is posted.
   */
  addMute(mute: NewMute): Promise<{ created: boolean; mute: Mute; withdrawn: number }>;
  getMute(id: number): Promise<Mute | undefined>;
  /** Active at `now`, soonest to end first; only those of `checkId` when given. */
  listActiveMutes(filter: { now: number; checkId?: string }): Promise<Mute[]>;
  /** Ends an active mute (compare-and-set): undefined when it was already lifted or had expired at `at`. */
  liftMute(id: number, lift: { by: string; at: number }): Promise<Mute | undefined>;
}

/** The whole store, as opened; consumers take only the part (or the methods) they use. */
export interface Store
  extends
    AlertStore,
    OutboxStore,
    SubscriptionStore,
    AuditStore,
    SettingsStore,
    MaintenanceStore,
    RequestSignatureStore,
    AccountingStore,
    VerificationStore,
    MuteStore,
    ActionStepStore {
  /** Highest applied migration version. */
  schemaVersion(): Promise<number>;
  /** Brings the planner's statistics up to date (cheap when little changed); run at start and periodically. */
  refreshStatistics(): Promise<void>;
  close(): Promise<void>;
}

/** Reads the outbox as it is; for tests and benchmarks only, never for the app's own work. */
export interface DeliveryInspection {
  getDelivery(id: number): Promise<Delivery | undefined>;
  listDeliveries(filter?: { findingId?: string; channelId?: string; state?: DeliveryState }): Promise<Delivery[]>;
}

/** What the backends open: the store and, for tests and benchmarks, its outbox as it is. */
export type InspectableStore = Store & DeliveryInspection;
