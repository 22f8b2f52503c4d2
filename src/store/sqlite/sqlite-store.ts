import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import type { Logger } from '../../logger.ts';
import { claimCandidatesSql } from '../claim-sql.ts';
import {
  joinCheckIds,
  toAlert,
  toClaimedSummary,
  toAlertAction,
  toAuditEntry,
  toDelivery,
  toRegistration,
  toSubscription,
} from '../rows.ts';
import type {
  AlertTransition,
  ClaimedDelivery,
  Delivery,
  DeliveryState,
  FindingRecord,
  RecordFindingResult,
  InspectableStore,
  TransitionResult,
} from '../types.ts';
import { migrations } from '../migrations.ts';
import { recordFindingSteps } from '../record-finding.ts';
import { sqlitePlaceholders, type Statement } from '../statement.ts';

type Row = Record<string, unknown>;

const CLAIM_CANDIDATES = claimCandidatesSql({ now: ':now', limit: ':limit' });

function applyMigrations(db: DatabaseSync, logger: Logger): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`);
  for (const migration of migrations('sqlite')) {
    db.exec('BEGIN IMMEDIATE');
    try {
      // Checked inside the write lock: another process may have just applied it.
      const done = db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?').get(migration.version);
      if (!done) {
        db.exec(migration.sql);
        db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
          migration.version,
          migration.name,
          Date.now(),
        );
        logger.info('applied migration', { version: migration.version, migration: migration.name });
      }
      db.exec('COMMIT');
    } catch (err) {
      db.exec('ROLLBACK');
      throw err;
    }
  }
}

/** A store in one SQLite file (`:memory:` for a private in-memory database). */
export function openSqliteStore(path: string, options: { logger: Logger }): InspectableStore {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new DatabaseSync(path, { timeout: 5000 });
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = NORMAL');
  db.exec('PRAGMA foreign_keys = ON');
  applyMigrations(db, options.logger);

  const stmt = (sql: string) => db.prepare(sql);
  const q = {
    getAlert: stmt('SELECT * FROM alerts WHERE id = ?'),
    stuckAlerts: stmt("SELECT * FROM alerts WHERE state = 'in_progress' AND decided_at < ? ORDER BY decided_at"),
    enrichAlert: stmt(`UPDATE alerts SET display_name = COALESCE(?, display_name),
        reference_url = COALESCE(?, reference_url) WHERE id = ?`),
    claimCandidates: stmt(CLAIM_CANDIDATES),
    lease: stmt(`UPDATE deliveries SET lease_until = ?, lease_owner = ?, attempts = attempts + 1, updated_at = ?
      WHERE id = ? AND state = 'pending' AND (lease_until IS NULL OR lease_until <= ?)`),
    gate: stmt(`INSERT INTO channel_gates (channel_id, not_before) VALUES (?, ?)
      ON CONFLICT (channel_id) DO UPDATE SET not_before = MAX(not_before, excluded.not_before)`),
    getDelivery: stmt('SELECT * FROM deliveries WHERE id = ?'),
    summaryUsers: stmt(`SELECT a.* FROM deliveries c JOIN alerts a ON a.id = c.alert_id
      WHERE c.parent_id = ? ORDER BY c.id`),
    delivered: stmt(`UPDATE deliveries SET state = 'sent', posted_ts = ?, lease_until = NULL, lease_owner = NULL,
      last_error = NULL, updated_at = ? WHERE id = ?`),
    reschedule: stmt(`UPDATE deliveries SET next_attempt_at = ?, last_error = ?, lease_until = NULL,
      lease_owner = NULL, updated_at = ? WHERE id = ? AND state = 'pending'`),
    fail: stmt(`UPDATE deliveries SET state = 'failed', last_error = ?, lease_until = NULL, lease_owner = NULL,
      updated_at = ? WHERE id = ? AND state = 'pending'`),
    failChildren: stmt(`UPDATE deliveries SET state = 'failed', last_error = ?, updated_at = ?
      WHERE parent_id = ? AND state = 'pending'`),
    postedCopies: stmt(`SELECT d.id, d.channel_id, d.posted_ts, p.posted_ts AS thread_ts FROM deliveries d
      LEFT JOIN deliveries p ON p.id = d.parent_id
      WHERE d.alert_id = ? AND d.state = 'sent' ORDER BY d.id`),
    insertAction:
      stmt(`INSERT INTO alert_actions (alert_id, action, provider, provider_user_id, ok, steps, error, actor, at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    listActions: stmt('SELECT * FROM alert_actions WHERE alert_id = ? ORDER BY id'),
    insertAudit:
      stmt(`INSERT INTO audit_log (at, user_id, user_name, team_id, channel_id, alert_id, login, action, outcome, detail)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    listAudit: stmt('SELECT * FROM audit_log ORDER BY id DESC LIMIT ?'),
    listAuditFor: stmt('SELECT * FROM audit_log WHERE lower(login) = lower(?) ORDER BY id DESC LIMIT ?'),
    insertSubscription: stmt(`INSERT INTO subscriptions (channel_id, check_ids, min_severity, created_by, created_at)
      VALUES (?, ?, ?, ?, ?) ON CONFLICT (channel_id, check_ids, min_severity) DO NOTHING RETURNING *`),
    findSubscription: stmt('SELECT * FROM subscriptions WHERE channel_id = ? AND check_ids = ? AND min_severity = ?'),
    brokenSubscription: stmt('UPDATE subscriptions SET broken_reason = ?, broken_at = ? WHERE id = ?'),
    repairSubscription: stmt('UPDATE subscriptions SET broken_reason = NULL, broken_at = NULL WHERE id = ?'),
    saveRegistration: stmt(`INSERT INTO webhook_registrations (id, name, endpoint, check_ids, created_at)
      VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name, endpoint = excluded.endpoint,
        check_ids = excluded.check_ids`),
    listRegistrations: stmt('SELECT * FROM webhook_registrations ORDER BY created_at, id'),
    deleteRegistration: stmt('DELETE FROM webhook_registrations WHERE id = ?'),
    getState: stmt('SELECT value FROM app_state WHERE key = ?'),
    setState: stmt(
      'INSERT INTO app_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    ),
    schemaVersion: stmt('SELECT MAX(version) AS version FROM schema_migrations'),
  };

  // Every operation runs synchronously, so a transaction never spans an await.
  function tx<T>(fn: () => T): T {
    db.exec('BEGIN IMMEDIATE');
    try {
      const result = fn();
      db.exec('COMMIT');
      return result;
    } catch (err) {
      db.exec('ROLLBACK');
      throw err;
    }
  }
  const run = <T>(fn: () => T): Promise<T> => {
    try {
      return Promise.resolve(fn());
    } catch (err) {
      return Promise.reject(err);
    }
  };

  const shared = new Map<string, StatementSync>();
  function execute(statement: Statement): number {
    let prepared = shared.get(statement.sql);
    if (!prepared) {
      prepared = db.prepare(sqlitePlaceholders(statement.sql));
      shared.set(statement.sql, prepared);
    }
    if (statement.result === 'changes') return Number(prepared.run(...statement.params).changes);
    return Number((prepared.get(...statement.params) as Row).id);
  }

  function recordFinding(record: FindingRecord): RecordFindingResult {
    return tx(() => {
      const steps = recordFindingSteps(record);
      let step = steps.next();
      while (!step.done) step = steps.next(execute(step.value));
      return step.value;
    });
  }

  function transitionAlert(id: string, t: AlertTransition): TransitionResult {
    return tx(() => {
      const states = t.from.map(() => '?').join(', ');
      const moved = db
        .prepare(
          `UPDATE alerts SET state = ?, decided_by = ?, decided_at = ?,
          decision_action = COALESCE(?, decision_action), decision_error = ?, version = version + 1
        WHERE id = ? AND state IN (${states}) RETURNING *`,
        )
        .get(t.to, t.actor, t.at, t.action ?? null, t.error ?? null, id, ...t.from) as Row | undefined;
      if (!moved) {
        const current = q.getAlert.get(id) as Row | undefined;
        return { moved: false, alert: current ? toAlert(current) : undefined };
      }
      for (const r of t.results ?? []) {
        q.insertAction.run(
          id,
          r.action,
          r.provider,
          r.providerUserId,
          r.ok ? 1 : 0,
          JSON.stringify(r.steps),
          r.error ?? null,
          r.actor,
          r.at,
        );
      }
      return { moved: true, alert: toAlert(moved) };
    });
  }

  function loadClaimed(delivery: Delivery): ClaimedDelivery {
    if (delivery.kind === 'summary') {
      const alerts = (q.summaryUsers.all(delivery.id) as Row[]).map(toAlert);
      return toClaimedSummary(delivery, alerts);
    }
    const alert = toAlert(q.getAlert.get(delivery.alertId ?? null) as Row);
    const parent = delivery.parentId === undefined ? undefined : (q.getDelivery.get(delivery.parentId) as Row);
    return { kind: 'alert', delivery, alert, threadTs: parent ? String(parent.posted_ts) : undefined };
  }

  const store: InspectableStore = {
    recordFinding: (record) => run(() => recordFinding(record)),
    getAlert: (id) =>
      run(() => {
        const row = q.getAlert.get(id) as Row | undefined;
        return row ? toAlert(row) : undefined;
      }),
    updateAlertEnrichment: (id, e) =>
      run(() => {
        q.enrichAlert.run(e.displayName ?? null, e.referenceUrl ?? null, id);
      }),

    claimDueDeliveries: ({ now, limit, leaseMs, owner, channelIntervalMs }) =>
      run(() => {
        const leased = tx(() => {
          const ids: number[] = [];
          for (const candidate of q.claimCandidates.all({ now, limit }) as Row[]) {
            const id = Number(candidate.id);
            if (q.lease.run(now + leaseMs, owner, now, id, now).changes === 0) continue;
            q.gate.run(String(candidate.channel_id), now + channelIntervalMs);
            ids.push(id);
          }
          return ids;
        });
        return leased.map((id) => loadClaimed(toDelivery(q.getDelivery.get(id) as Row)));
      }),
    markDelivered: (id, { ts }) =>
      run(() => {
        q.delivered.run(ts, Date.now(), id);
      }),
    reschedule: (id, { nextAttemptAt, error }) =>
      run(() => {
        q.reschedule.run(nextAttemptAt, error, Date.now(), id);
      }),
    markFailed: (id, error) =>
      run(() => {
        tx(() => {
          q.fail.run(error, Date.now(), id);
          q.failChildren.run(`thread parent failed: ${error}`, Date.now(), id);
        });
      }),
    holdChannel: (channelId, until) =>
      run(() => {
        q.gate.run(channelId, until);
      }),
    getDelivery: (id) =>
      run(() => {
        const row = q.getDelivery.get(id) as Row | undefined;
        return row ? toDelivery(row) : undefined;
      }),
    listDeliveries: (filter = {}) =>
      run(() => {
        const where: string[] = [];
        const params: SQLInputValue[] = [];
        const add = (column: string, value: string | DeliveryState | undefined) => {
          if (value === undefined) return;
          where.push(`${column} = ?`);
          params.push(value);
        };
        add('finding_id', filter.findingId);
        add('channel_id', filter.channelId);
        add('state', filter.state);
        const sql = `SELECT * FROM deliveries ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id`;
        return (db.prepare(sql).all(...params) as Row[]).map(toDelivery);
      }),
    postedCopiesOf: (alertId) =>
      run(() =>
        (q.postedCopies.all(alertId) as Row[]).map((row) => ({
          deliveryId: Number(row.id),
          channelId: String(row.channel_id),
          ts: String(row.posted_ts),
          ...(row.thread_ts === null || row.thread_ts === undefined ? {} : { threadTs: String(row.thread_ts) }),
        })),
      ),

    transitionAlert: (id, transition) => run(() => transitionAlert(id, transition)),
    listAlertActions: (alertId) => run(() => (q.listActions.all(alertId) as Row[]).map(toAlertAction)),
    listStuckAlerts: (before) => run(() => (q.stuckAlerts.all(before) as Row[]).map(toAlert)),
    recordAudit: (e) =>
      run(() => {
        q.insertAudit.run(
          e.at,
          e.userId,
          e.userName ?? null,
          e.teamId ?? null,
          e.channelId ?? null,
          e.alertId ?? null,
          e.login ?? null,
          e.action,
          e.outcome,
          e.detail ?? null,
        );
      }),
    listAudit: ({ login, limit }) =>
      run(() => {
        const found = login === undefined ? q.listAudit.all(limit) : q.listAuditFor.all(login, limit);
        return (found as Row[]).map(toAuditEntry);
      }),

    addSubscription: (input) =>
      run(() => {
        const checkIds = joinCheckIds(input.checkIds);
        const inserted = q.insertSubscription.get(
          input.channelId,
          checkIds,
          input.minSeverity,
          input.createdBy,
          input.createdAt,
        ) as Row | undefined;
        if (inserted) return { created: true, subscription: toSubscription(inserted) };
        const existing = q.findSubscription.get(input.channelId, checkIds, input.minSeverity) as Row;
        return { created: false, subscription: toSubscription(existing) };
      }),
    listSubscriptions: (filter = {}) =>
      run(() => {
        const rows =
          filter.channelId === undefined
            ? db.prepare('SELECT * FROM subscriptions ORDER BY id').all()
            : db.prepare('SELECT * FROM subscriptions WHERE channel_id = ? ORDER BY id').all(filter.channelId);
        return (rows as Row[]).map(toSubscription);
      }),
    removeSubscriptions: ({ channelId, id }) =>
      run(() =>
        tx(() => {
          const byId = id === undefined ? '' : ' AND id = ?';
          const params: SQLInputValue[] = id === undefined ? [channelId] : [channelId, id];
          db.prepare(
            `UPDATE deliveries SET state = 'failed', last_error = 'unsubscribed', lease_until = NULL,
            lease_owner = NULL, updated_at = ?
          WHERE state = 'pending' AND subscription_id IN (SELECT id FROM subscriptions WHERE channel_id = ?${byId})`,
          ).run(Date.now(), ...params);
          return Number(db.prepare(`DELETE FROM subscriptions WHERE channel_id = ?${byId}`).run(...params).changes);
        }),
      ),
    markSubscriptionBroken: (id, reason, at) =>
      run(() => {
        q.brokenSubscription.run(reason, at, id);
      }),
    clearSubscriptionBroken: (id) =>
      run(() => {
        q.repairSubscription.run(id);
      }),

    saveRegistration: (r) =>
      run(() => {
        q.saveRegistration.run(r.id, r.name, r.endpoint, JSON.stringify(r.checkIds), r.createdAt);
      }),
    listRegistrations: () => run(() => (q.listRegistrations.all() as Row[]).map(toRegistration)),
    deleteRegistration: (id) => run(() => q.deleteRegistration.run(id).changes > 0),

    getState: (key) =>
      run(() => {
        const row = q.getState.get(key) as Row | undefined;
        return row ? String(row.value) : undefined;
      }),
    setState: (key, value) =>
      run(() => {
        q.setState.run(key, value);
      }),

    schemaVersion: () => run(() => Number((q.schemaVersion.get() as Row).version ?? 0)),
    close: () =>
      run(() => {
        if (db.isOpen) db.close();
      }),
  };
  return store;
}
