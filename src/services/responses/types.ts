import type { AlertState, NewAlertActionResult, ResponseAction, StoredAlert } from '../../store/types.ts';

/** An alert and the provider results of its decision, as the cards show them. */
export type { NewAlertActionResult, StoredAlert };

/** Who clicked, where: every click is audited with it. */
export interface Actor {
  userId: string;
  userName?: string;
  teamId?: string;
  channelId?: string;
  /** The ts of the message whose button was clicked: the click counts only on a stored copy of the alert's card. */
  messageTs?: string;
}

/** What one block or unblock did at one provider account, for people. */
export interface ProviderOutcome {
  /** CII's provider name (`DUO`, `OKTA`, `AZURE_AD`). */
  provider: string;
  /** `Duo`, `Okta`, `Entra ID`. */
  label: string;
  providerUserId: string;
  ok: boolean;
  steps: string[];
  error?: string;
}

export type RefusalReason =
  /** The click did not come from a posted copy of the alert's card (channel and message). */
  | 'not_a_card'
  /** Not listed in CII_RESPONDERS (directly or through a user group). */
  | 'not_responder'
  /** The alert is about the clicker's own account. */
  | 'self'
  /** The clicker's Slack email could not be read, so the self check could not be made. */
  | 'unverified'
  /** CII could not be asked for the alert user's other logins and addresses, so the self check could not be made. */
  | 'identity_unchecked'
  /** Block needs at least one identity provider configured. */
  | 'no_providers';

export type ResponseOutcome =
  | { kind: 'not_found' }
  /** The check before a modal: this responder may take this decision on the alert as it is now. */
  | { kind: 'allowed'; alert: StoredAlert }
  /** `detail`: why the check could not be made, for people (`identity_unchecked`). */
  | { kind: 'refused'; reason: RefusalReason; detail?: string }
  /** Someone else's move came first: the alert as it is now. */
  | { kind: 'already'; alert: StoredAlert }
  | { kind: 'approved' | 'reopened'; alert: StoredAlert }
  | { kind: 'blocked' | 'unblocked'; alert: StoredAlert; results: ProviderOutcome[] }
  | { kind: 'failed'; alert: StoredAlert; action: ResponseAction; error?: string; results: ProviderOutcome[] };

/** One provider account Block will act on. */
export interface BlockTarget {
  provider: string;
  label: string;
  providerUserId: string;
  /** The account's login at the provider, and its status there as CII last saw it. */
  login: string;
  status: string;
  /** What Block does there, e.g. "account disabled, sign-in sessions revoked". */
  effect: string;
}

/** A configured provider, or an account CII lists, that Block leaves alone. */
export interface UntouchedAccount {
  label: string;
  why: 'no_account' | 'not_configured';
  providerUserId?: string;
}

/** What Block would do for an alert's user, shown before anything happens. */
export interface BlockPreview {
  login: string;
  displayName?: string;
  targets: BlockTarget[];
  untouched: UntouchedAccount[];
  groupNames: string[];
  /** CII's user type (`SERVICE_ACCOUNT`, `SHARED_MAILBOX`, …) when it is not a person's own account. */
  nonPersonType?: string;
  /** CII could not be read: nothing is known of the accounts yet (Block reads them again when submitted). */
  error?: string;
}

export type PreviewOutcome =
  Exclude<ResponseOutcome, { kind: 'allowed' }> | { kind: 'preview'; alert: StoredAlert; preview: BlockPreview };

/** What Approve all open did for the open alerts of one finding. */
export type ApproveAllOutcome =
  | { kind: 'refused'; reason: RefusalReason }
  | { kind: 'not_found' }
  | {
      kind: 'approved_all';
      approved: StoredAlert[];
      /** Left open: alerts about the clicker's own account (or that CII could not confirm are not). */
      own: number;
      /** Already decided (or decided by someone else meanwhile). */
      decided: number;
    };

/** What the responder wrote when deciding. */
export interface DecisionOptions {
  reason?: string;
}

/** What a finished block or unblock did, for the reply under each card. */
export interface ResponseReport {
  action: ResponseAction;
  state: Extract<AlertState, 'blocked' | 'unblocked' | 'failed'>;
  actor: string;
  at: number;
  /** A failure before any provider was called (e.g. CII unreachable). */
  error?: string;
  /** This attempt's results; a retry lists only what it redid. */
  results: ProviderOutcome[];
}

/** The posted cards of an alert, implemented over Slack; errors are logged there, never thrown. */
export interface AlertCards {
  /**
   * Re-renders every posted copy from what the caller holds: the alert as it is now and every provider result
   * it has (none are shown while it is open, approved or in progress).
   */
  show(alert: StoredAlert, actions: readonly NewAlertActionResult[]): Promise<void>;
  /** `show`, then the report in the thread of every posted copy. */
  report(alert: StoredAlert, actions: readonly NewAlertActionResult[], report: ResponseReport): Promise<void>;
  /** Recovery paths, which hold nothing: re-reads the alert and its results from the store, then `show`. */
  refresh(alertId: string): Promise<void>;
}

/** `mute` is only ever checked (any state may be muted): the mute service does the rest. */
export type DecisionVerb = 'approve' | 'block' | 'reopen' | 'retry' | 'unblock' | 'mute';

export interface ResponseService {
  /**
   * Whether this actor may take this decision on the alert as it is now (refusals are audited), without acting:
   * asked before a modal opens, so nobody fills one in to be refused.
   */
  check(verb: DecisionVerb, alertId: string, actor: Actor): Promise<ResponseOutcome>;
  /** What Block would do (accounts acted on and how, accounts left alone and why), after the same check. */
  previewBlock(alertId: string, actor: Actor): Promise<PreviewOutcome>;
  approve(alertId: string, actor: Actor, options?: DecisionOptions): Promise<ResponseOutcome>;
  /** Whether the actor may approve the finding's open alerts, and how many are open (asked before the modal). */
  checkApproveAll(
    findingId: string,
    actor: Actor,
  ): Promise<
    { kind: 'refused'; reason: RefusalReason } | { kind: 'not_found' } | { kind: 'open'; title: string; open: number }
  >;
  /** Approves every open alert of a finding, except those about the actor's own account. */
  approveAllOpen(findingId: string, actor: Actor, options?: DecisionOptions): Promise<ApproveAllOutcome>;
  /** Takes an approved alert back to open, with Approve and Block offered again. */
  reopen(alertId: string, actor: Actor): Promise<ResponseOutcome>;
  block(alertId: string, actor: Actor, options?: DecisionOptions): Promise<ResponseOutcome>;
  /**
   * Block or Approve on the alert's user's own answer to "was this you?" (CII_VERIFY_ON_DENY=block,
   * CII_VERIFY_ON_CONFIRM=approve): the same exactly-once moves, card updates and audit as a responder's click,
   * recorded as the user's decision; no responder check.
   */
  blockOnUserReport(alertId: string, reporter: Actor): Promise<ResponseOutcome>;
  approveOnUserReport(alertId: string, reporter: Actor): Promise<ResponseOutcome>;
  /** Redoes only what failed in the last block or unblock. */
  retry(alertId: string, actor: Actor): Promise<ResponseOutcome>;
  /** Reverses each provider action of the block that succeeded (of a partial block too). */
  unblock(alertId: string, actor: Actor): Promise<ResponseOutcome>;
  /**
   * Takes over the actions whose replica died (their lease ran out) and finishes them: what the journal shows
   * done is kept, every other account is read and acted on only if not done; cards updated, audited. Returns how
   * many were finished.
   */
  recoverInterrupted(): Promise<number>;
}
