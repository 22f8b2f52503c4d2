import type {
  ActionLease,
  AlertActionResult,
  AlertEnrichment,
  AlertTransition,
  ResponseAction,
  StoredAlert,
  TransitionResult,
} from './alert.ts';
import type { FindingRecord, RecordFindingResult } from './outbox.ts';

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

/** Alerts and their decisions. */
export interface AlertStore {
  /**
   * Records a webhook delivery in one transaction: seen envelope, new alerts, their deliveries. An alert whose
   * check is muted for its user at `receivedAt` is stored muted whatever it says, and `planDeliveries` sees it so.
   */
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
