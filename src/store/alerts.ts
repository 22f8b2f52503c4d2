import { toAlert, toAlertAction } from './rows.ts';
import { changesOf, type Executor, IN_TRANSACTION, rowsOf, type Steps } from './steps.ts';
import type { AlertStore, AlertTransition, FindingRecord, NewAlert, RecordFindingResult } from './types.ts';

const INSERT_ALERT = `INSERT INTO alerts (id, finding_id, envelope_id, check_id, title, severity, severity_label,
    login, display_name, reference_url, description, recommended_actions, published, created_at, routing)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) ON CONFLICT DO NOTHING`;
const INSERT_DELIVERY = `INSERT INTO deliveries (kind, alert_id, finding_id, channel_id, subscription_id, parent_id,
    next_attempt_at, created_at, updated_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $7) RETURNING id`;

function* insertAlert(alert: NewAlert, createdAt: number): Steps<boolean> {
  const inserted = yield* changesOf(INSERT_ALERT, [
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
    alert.routing ?? 'routed',
  ]);
  return inserted > 0;
}

function* recordFinding(record: FindingRecord): Steps<RecordFindingResult> {
  const fresh = yield* changesOf(
    'INSERT INTO seen_events (id, received_at) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING',
    [record.envelopeId, record.receivedAt],
  );
  if (fresh === 0) return { duplicate: true, alertsCreated: [], deliveriesCreated: 0 };
  const created: NewAlert[] = [];
  for (const alert of record.alerts) {
    if (!(yield* insertAlert(alert, record.receivedAt))) continue;
    created.push(alert);
    if (alert.verify) yield* changesOf("UPDATE alerts SET verify_state = 'pending' WHERE id = $1", [alert.id]);
  }
  function* insertDelivery(
    kind: 'alert' | 'summary',
    alertId: string | null,
    planned: { channelId: string; subscriptionId?: number },
    parentId: number | null,
  ): Steps<number> {
    const [row] = yield* rowsOf(INSERT_DELIVERY, [
      kind,
      alertId,
      record.findingId,
      planned.channelId,
      planned.subscriptionId ?? null,
      parentId,
      record.receivedAt,
    ]);
    return Number(row!.id);
  }
  let deliveriesCreated = 0;
  for (const planned of record.planDeliveries(created)) {
    if (planned.kind === 'alert') {
      yield* insertDelivery('alert', planned.alertId, planned, null);
      deliveriesCreated += 1;
      continue;
    }
    const parentId = yield* insertDelivery('summary', null, planned, null);
    for (const alertId of planned.childAlertIds) yield* insertDelivery('alert', alertId, planned, parentId);
    deliveriesCreated += 1 + planned.childAlertIds.length;
  }
  return { duplicate: false, alertsCreated: created, deliveriesCreated };
}

function* getAlert(id: string) {
  const [row] = yield* rowsOf('SELECT * FROM alerts WHERE id = $1', [id]);
  return row ? toAlert(row) : undefined;
}

function* transitionAlert(id: string, t: AlertTransition) {
  const states = t.from.map((_, i) => `$${i + 7}`).join(', ');
  // PostgreSQL, under READ COMMITTED, re-checks the WHERE clause of a concurrent UPDATE once the row lock is
  // released; SQLite runs one write transaction at a time. Either way one move wins.
  const [moved] = yield* rowsOf(
    `UPDATE alerts SET state = $1, decided_by = $2, decided_at = $3,
      decision_action = COALESCE($4, decision_action), decision_error = $5, version = version + 1
    WHERE id = $6 AND state IN (${states}) RETURNING *`,
    [t.to, t.actor, t.at, t.action ?? null, t.error ?? null, id, ...t.from],
  );
  if (!moved) return { moved: false as const, alert: yield* getAlert(id) };
  for (const r of t.results ?? []) {
    yield* changesOf(
      `INSERT INTO alert_actions (alert_id, action, provider, provider_user_id, ok, steps, error, actor, at)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        id,
        r.action,
        r.provider,
        r.providerUserId,
        r.ok ? 1 : 0,
        JSON.stringify(r.steps),
        r.error ?? null,
        r.actor,
        r.at,
      ],
    );
  }
  return { moved: true as const, alert: toAlert(moved) };
}

export function alertStore(db: Executor): AlertStore {
  return {
    recordFinding: (record) => db.run(recordFinding(record), IN_TRANSACTION),
    getAlert: (id) => db.run(getAlert(id)),
    updateAlertEnrichment: async (id, e) => {
      await db.run(
        changesOf(
          `UPDATE alerts SET display_name = COALESCE($1, display_name),
          reference_url = COALESCE($2, reference_url) WHERE id = $3`,
          [e.displayName ?? null, e.referenceUrl ?? null, id],
        ),
      );
    },
    transitionAlert: (id, transition) => db.run(transitionAlert(id, transition), IN_TRANSACTION),
    listAlertActions: async (alertId) =>
      (await db.run(rowsOf('SELECT * FROM alert_actions WHERE alert_id = $1 ORDER BY id', [alertId]))).map(
        toAlertAction,
      ),
    listStuckAlerts: async (before) =>
      (
        await db.run(
          rowsOf("SELECT * FROM alerts WHERE state = 'in_progress' AND decided_at < $1 ORDER BY decided_at", [before]),
        )
      ).map(toAlert),
  };
}
