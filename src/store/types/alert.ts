import type { FindingContext, Severity } from '../../alerts/finding.ts';

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
