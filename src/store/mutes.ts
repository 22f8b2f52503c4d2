import { text } from './rows.ts';
import { changesOf, type Dialect, type Executor, IN_TRANSACTION, rowsOf, type Steps } from './steps.ts';
import type { Mute, MuteStore, NewAlert, NewMute } from './types.ts';

type Row = Record<string, unknown>;

const present = (v: unknown) => v !== null && v !== undefined;

function toMute(row: Row): Mute {
  const text = (column: string, key: keyof Mute) => {
    const value = row[column];
    return typeof value === 'string' || typeof value === 'number' ? { [key]: String(value) } : {};
  };
  return {
    id: Number(row.id),
    checkId: String(row.check_id),
    login: String(row.login),
    title: String(row.title),
    ...text('display_name', 'displayName'),
    ...text('alert_id', 'alertId'),
    ...text('channel_id', 'channelId'),
    createdBy: String(row.created_by),
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
    ...text('reason', 'reason'),
    ...text('lifted_by', 'liftedBy'),
    ...(present(row.lifted_at) ? { liftedAt: Number(row.lifted_at) } : {}),
  };
}

const ACTIVE = 'lifted_at IS NULL AND expires_at > $1';

/**
 * The mutes of one check, across PostgreSQL replicas ($1: the check id). A new mute holds it exclusively until it
 * commits, and a finding being recorded holds it shared while it reads the mutes and queues its cards: so either
 * the finding sees the mute, or the mute's withdrawal sees the finding's cards. SQLite's write lock does it there.
 */
export function mutesOfCheckLock(mode: 'exclusive' | 'shared'): string {
  const lock = mode === 'shared' ? 'pg_advisory_xact_lock_shared' : 'pg_advisory_xact_lock';
  return `SELECT ${lock}(hashtext(current_schema() || ':cii-slack:mutes:' || $1))`;
}

/**
 * The alerts, with every one whose check is muted for its user at `at` marked muted (and not to be asked about),
 * read in the finding's own transaction: every replica's mute and unmute counts for the next finding. On
 * PostgreSQL it reads them under the check's shared lock (see mutesOfCheckLock), held until the finding commits.
 */
export function* withMutes(dialect: Dialect, alerts: readonly NewAlert[], at: number): Steps<readonly NewAlert[]> {
  const muted = new Set<string>();
  for (const checkId of new Set(alerts.map((a) => a.checkId))) {
    if (dialect === 'postgres') yield* rowsOf(mutesOfCheckLock('shared'), [checkId]);
    const rows = yield* rowsOf(`SELECT lower(login) AS login FROM mutes WHERE ${ACTIVE} AND check_id = $2`, [
      at,
      checkId,
    ]);
    for (const row of rows) muted.add(`${checkId}\n${text(row.login)}`);
  }
  if (muted.size === 0) return alerts;
  return alerts.map((alert) => {
    if (!muted.has(`${alert.checkId}\n${alert.login.toLowerCase()}`)) return alert;
    const { verify: _asked, ...rest } = alert;
    return { ...rest, routing: 'muted' };
  });
}

/** The error of a card a mute withdrew before it was posted (`/cii alerts` shows it beside the channel). */
export const WITHDRAWN_BY_MUTE = 'withdrawn by a mute';

/** Not posted and not being posted: no lease in force, and no post sent whose answer never came. */
const UNTOUCHED = "state = 'pending' AND posting_since IS NULL AND (lease_until IS NULL OR lease_until <= $2)";

/**
 * Withdraws the cards of the check for the user that wait to be posted (a card being posted is left to finish),
 * then each summary card left with no thread card to post under it; an alert left with no card posted or to
 * post counts as muted, as if it had arrived muted (its user is not asked about it unless that has begun). How
 * many alert cards were withdrawn.
 */
function* withdrawQueuedCards(mute: NewMute): Steps<number> {
  const params = [WITHDRAWN_BY_MUTE, mute.createdAt, mute.checkId, mute.login];
  const withdrawn = yield* changesOf(
    `UPDATE deliveries SET state = 'failed', last_error = $1, updated_at = $2
    WHERE kind = 'alert' AND ${UNTOUCHED}
      AND alert_id IN (SELECT id FROM alerts WHERE check_id = $3 AND lower(login) = lower($4))`,
    params,
  );
  if (withdrawn === 0) return 0;
  yield* changesOf(
    `UPDATE deliveries SET state = 'failed', last_error = $1, updated_at = $2
    WHERE kind = 'summary' AND ${UNTOUCHED}
      AND id IN (SELECT c.parent_id FROM deliveries c JOIN alerts a ON a.id = c.alert_id
        WHERE a.check_id = $3 AND lower(a.login) = lower($4) AND c.last_error = $1)
      AND NOT EXISTS (SELECT 1 FROM deliveries c WHERE c.parent_id = deliveries.id AND c.state <> 'failed')`,
    params,
  );
  yield* changesOf(
    `UPDATE alerts SET routing = 'muted',
      verify_state = CASE WHEN verify_state = 'pending' THEN NULL ELSE verify_state END
    WHERE check_id = $2 AND lower(login) = lower($3) AND routing <> 'muted'
      AND EXISTS (SELECT 1 FROM deliveries d WHERE d.alert_id = alerts.id AND d.last_error = $1)
      AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.alert_id = alerts.id AND d.state <> 'failed')`,
    [WITHDRAWN_BY_MUTE, mute.checkId, mute.login],
  );
  return withdrawn;
}

function* addMute(dialect: Dialect, mute: NewMute): Steps<{ created: boolean; mute: Mute; withdrawn: number }> {
  if (dialect === 'postgres') yield* rowsOf(mutesOfCheckLock('exclusive'), [mute.checkId]);
  const [active] = yield* rowsOf(
    `SELECT * FROM mutes WHERE ${ACTIVE} AND check_id = $2 AND lower(login) = lower($3) ORDER BY id LIMIT 1`,
    [mute.createdAt, mute.checkId, mute.login],
  );
  if (active) return { created: false, mute: toMute(active), withdrawn: 0 };
  const [inserted] = yield* rowsOf(
    `INSERT INTO mutes (check_id, login, title, display_name, alert_id, channel_id, created_by, created_at, expires_at,
      reason)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *`,
    [
      mute.checkId,
      mute.login,
      mute.title,
      mute.displayName ?? null,
      mute.alertId ?? null,
      mute.channelId ?? null,
      mute.createdBy,
      mute.createdAt,
      mute.expiresAt,
      mute.reason ?? null,
    ],
  );
  return { created: true, mute: toMute(inserted!), withdrawn: yield* withdrawQueuedCards(mute) };
}

function* liftMute(id: number, { by, at }: { by: string; at: number }): Steps<Mute | undefined> {
  const lifted = yield* changesOf(`UPDATE mutes SET lifted_by = $2, lifted_at = $1 WHERE id = $3 AND ${ACTIVE}`, [
    at,
    by,
    id,
  ]);
  if (lifted === 0) return undefined;
  const [row] = yield* rowsOf('SELECT * FROM mutes WHERE id = $1', [id]);
  return row ? toMute(row) : undefined;
}

export function muteStore(db: Executor, dialect: Dialect): MuteStore {
  return {
    addMute: (mute) => db.run(addMute(dialect, mute), IN_TRANSACTION),
    getMute: async (id) => {
      const [row] = await db.run(rowsOf('SELECT * FROM mutes WHERE id = $1', [id]));
      return row ? toMute(row) : undefined;
    },
    listActiveMutes: async ({ now, checkId }) =>
      (
        await db.run(
          checkId === undefined
            ? rowsOf(`SELECT * FROM mutes WHERE ${ACTIVE} ORDER BY expires_at, id`, [now])
            : rowsOf(`SELECT * FROM mutes WHERE ${ACTIVE} AND check_id = $2 ORDER BY expires_at, id`, [now, checkId]),
        )
      ).map(toMute),
    liftMute: (id, lift) => db.run(liftMute(id, lift), IN_TRANSACTION),
  };
}
