// The store's contract, one module per part (every time in it is epoch milliseconds); consumers import it from
// here, and take only the part (or the methods) they use.
import type { AccountingStore } from './types/accounting.ts';
import type { ActionStepStore, AlertStore } from './types/alert-store.ts';
import type { MuteStore } from './types/mutes.ts';
import type { AuditStore, MaintenanceStore, RequestSignatureStore, SettingsStore } from './types/operations.ts';
import type { DeliveryInspection, OutboxStore, SubscriptionStore } from './types/outbox.ts';
import type { VerificationStore } from './types/verification.ts';

export type * from './types/accounting.ts';
export type * from './types/alert.ts';
export type * from './types/alert-store.ts';
export type * from './types/mutes.ts';
export type * from './types/operations.ts';
export type * from './types/outbox.ts';
export type * from './types/verification.ts';

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

/** What the backends open: the store and, for tests and benchmarks, its outbox as it is. */
export type InspectableStore = Store & DeliveryInspection;
