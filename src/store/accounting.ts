import { optStr, text, toAlert } from './rows.ts';
import { changesOf, type Dialect, type Executor, IN_TRANSACTION, rowsOf, type SqlValue, type Steps } from './steps.ts';
import type {
  AccountingStore,
  AlertCopy,
  AlertCounts,
  ChannelBacklogQuery,
  DeliveryState,
  RecentAlert,
  RecentAlertFilter,
} from './types.ts';

const HAS_CARD = (state: DeliveryState) =>
  `EXISTS (SELECT 1 FROM deliveries d WHERE d.alert_id = a.id AND d.state = '${state}')`;

const COUNT_ALERTS = `
  SELECT COUNT(*) AS arrived,
    SUM(CASE WHEN ${HAS_CARD('sent')} THEN 1 ELSE 0 END) AS posted,
    SUM(CASE WHEN ${HAS_CARD('pending')} THEN 1 ELSE 0 END) AS pending,
    MIN(CASE WHEN ${HAS_CARD('pending')} THEN a.created_at END) AS pending_since,
    SUM(CASE WHEN a.routing = 'unrouted' THEN 1 ELSE 0 END) AS unrouted,
    SUM(CASE WHEN a.routing = 'muted' THEN 1 ELSE 0 END) AS muted,
    SUM(CASE WHEN a.routing <> 'muted' AND ${HAS_CARD('failed')} AND NOT ${HAS_CARD('sent')}
      AND NOT ${HAS_CARD('pending')} THEN 1 ELSE 0 END) AS failed
  FROM alerts a WHERE a.created_at >= $1`;

const ONLY: Record<NonNullable<RecentAlertFilter['only']>, string> = {
  // A muted alert waits for nobody's decision.
  open: "a.state = 'open' AND a.routing <> 'muted'",
  pending: HAS_CARD('pending'),
  unrouted: "a.routing = 'unrouted'",
};

type FilterQuery = Omit<ChannelBacklogQuery, 'channelId'> & { channelId?: string };

// Serializes backlog posts across PostgreSQL replicas, so two clicks at once cannot both queue the same cards.
const BACKLOG_LOCK = `SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':cii-slack:backlog'))`;

/**
 * The WHERE clause of the alerts a filter matches, its parameters numbered from `$1`; of a channel's backlog when
 * the query names the channel.
 */
function backlogWhere(query: FilterQuery): { where: string; params: SqlValue[] } {
  const params: SqlValue[] = [query.since];
  let notHere = '';
  if (query.channelId !== undefined) {
    params.push(query.channelId);
    notHere = ` AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.alert_id = a.id AND d.channel_id = $${params.length})`;
  }
  const list = (values: string[]) =>
    values.map((v) => {
      params.push(v);
      return `$${params.length}`;
    });
  const severities = query.severities.length > 0 ? list(query.severities).join(', ') : 'NULL';
  const checks = query.checkIds.length > 0 ? ` AND a.check_id IN (${list(query.checkIds).join(', ')})` : '';
  return {
    where: `a.created_at >= $1 AND a.routing <> 'muted' AND a.severity IN (${severities})${checks}${notHere}`,
    params,
  };
}

function* enqueueChannelBacklog(
  dialect: Dialect,
  query: ChannelBacklogQuery & { subscriptionId: number; now: number },
): Steps<number> {
  if (dialect === 'postgres') yield* rowsOf(BACKLOG_LOCK);
  const { where, params } = backlogWhere(query);
  const ids = (yield* rowsOf(`SELECT a.id FROM alerts a WHERE ${where} ORDER BY a.created_at, a.id`, params)).map((r) =>
    text(r.id),
  );
  for (const id of ids) {
    yield* changesOf(
      `INSERT INTO deliveries (kind, alert_id, finding_id, channel_id, subscription_id, next_attempt_at,
        created_at, updated_at)
      SELECT 'alert', id, finding_id, $2, $3, $4, $4, $4 FROM alerts WHERE id = $1`,
      [id, query.channelId, query.subscriptionId, query.now],
    );
    yield* changesOf(`UPDATE alerts SET routing = 'routed' WHERE id = $1 AND routing = 'unrouted'`, [id]);
  }
  return ids.length;
}

function toCopy(row: Record<string, unknown>): AlertCopy {
  const subscriptionId = row.subscription_id === null ? undefined : Number(row.subscription_id);
  return {
    channelId: text(row.channel_id),
    state: row.state as DeliveryState,
    ...(subscriptionId === undefined ? {} : { subscriptionId }),
    ...(optStr(row.posted_ts) === undefined ? {} : { postedTs: optStr(row.posted_ts) }),
    ...(optStr(row.thread_ts) === undefined ? {} : { threadTs: optStr(row.thread_ts) }),
    ...(optStr(row.last_error) === undefined ? {} : { lastError: optStr(row.last_error) }),
    ...(row.state === 'pending' && optStr(row.channel_broken) !== undefined
      ? { channelBroken: optStr(row.channel_broken) }
      : {}),
    createdAt: Number(row.created_at),
  };
}

function* listRecentAlerts(filter: RecentAlertFilter): Steps<RecentAlert[]> {
  const where: string[] = [];
  const params: SqlValue[] = [];
  if (filter.only) where.push(ONLY[filter.only]);
  if (filter.login !== undefined) {
    params.push(filter.login.toLowerCase());
    where.push(`lower(a.login) = $${params.length}`);
  }
  params.push(filter.limit);
  const alerts = (yield* rowsOf(
    `SELECT a.* FROM alerts a ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY a.created_at DESC, a.id LIMIT $${params.length}`,
    params,
  )).map(toAlert);
  if (alerts.length === 0) return [];
  const copies = yield* rowsOf(
    `SELECT d.alert_id, d.channel_id, d.state, d.subscription_id, d.posted_ts, d.last_error, d.created_at,
      p.posted_ts AS thread_ts,
      COALESCE(
        (SELECT MIN(s.broken_reason) FROM subscriptions s WHERE s.channel_id = d.channel_id AND s.broken_at IS NOT NULL),
        (SELECT g.refused_reason FROM channel_gates g WHERE g.channel_id = d.channel_id)
      ) AS channel_broken
    FROM deliveries d LEFT JOIN deliveries p ON p.id = d.parent_id
    WHERE d.alert_id IN (${alerts.map((_, i) => `$${i + 1}`).join(', ')}) ORDER BY d.id`,
    alerts.map((a) => a.id),
  );
  return alerts.map((alert) => ({
    ...alert,
    copies: copies.filter((c) => String(c.alert_id) === alert.id).map(toCopy),
  }));
}

function toCounts(row: Record<string, unknown> | undefined): AlertCounts {
  const n = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));
  const pendingSince = row?.pending_since;
  return {
    arrived: n(row?.arrived),
    posted: n(row?.posted),
    pending: n(row?.pending),
    ...(pendingSince === null || pendingSince === undefined ? {} : { pendingSince: Number(pendingSince) }),
    unrouted: n(row?.unrouted),
    muted: n(row?.muted),
    failed: n(row?.failed),
  };
}

async function countMatching(db: Executor, query: FilterQuery): Promise<number> {
  const { where, params } = backlogWhere(query);
  const [row] = await db.run(rowsOf(`SELECT COUNT(*) AS n FROM alerts a WHERE ${where}`, params));
  return Number(row?.n ?? 0);
}

export function accountingStore(db: Executor, dialect: Dialect): AccountingStore {
  return {
    checkActivity: async (since) =>
      (
        await db.run(
          rowsOf(
            `SELECT a.check_id, a.title, c.recent FROM (
              SELECT check_id, MAX(created_at) AS last_at,
                COUNT(DISTINCT CASE WHEN created_at >= $1 THEN finding_id END) AS recent
              FROM alerts GROUP BY check_id
            ) c JOIN alerts a ON a.check_id = c.check_id AND a.created_at = c.last_at
            ORDER BY a.check_id`,
            [since],
          ),
        )
      )
        .filter((row, i, rows) => i === 0 || rows[i - 1]!.check_id !== row.check_id)
        .map((row) => ({
          checkId: text(row.check_id),
          title: text(row.title),
          recentFindings: Number(row.recent),
        })),
    countAlerts: async (since) => toCounts((await db.run(rowsOf(COUNT_ALERTS, [since])))[0]),
    listRecentAlerts: (filter) => db.run(listRecentAlerts(filter)),
    countChannelBacklog: (query) => countMatching(db, query),
    countMatchingAlerts: (query) => countMatching(db, query),
    enqueueChannelBacklog: (query) => db.run(enqueueChannelBacklog(dialect, query), IN_TRANSACTION),
  };
}
