import { accountingStore } from './accounting.ts';
import { actionStepStore } from './action-steps.ts';
import { alertStore } from './alerts.ts';
import { auditStore } from './audit.ts';
import { deliveryInspection } from './inspection.ts';
import { maintenanceStore } from './maintenance.ts';
import { muteStore } from './mutes.ts';
import { outboxStore } from './outbox.ts';
import { requestSignatureStore } from './request-signatures.ts';
import { settingsStore } from './settings.ts';
import { refreshStatistics } from './statistics.ts';
import { type Dialect, type Executor, rowsOf } from './steps.ts';
import { subscriptionStore } from './subscriptions.ts';
import { verificationStore } from './verifications.ts';
import type { InspectableStore } from './types.ts';

/** The whole store over one backend's executor; the backend adds only how to close it. */
export function storeOn(db: Executor, dialect: Dialect, close: () => Promise<void>): InspectableStore {
  return {
    ...alertStore(db, dialect),
    ...outboxStore(db, dialect),
    ...subscriptionStore(db),
    ...auditStore(db),
    ...settingsStore(db),
    ...requestSignatureStore(db),
    ...accountingStore(db, dialect),
    ...verificationStore(db),
    ...muteStore(db, dialect),
    ...actionStepStore(db),
    ...deliveryInspection(db),
    ...maintenanceStore(db, dialect),
    schemaVersion: async () => {
      const [row] = await db.run(rowsOf('SELECT MAX(version) AS version FROM schema_migrations'));
      return Number(row?.version ?? 0);
    },
    refreshStatistics: () => db.run(refreshStatistics(dialect)),
    close,
  };
}
