import { WITHDRAWN_BY_MUTE } from './mutes.ts';
import { toAlert, toDelivery, toFindingSummary, toPostedCopy } from './rows.ts';
import { changesOf, type Dialect, type Executor, IN_TRANSACTION, plannedRowsOf, rowsOf, type Steps } from './steps.ts';
import type {
  ChannelRefusal,
  ClaimedDelivery,
  ClaimOptions,
  Delivery,
  FindingSummary,
  OutboxStore,
  PostedSummary,
} from './types.ts';

/**
 * Per channel with pending work, an open pacing gate, nothing in flight and no broken subscription (its cards wait
 * for the repair): its oldest claimable delivery (a thread card only once its summary is sent). The channels are
 * the rows of `channel_gates` (every channel with a pending card has one, see migration 14; idle ones are pruned),
 * each channel's candidate one short walk of the pending index, computed once (materialized) rather than once to
 * filter and again to return. $1: now, $2: limit.
 */
export const CLAIM_CANDIDATES = `
  WITH due AS MATERIALIZED (
    SELECT g.channel_id, (
      SELECT d.id FROM deliveries d
      LEFT JOIN deliveries p ON p.id = d.parent_id
      WHERE d.channel_id = g.channel_id
        AND d.state = 'pending'
        AND d.next_attempt_at <= $1
        AND (d.lease_until IS NULL OR d.lease_until <= $1)
        AND (d.parent_id IS NULL OR p.state = 'sent')
      ORDER BY d.id
      LIMIT 1
    ) AS id
    FROM channel_gates g
    WHERE g.not_before <= $1
      AND NOT EXISTS (SELECT 1 FROM subscriptions s WHERE s.channel_id = g.channel_id AND s.broken_at IS NOT NULL)
      AND NOT EXISTS (
        SELECT 1 FROM deliveries l
        WHERE l.channel_id = g.channel_id AND l.lease_until > $1 AND l.state = 'pending'
      )
  )
  SELECT channel_id, id FROM due
  WHERE id IS NOT NULL
  ORDER BY id
  LIMIT $2`;
// Advisory lock key (per schema) serializing claims across PostgreSQL replicas.
const CLAIM_LOCK = `SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':cii-slack:claim'))`;

/** Two-argument MAX is SQLite's spelling of GREATEST. */
const greatest = (dialect: Dialect) => (dialect === 'sqlite' ? 'MAX' : 'GREATEST');

function* holdChannel(dialect: Dialect, channelId: string, until: number): Steps<void> {
  yield* changesOf(
    `INSERT INTO channel_gates (channel_id, not_before) VALUES ($1, $2)
    ON CONFLICT (channel_id) DO UPDATE SET not_before = ${greatest(dialect)}(channel_gates.not_before, excluded.not_before)`,
    [channelId, until],
  );
}

/**
 * The summary's thread users: each alert with a card under it, but for those a mute withdrew before they were
 * posted (unless that leaves none: a summary already posted keeps its users).
 */
function* summaryOf(summaryId: number): Steps<FindingSummary> {
  const rows = yield* rowsOf(
    `SELECT a.*, c.last_error AS thread_card_error FROM deliveries c JOIN alerts a ON a.id = c.alert_id
    WHERE c.parent_id = $1 ORDER BY c.id`,
    [summaryId],
  );
  const kept = rows.filter((row) => row.thread_card_error !== WITHDRAWN_BY_MUTE);
  return toFindingSummary(summaryId, (kept.length > 0 ? kept : rows).map(toAlert));
}

function* postedSummariesOf(alertId: string): Steps<PostedSummary[]> {
  const parents = yield* rowsOf(
    `SELECT DISTINCT p.id, p.channel_id, p.posted_ts FROM deliveries d JOIN deliveries p ON p.id = d.parent_id
    WHERE d.alert_id = $1 AND p.state = 'sent' ORDER BY p.id`,
    [alertId],
  );
  const posted: PostedSummary[] = [];
  for (const row of parents) posted.push({ copy: toPostedCopy(row), summary: yield* summaryOf(Number(row.id)) });
  return posted;
}

function* loadClaimed(delivery: Delivery): Steps<ClaimedDelivery> {
  if (delivery.kind === 'summary') {
    return { kind: 'summary', delivery, summary: yield* summaryOf(delivery.id) };
  }
  const [alert] = yield* rowsOf('SELECT * FROM alerts WHERE id = $1', [delivery.alertId ?? null]);
  const [parent] =
    delivery.parentId === undefined
      ? []
      : yield* rowsOf('SELECT posted_ts FROM deliveries WHERE id = $1', [delivery.parentId]);
  return { kind: 'alert', delivery, alert: toAlert(alert!), threadTs: parent ? String(parent.posted_ts) : undefined };
}

function* claimDueDeliveries(dialect: Dialect, options: ClaimOptions): Steps<ClaimedDelivery[]> {
  const { now, limit, leaseMs, owner, channelIntervalMs } = options;
  // SQLite's write transaction already runs alone; PostgreSQL claims are serialized so the per-channel checks
  // stay exact across replicas (claims are short).
  if (dialect === 'postgres') yield* rowsOf(CLAIM_LOCK);
  const claimed: ClaimedDelivery[] = [];
  for (const candidate of yield* plannedRowsOf(CLAIM_CANDIDATES, [now, limit])) {
    const [leased] = yield* rowsOf(
      `UPDATE deliveries SET lease_until = $1, lease_owner = $2, attempts = attempts + 1, updated_at = $3
      WHERE id = $4 AND state = 'pending' AND (lease_until IS NULL OR lease_until <= $3) RETURNING *`,
      [now + leaseMs, owner, now, Number(candidate.id)],
    );
    if (!leased) continue;
    yield* holdChannel(dialect, String(candidate.channel_id), now + channelIntervalMs);
    claimed.push(yield* loadClaimed(toDelivery(leased)));
  }
  return claimed;
}

function* markFailed(id: number, error: string): Steps<void> {
  yield* changesOf(
    `UPDATE deliveries SET state = 'failed', last_error = $1, lease_until = NULL, lease_owner = NULL,
    updated_at = $2 WHERE id = $3 AND state = 'pending'`,
    [error, Date.now(), id],
  );
  yield* changesOf(
    `UPDATE deliveries SET state = 'failed', last_error = $1, updated_at = $2
    WHERE parent_id = $3 AND state = 'pending'`,
    [`thread parent failed: ${error}`, Date.now(), id],
  );
}

function* markDelivered(id: number, ts: string): Steps<void> {
  const [posted] = yield* rowsOf(
    `UPDATE deliveries SET state = 'sent', posted_ts = $1, lease_until = NULL, lease_owner = NULL,
    last_error = NULL, posting_since = NULL, lookups_failed = 0, updated_at = $2 WHERE id = $3 RETURNING channel_id`,
    [ts, Date.now(), id],
  );
  if (!posted) return;
  // Slack took a card there: a channel it had refused (see waitForRepair) is no longer.
  yield* changesOf(
    'UPDATE channel_gates SET refused_reason = NULL, refused_at = NULL WHERE channel_id = $1 AND refused_at IS NOT NULL',
    [String(posted.channel_id)],
  );
}

function* waitForRepair(dialect: Dialect, id: number, refusal: ChannelRefusal): Steps<'waiting' | 'retrying'> {
  const { channelId, reason, at } = refusal;
  // Every subscription of the channel breaks with it (another one would route the next card into the same wall);
  // the first refusal says since when.
  const broken = yield* changesOf(
    `UPDATE subscriptions SET broken_reason = COALESCE(broken_reason, $1), broken_at = COALESCE(broken_at, $2)
    WHERE channel_id = $3`,
    [reason, at, channelId],
  );
  // The channel failed, not the card: its claim does not count as one of its attempts (a fallback channel tried
  // every few minutes over a weekend would otherwise use them all up).
  const waiting = yield* changesOf(
    `UPDATE deliveries SET last_error = $1, lease_until = NULL, lease_owner = NULL, updated_at = $2,
    attempts = attempts - 1 ${refusal.notPosted ? ', posting_since = NULL' : ''} WHERE id = $3 AND state = 'pending'`,
    [reason, at, id],
  );
  if (broken === 0 && waiting > 0) {
    // No subscription to repair (the fallback channel): nothing would release the cards, so the channel is tried
    // again later rather than any card given up.
    yield* changesOf(
      `INSERT INTO channel_gates (channel_id, not_before, refused_reason, refused_at) VALUES ($1, $2, $3, $4)
      ON CONFLICT (channel_id) DO UPDATE SET not_before = ${greatest(dialect)}(channel_gates.not_before, excluded.not_before),
      refused_reason = excluded.refused_reason, refused_at = COALESCE(channel_gates.refused_at, excluded.refused_at)`,
      [channelId, refusal.retryAt, reason, at],
    );
  }
  return broken === 0 ? 'retrying' : 'waiting';
}

export function outboxStore(db: Executor, dialect: Dialect): OutboxStore {
  return {
    claimDueDeliveries: (options) => db.run(claimDueDeliveries(dialect, options), IN_TRANSACTION),
    markDelivered: async (id, { ts }) => {
      await db.run(markDelivered(id, ts), IN_TRANSACTION);
    },
    reschedule: async (id, { nextAttemptAt, error, lookupFailed = false, notPosted = false }) => {
      const posting = notPosted
        ? 'posting_since = NULL, lookups_failed = 0'
        : `lookups_failed = lookups_failed + ${lookupFailed ? 1 : 0}`;
      await db.run(
        changesOf(
          `UPDATE deliveries SET next_attempt_at = $1, last_error = $2, lease_until = NULL,
          lease_owner = NULL, ${posting}, updated_at = $3 WHERE id = $4 AND state = 'pending'`,
          [nextAttemptAt, error, Date.now(), id],
        ),
      );
    },
    markPosting: async (id, at) => {
      await db.run(
        changesOf(
          `UPDATE deliveries SET posting_since = COALESCE(posting_since, $1) WHERE id = $2 AND state = 'pending'`,
          [at, id],
        ),
      );
    },
    markFailed: (id, error) => db.run(markFailed(id, error), IN_TRANSACTION),
    waitForRepair: (id, refusal) => db.run(waitForRepair(dialect, id, refusal), IN_TRANSACTION),
    holdChannel: (channelId, until) => db.run(holdChannel(dialect, channelId, until)),
    postedCopiesOf: async (alertId) =>
      (
        await db.run(
          rowsOf(
            `SELECT d.id, d.channel_id, d.posted_ts, p.posted_ts AS thread_ts FROM deliveries d
            LEFT JOIN deliveries p ON p.id = d.parent_id
            WHERE d.alert_id = $1 AND d.state = 'sent' ORDER BY d.id`,
            [alertId],
          ),
        )
      ).map(toPostedCopy),
    postedSummariesOf: (alertId) => db.run(postedSummariesOf(alertId)),
    postedSummaryCopiesOf: async (findingId) =>
      (
        await db.run(
          rowsOf(
            `SELECT id, channel_id, posted_ts FROM deliveries
            WHERE finding_id = $1 AND kind = 'summary' AND state = 'sent' ORDER BY id`,
            [findingId],
          ),
        )
      ).map(toPostedCopy),
  };
}
