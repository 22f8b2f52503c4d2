import { withMutes } from './mutes.ts';
import { text, toAlert, toAlertAction } from './rows.ts';
import {
  changesOf,
  type Dialect,
  type Executor,
  IN_SHARED_COMMIT,
  IN_TRANSACTION,
  rowsOf,
  type SqlValue,
  type Steps,
} from './steps.ts';
import type {
  AlertStore,
  AlertTransition,
  FindingRecord,
  NewAlert,
  RecordFindingResult,
  StoredAlert,
} from './types.ts';

const ALERT_COLUMNS = `id, finding_id, envelope_id, check_id, title, severity, severity_label, login, display_name,
  reference_url, description, recommended_actions, published, created_at, routing, verify_state, trust_level, context,
  details`;
const DELIVERY_COLUMNS = `kind, alert_id, finding_id, channel_id, subscription_id, parent_id, next_attempt_at, created_at,
  updated_at`;
/**
 * Rows per INSERT. PostgreSQL: many, one round trip for a webhook's rows, far below its parameter limit. SQLite (no
 * round trips): one, as a 50-row statement costs SQLite half again the CPU of 50 runs of a prepared one-row one.
 */
const ROWS_PER_INSERT = { sqlite: 1, postgres: 100 } as const;

const valuesLists = new Map<string, string>();

/** `($1, …, $n), ($n+1, …)`: `rows` tuples of `width` parameters (built once per shape: a 50-user finding has 950). */
function valuesList(rows: number, width: number): string {
  const key = `${rows}x${width}`;
  let list = valuesLists.get(key);
  if (list === undefined) {
    list = Array.from(
      { length: rows },
      (_, r) => `(${Array.from({ length: width }, (_, c) => `$${r * width + c + 1}`).join(', ')})`,
    ).join(', ');
    valuesLists.set(key, list);
  }
  return list;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function alertValues(alert: NewAlert, createdAt: number): SqlValue[] {
  return [
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
    // An alert whose user is asked "was this you?" waits for the question to go out.
    alert.verify ? 'pending' : null,
    alert.trustLevel ?? null,
    alert.context ? JSON.stringify(alert.context) : null,
    alert.details ? JSON.stringify(alert.details) : null,
  ];
}

/** Inserts the alerts; returns those created (a login the finding already has, in any letter case, is skipped). */
function* insertAlerts(dialect: Dialect, alerts: readonly NewAlert[], createdAt: number): Steps<NewAlert[]> {
  const insert = (rows: number) =>
    `INSERT INTO alerts (${ALERT_COLUMNS}) VALUES ${valuesList(rows, 19)} ON CONFLICT DO NOTHING`;
  if (ROWS_PER_INSERT[dialect] === 1) {
    const one = insert(1);
    const created: NewAlert[] = [];
    for (const alert of alerts) {
      if ((yield* changesOf(one, alertValues(alert, createdAt))) > 0) created.push(alert);
    }
    return created;
  }
  const createdIds = new Set<string>();
  for (const chunk of chunks(alerts, ROWS_PER_INSERT[dialect])) {
    const rows = yield* rowsOf(
      `${insert(chunk.length)} RETURNING id`,
      chunk.flatMap((a) => alertValues(a, createdAt)),
    );
    for (const row of rows) createdIds.add(text(row.id));
  }
  return alerts.filter((a) => createdIds.has(a.id));
}

interface DeliveryRow {
  kind: 'alert' | 'summary';
  alertId: string | null;
  channelId: string;
  subscriptionId?: number;
  parentId: number | null;
}

function deliveryValues(record: FindingRecord, d: DeliveryRow): SqlValue[] {
  const at = record.receivedAt;
  return [d.kind, d.alertId, record.findingId, d.channelId, d.subscriptionId ?? null, d.parentId, at, at, at];
}

function* insertDeliveries(dialect: Dialect, record: FindingRecord, deliveries: readonly DeliveryRow[]): Steps<number> {
  let inserted = 0;
  for (const chunk of chunks(deliveries, ROWS_PER_INSERT[dialect])) {
    inserted += yield* changesOf(
      `INSERT INTO deliveries (${DELIVERY_COLUMNS}) VALUES ${valuesList(chunk.length, 9)}`,
      chunk.flatMap((d) => deliveryValues(record, d)),
    );
  }
  return inserted;
}

/**
 * One webhook's writes in one transaction (on PostgreSQL in a handful of statements whatever its size): the event
 * id, its alerts, each channel's summary card (its id is its thread's parent), then every other card.
 */
function* recordFinding(dialect: Dialect, record: FindingRecord): Steps<RecordFindingResult> {
  const fresh = yield* changesOf(
    'INSERT INTO seen_events (id, received_at) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING',
    [record.envelopeId, record.receivedAt],
  );
  if (fresh === 0) return { duplicate: true, alertsCreated: [], deliveriesCreated: 0 };
  const alerts = yield* withMutes(dialect, record.alerts, record.receivedAt);
  const created = yield* insertAlerts(dialect, alerts, record.receivedAt);
  const cards: DeliveryRow[] = [];
  let summaries = 0;
  for (const planned of record.planDeliveries(created)) {
    const route = { channelId: planned.channelId, subscriptionId: planned.subscriptionId };
    if (planned.kind === 'alert') {
      cards.push({ ...route, kind: 'alert', alertId: planned.alertId, parentId: null });
      continue;
    }
    const summary: DeliveryRow = { ...route, kind: 'summary', alertId: null, parentId: null };
    const [row] = yield* rowsOf(
      `INSERT INTO deliveries (${DELIVERY_COLUMNS}) VALUES ${valuesList(1, 9)} RETURNING id`,
      deliveryValues(record, summary),
    );
    summaries += 1;
    for (const alertId of planned.childAlertIds) {
      cards.push({ ...route, kind: 'alert', alertId, parentId: Number(row!.id) });
    }
  }
  const deliveriesCreated = summaries + (yield* insertDeliveries(dialect, record, cards));
  return { duplicate: false, alertsCreated: created, deliveriesCreated };
}

function* getAlert(id: string) {
  const [row] = yield* rowsOf('SELECT * FROM alerts WHERE id = $1', [id]);
  return row ? toAlert(row) : undefined;
}

function* transitionAlert(id: string, t: AlertTransition) {
  const states = t.from.map((_, i) => `$${i + 10}`).join(', ');
  // PostgreSQL, under READ COMMITTED, re-checks the WHERE clause of a concurrent UPDATE once the row lock is
  // released; SQLite runs one write transaction at a time. Either way one move wins.
  const [moved] = yield* rowsOf(
    `UPDATE alerts SET state = $1, decided_by = $2, decided_at = $3,
      decision_action = COALESCE($4, decision_action), decision_error = $5, decision_reason = $6,
      lease_owner = $8, lease_until = $9, version = version + 1
    WHERE id = $7 AND state IN (${states}) RETURNING *`,
    [
      t.to,
      t.actor,
      t.at,
      t.action ?? null,
      t.error ?? null,
      t.reason ?? null,
      id,
      t.lease?.owner ?? null,
      t.lease?.until ?? null,
      ...t.from,
    ],
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

/**
 * When an action under way counts as abandoned: its lease ran out, or, for an action started by a replica from
 * before leases (none recorded), ten minutes after it started, as such replicas assumed.
 */
const LEASE_EXPIRED = `state = 'in_progress' AND COALESCE(lease_until, decided_at + 600000) < $1`;

function* claimInterruptedActions(options: {
  now: number;
  owner: string;
  leaseMs: number;
  limit: number;
}): Steps<StoredAlert[]> {
  const candidates = yield* rowsOf(`SELECT id FROM alerts WHERE ${LEASE_EXPIRED} ORDER BY decided_at, id LIMIT $2`, [
    options.now,
    options.limit,
  ]);
  const claimed: StoredAlert[] = [];
  for (const { id } of candidates) {
    // One row each, re-checked under its row lock (PostgreSQL) or the single writer (SQLite): one claimer wins.
    const [row] = yield* rowsOf(
      `UPDATE alerts SET lease_owner = $2, lease_until = $3 WHERE id = $4 AND ${LEASE_EXPIRED} RETURNING *`,
      [options.now, options.owner, options.now + options.leaseMs, String(id)],
    );
    if (row) claimed.push(toAlert(row));
  }
  return claimed;
}

export function alertStore(db: Executor, dialect: Dialect): AlertStore {
  return {
    recordFinding: (record) => db.run(recordFinding(dialect, record), IN_SHARED_COMMIT),
    getAlert: (id) => db.run(getAlert(id)),
    updateAlertEnrichment: async (id, e) => {
      await db.run(
        changesOf(
          `UPDATE alerts SET display_name = COALESCE($1, display_name), reference_url = COALESCE($2, reference_url),
          user_context = COALESCE($3, user_context), user_context_at = COALESCE($4, user_context_at) WHERE id = $5`,
          [
            e.displayName ?? null,
            e.referenceUrl ?? null,
            e.userContext ? JSON.stringify(e.userContext.value) : null,
            e.userContext?.fetchedAt ?? null,
            id,
          ],
        ),
      );
    },
    listAlertsAwaitingContext: async ({ createdSince, limit }) =>
      (
        await db.run(
          rowsOf(
            `SELECT * FROM alerts a WHERE a.user_context IS NULL AND a.created_at >= $1
            AND EXISTS (SELECT 1 FROM deliveries d WHERE d.alert_id = a.id AND d.state = 'sent')
            ORDER BY a.created_at, a.id LIMIT $2`,
            [createdSince, limit],
          ),
        )
      ).map(toAlert),
    listAlertsOfLogin: async ({ login, limit }) =>
      (
        await db.run(
          rowsOf('SELECT * FROM alerts WHERE lower(login) = lower($1) ORDER BY created_at DESC, id LIMIT $2', [
            login,
            limit,
          ]),
        )
      ).map(toAlert),
    transitionAlert: (id, transition) => db.run(transitionAlert(id, transition), IN_TRANSACTION),
    listFindingAlerts: async (findingId) =>
      (await db.run(rowsOf('SELECT * FROM alerts WHERE finding_id = $1 ORDER BY created_at, id', [findingId]))).map(
        toAlert,
      ),
    listAlertActions: async (alertId) =>
      (await db.run(rowsOf('SELECT * FROM alert_actions WHERE alert_id = $1 ORDER BY id', [alertId]))).map(
        toAlertAction,
      ),
    renewActionLease: async (alertId, lease) =>
      (await db.run(
        changesOf(`UPDATE alerts SET lease_until = $1 WHERE id = $2 AND state = 'in_progress' AND lease_owner = $3`, [
          lease.until,
          alertId,
          lease.owner,
        ]),
      )) > 0,
    claimInterruptedActions: (options) => db.run(claimInterruptedActions(options)),
  };
}
