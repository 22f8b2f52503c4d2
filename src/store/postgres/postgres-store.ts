import pg from 'pg';
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
import { migrations } from '../migrations.ts';
import { recordFindingSteps } from '../record-finding.ts';
import type { Statement } from '../statement.ts';
import type { ClaimedDelivery, Delivery, FindingRecord, RecordFindingResult, InspectableStore } from '../types.ts';

type Row = Record<string, unknown>;
type Db = Pick<pg.PoolClient, 'query'>;

const CLAIM_CANDIDATES = claimCandidatesSql({ now: '$1', limit: '$2' });
// Advisory lock keys (per schema): one for migrations, one serializing claims across replicas.
const MIGRATION_LOCK = `SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':cii-slack:migrations'))`;
const CLAIM_LOCK = `SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':cii-slack:claim'))`;

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

export interface PostgresStoreOptions {
  logger: Logger;
  /** Tables live in this schema (created if missing); default: the server's search_path. */
  schema?: string;
  poolSize?: number;
}

export async function openPostgresStore(
  connectionString: string,
  options: PostgresStoreOptions,
): Promise<InspectableStore> {
  const { logger, schema } = options;
  if (schema !== undefined) {
    const setup = new pg.Client({ connectionString });
    await setup.connect();
    try {
      await setup.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
    } finally {
      await setup.end();
    }
  }
  const pool = new pg.Pool({
    connectionString,
    max: options.poolSize ?? 10,
    ...(schema === undefined ? {} : { options: `-c search_path=${quoteIdent(schema)}` }),
  });
  pool.on('error', (err) => logger.error('idle PostgreSQL connection failed', err));

  async function tx<T>(fn: (db: Db) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }
  const rows = async (db: Db, sql: string, params: unknown[] = []) => (await db.query(sql, params)).rows as Row[];
  const changed = async (db: Db, sql: string, params: unknown[] = []) => (await db.query(sql, params)).rowCount ?? 0;

  try {
    await tx(async (db) => {
      await db.query(MIGRATION_LOCK);
      await db.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`);
    });
    for (const migration of migrations('postgres')) {
      await tx(async (db) => {
        await db.query(MIGRATION_LOCK);
        if ((await rows(db, 'SELECT 1 FROM schema_migrations WHERE version = $1', [migration.version])).length > 0)
          return;
        await db.query(migration.sql);
        await db.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
          migration.version,
          migration.name,
          Date.now(),
        ]);
        logger.info('applied migration', { version: migration.version, migration: migration.name });
      });
    }
  } catch (err) {
    await pool.end();
    throw err;
  }

  async function execute(db: Db, statement: Statement): Promise<number> {
    if (statement.result === 'changes') return changed(db, statement.sql, statement.params);
    const [row] = await rows(db, statement.sql, statement.params);
    return Number(row!.id);
  }

  function recordFinding(record: FindingRecord): Promise<RecordFindingResult> {
    return tx(async (db) => {
      const steps = recordFindingSteps(record);
      let step = steps.next();
      while (!step.done) step = steps.next(await execute(db, step.value));
      return step.value;
    });
  }

  async function loadClaimed(db: Db, delivery: Delivery): Promise<ClaimedDelivery> {
    if (delivery.kind === 'summary') {
      const alerts = (
        await rows(
          db,
          `SELECT a.* FROM deliveries c JOIN alerts a ON a.id = c.alert_id
        WHERE c.parent_id = $1 ORDER BY c.id`,
          [delivery.id],
        )
      ).map(toAlert);
      return toClaimedSummary(delivery, alerts);
    }
    const [alert] = await rows(db, 'SELECT * FROM alerts WHERE id = $1', [delivery.alertId ?? null]);
    const [parent] =
      delivery.parentId === undefined
        ? []
        : await rows(db, 'SELECT posted_ts FROM deliveries WHERE id = $1', [delivery.parentId]);
    return { kind: 'alert', delivery, alert: toAlert(alert!), threadTs: parent ? String(parent.posted_ts) : undefined };
  }

  let closed = false;
  return {
    recordFinding,
    async getAlert(id) {
      const [row] = await rows(pool, 'SELECT * FROM alerts WHERE id = $1', [id]);
      return row ? toAlert(row) : undefined;
    },
    async listStuckAlerts(before) {
      return (
        await rows(pool, "SELECT * FROM alerts WHERE state = 'in_progress' AND decided_at < $1 ORDER BY decided_at", [
          before,
        ])
      ).map(toAlert);
    },
    async updateAlertEnrichment(id, e) {
      await pool.query(
        `UPDATE alerts SET display_name = COALESCE($1, display_name),
        reference_url = COALESCE($2, reference_url) WHERE id = $3`,
        [e.displayName ?? null, e.referenceUrl ?? null, id],
      );
    },

    claimDueDeliveries: ({ now, limit, leaseMs, owner, channelIntervalMs }) =>
      tx(async (db) => {
        // Claims are short; serializing them keeps the per-channel checks exact across replicas.
        await db.query(CLAIM_LOCK);
        const claimed: ClaimedDelivery[] = [];
        for (const candidate of await rows(db, CLAIM_CANDIDATES, [now, limit])) {
          const [leased] = await rows(
            db,
            `UPDATE deliveries SET lease_until = $1, lease_owner = $2,
              attempts = attempts + 1, updated_at = $3
            WHERE id = $4 AND state = 'pending' AND (lease_until IS NULL OR lease_until <= $3) RETURNING *`,
            [now + leaseMs, owner, now, candidate.id],
          );
          if (!leased) continue;
          await db.query(
            `INSERT INTO channel_gates (channel_id, not_before) VALUES ($1, $2)
            ON CONFLICT (channel_id) DO UPDATE SET not_before = GREATEST(channel_gates.not_before, EXCLUDED.not_before)`,
            [candidate.channel_id, now + channelIntervalMs],
          );
          claimed.push(await loadClaimed(db, toDelivery(leased)));
        }
        return claimed;
      }),
    async markDelivered(id, { ts }) {
      await pool.query(
        `UPDATE deliveries SET state = 'sent', posted_ts = $1, lease_until = NULL, lease_owner = NULL,
        last_error = NULL, updated_at = $2 WHERE id = $3`,
        [ts, Date.now(), id],
      );
    },
    async reschedule(id, { nextAttemptAt, error }) {
      await pool.query(
        `UPDATE deliveries SET next_attempt_at = $1, last_error = $2, lease_until = NULL,
        lease_owner = NULL, updated_at = $3 WHERE id = $4 AND state = 'pending'`,
        [nextAttemptAt, error, Date.now(), id],
      );
    },
    markFailed: (id, error) =>
      tx(async (db) => {
        await db.query(
          `UPDATE deliveries SET state = 'failed', last_error = $1, lease_until = NULL, lease_owner = NULL,
          updated_at = $2 WHERE id = $3 AND state = 'pending'`,
          [error, Date.now(), id],
        );
        await db.query(
          `UPDATE deliveries SET state = 'failed', last_error = $1, updated_at = $2
          WHERE parent_id = $3 AND state = 'pending'`,
          [`thread parent failed: ${error}`, Date.now(), id],
        );
      }),
    async holdChannel(channelId, until) {
      await pool.query(
        `INSERT INTO channel_gates (channel_id, not_before) VALUES ($1, $2)
        ON CONFLICT (channel_id) DO UPDATE SET not_before = GREATEST(channel_gates.not_before, EXCLUDED.not_before)`,
        [channelId, until],
      );
    },
    async getDelivery(id) {
      const [row] = await rows(pool, 'SELECT * FROM deliveries WHERE id = $1', [id]);
      return row ? toDelivery(row) : undefined;
    },
    async listDeliveries(filter = {}) {
      const where: string[] = [];
      const params: unknown[] = [];
      for (const [column, value] of [
        ['finding_id', filter.findingId],
        ['channel_id', filter.channelId],
        ['state', filter.state],
      ]) {
        if (value === undefined) continue;
        params.push(value);
        where.push(`${column} = $${params.length}`);
      }
      const sql = `SELECT * FROM deliveries ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id`;
      return (await rows(pool, sql, params)).map(toDelivery);
    },
    async postedCopiesOf(alertId) {
      return (
        await rows(
          pool,
          `SELECT d.id, d.channel_id, d.posted_ts, p.posted_ts AS thread_ts FROM deliveries d
        LEFT JOIN deliveries p ON p.id = d.parent_id
        WHERE d.alert_id = $1 AND d.state = 'sent' ORDER BY d.id`,
          [alertId],
        )
      ).map((row) => ({
        deliveryId: Number(row.id),
        channelId: String(row.channel_id),
        ts: String(row.posted_ts),
        ...(row.thread_ts === null || row.thread_ts === undefined ? {} : { threadTs: String(row.thread_ts) }),
      }));
    },

    transitionAlert: (id, t) =>
      tx(async (db) => {
        const states = t.from.map((_, i) => `$${i + 7}`).join(', ');
        // Under READ COMMITTED a concurrent UPDATE re-checks the WHERE clause once the row lock is released: one wins.
        const [moved] = await rows(
          db,
          `UPDATE alerts SET state = $1, decided_by = $2, decided_at = $3,
            decision_action = COALESCE($4, decision_action), decision_error = $5, version = version + 1
          WHERE id = $6 AND state IN (${states}) RETURNING *`,
          [t.to, t.actor, t.at, t.action ?? null, t.error ?? null, id, ...t.from],
        );
        if (!moved) {
          const [current] = await rows(db, 'SELECT * FROM alerts WHERE id = $1', [id]);
          return { moved: false, alert: current ? toAlert(current) : undefined };
        }
        for (const r of t.results ?? []) {
          await db.query(
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
        return { moved: true, alert: toAlert(moved) };
      }),
    async listAlertActions(alertId) {
      return (await rows(pool, 'SELECT * FROM alert_actions WHERE alert_id = $1 ORDER BY id', [alertId])).map(
        toAlertAction,
      );
    },
    async recordAudit(e) {
      await pool.query(
        `INSERT INTO audit_log (at, user_id, user_name, team_id, channel_id, alert_id, login, action, outcome, detail)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [
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
        ],
      );
    },
    async listAudit({ login, limit }) {
      const found =
        login === undefined
          ? await rows(pool, 'SELECT * FROM audit_log ORDER BY id DESC LIMIT $1', [limit])
          : await rows(pool, 'SELECT * FROM audit_log WHERE lower(login) = lower($1) ORDER BY id DESC LIMIT $2', [
              login,
              limit,
            ]);
      return found.map(toAuditEntry);
    },

    async addSubscription(input) {
      const checkIds = joinCheckIds(input.checkIds);
      const [inserted] = await rows(
        pool,
        `INSERT INTO subscriptions (channel_id, check_ids, min_severity, created_by, created_at)
        VALUES ($1, $2, $3, $4, $5) ON CONFLICT (channel_id, check_ids, min_severity) DO NOTHING RETURNING *`,
        [input.channelId, checkIds, input.minSeverity, input.createdBy, input.createdAt],
      );
      if (inserted) return { created: true, subscription: toSubscription(inserted) };
      const [existing] = await rows(
        pool,
        'SELECT * FROM subscriptions WHERE channel_id = $1 AND check_ids = $2 AND min_severity = $3',
        [input.channelId, checkIds, input.minSeverity],
      );
      return { created: false, subscription: toSubscription(existing!) };
    },
    async listSubscriptions(filter = {}) {
      const result =
        filter.channelId === undefined
          ? await rows(pool, 'SELECT * FROM subscriptions ORDER BY id')
          : await rows(pool, 'SELECT * FROM subscriptions WHERE channel_id = $1 ORDER BY id', [filter.channelId]);
      return result.map(toSubscription);
    },
    removeSubscriptions: ({ channelId, id }) =>
      tx(async (db) => {
        const byId = id === undefined ? '' : ' AND id = $2';
        const params: unknown[] = id === undefined ? [channelId] : [channelId, id];
        await db.query(
          `UPDATE deliveries SET state = 'failed', last_error = 'unsubscribed', lease_until = NULL,
            lease_owner = NULL, updated_at = $${params.length + 1}
          WHERE state = 'pending' AND subscription_id IN (SELECT id FROM subscriptions WHERE channel_id = $1${byId})`,
          [...params, Date.now()],
        );
        return changed(db, `DELETE FROM subscriptions WHERE channel_id = $1${byId}`, params);
      }),
    async markSubscriptionBroken(id, reason, at) {
      await pool.query('UPDATE subscriptions SET broken_reason = $1, broken_at = $2 WHERE id = $3', [reason, at, id]);
    },
    async clearSubscriptionBroken(id) {
      await pool.query('UPDATE subscriptions SET broken_reason = NULL, broken_at = NULL WHERE id = $1', [id]);
    },

    async saveRegistration(r) {
      await pool.query(
        `INSERT INTO webhook_registrations (id, name, endpoint, check_ids, created_at)
        VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, endpoint = EXCLUDED.endpoint,
          check_ids = EXCLUDED.check_ids`,
        [r.id, r.name, r.endpoint, JSON.stringify(r.checkIds), r.createdAt],
      );
    },
    async listRegistrations() {
      return (await rows(pool, 'SELECT * FROM webhook_registrations ORDER BY created_at, id')).map(toRegistration);
    },
    async deleteRegistration(id) {
      return (await changed(pool, 'DELETE FROM webhook_registrations WHERE id = $1', [id])) > 0;
    },

    async getState(key) {
      const [row] = await rows(pool, 'SELECT value FROM app_state WHERE key = $1', [key]);
      return row ? String(row.value) : undefined;
    },
    async setState(key, value) {
      await pool.query(
        'INSERT INTO app_state (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value',
        [key, value],
      );
    },

    async schemaVersion() {
      const [row] = await rows(pool, 'SELECT MAX(version) AS version FROM schema_migrations');
      return Number(row?.version ?? 0);
    },
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
