import type { AlertState } from './alert.ts';

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

export interface WebhookRegistration {
  /** CII's id of the registration. */
  id: string;
  name: string;
  endpoint: string;
  checkIds: string[];
  createdAt: number;
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
