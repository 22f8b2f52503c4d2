import type { FindingRecord, NewAlert, RecordFindingResult } from './types.ts';
import type { Statement } from './statement.ts';

const INSERT_SEEN = 'INSERT INTO seen_events (id, received_at) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING';
const INSERT_ALERT = `INSERT INTO alerts (id, finding_id, envelope_id, check_id, title, severity, severity_label,
    login, display_name, reference_url, description, recommended_actions, published, created_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) ON CONFLICT (finding_id, login) DO NOTHING`;
const INSERT_DELIVERY = `INSERT INTO deliveries (kind, alert_id, finding_id, channel_id, subscription_id, parent_id,
    next_attempt_at, created_at, updated_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $7) RETURNING id`;

const alertParams = (alert: NewAlert, createdAt: number) => [
  alert.id,
  alert.findingId,
  alert.envelopeId,
  alert.checkId,
  alert.title,
  alert.severity,
  alert.severityLabel,
  alert.login,
  alert.displayName ?? null,
  alert.referenceUrl ?? null,
  JSON.stringify(alert.description),
  JSON.stringify(alert.recommendedActions),
  alert.published,
  createdAt,
];

/**
 * `Store.recordFinding` for both backends, to run inside one transaction: yields each statement and takes
 * back its result (rows written, or the new row's id). SQLite drives it synchronously, PostgreSQL awaits
 * each statement.
 */
export function* recordFindingSteps(record: FindingRecord): Generator<Statement, RecordFindingResult, number> {
  const fresh = yield { sql: INSERT_SEEN, params: [record.envelopeId, record.receivedAt], result: 'changes' };
  if (fresh === 0) return { duplicate: true, alertsCreated: [], deliveriesCreated: 0 };
  const created: NewAlert[] = [];
  for (const alert of record.alerts) {
    const inserted = yield { sql: INSERT_ALERT, params: alertParams(alert, record.receivedAt), result: 'changes' };
    if (inserted > 0) created.push(alert);
  }
  let deliveriesCreated = 0;
  const insertDelivery = (
    kind: 'alert' | 'summary',
    alertId: string | null,
    planned: { channelId: string; subscriptionId?: number },
    parentId: number | null,
  ): Statement => ({
    sql: INSERT_DELIVERY,
    params: [
      kind,
      alertId,
      record.findingId,
      planned.channelId,
      planned.subscriptionId ?? null,
      parentId,
      record.receivedAt,
    ],
    result: 'id',
  });
  for (const planned of record.planDeliveries(created)) {
    if (planned.kind === 'alert') {
      yield insertDelivery('alert', planned.alertId, planned, null);
      deliveriesCreated += 1;
      continue;
    }
    const parentId = yield insertDelivery('summary', null, planned, null);
    for (const alertId of planned.childAlertIds) yield insertDelivery('alert', alertId, planned, parentId);
    deliveriesCreated += 1 + planned.childAlertIds.length;
  }
  return { duplicate: false, alertsCreated: created, deliveriesCreated };
}
