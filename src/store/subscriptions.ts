import { joinCheckIds, toSubscription } from './rows.ts';
import { changesOf, type Executor, IN_TRANSACTION, rowsOf, type Steps } from './steps.ts';
import type { BrokenChannel, NewSubscription, Subscription, SubscriptionStore } from './types.ts';

function* addSubscription(
  input: NewSubscription & { createdAt: number },
): Steps<{ created: boolean; subscription: Subscription }> {
  const checkIds = joinCheckIds(input.checkIds);
  const [inserted] = yield* rowsOf(
    `INSERT INTO subscriptions (channel_id, check_ids, min_severity, created_by, created_at)
    VALUES ($1, $2, $3, $4, $5) ON CONFLICT (channel_id, check_ids, min_severity) DO NOTHING RETURNING *`,
    [input.channelId, checkIds, input.minSeverity, input.createdBy, input.createdAt],
  );
  if (inserted) return { created: true, subscription: toSubscription(inserted) };
  const [existing] = yield* rowsOf(
    'SELECT * FROM subscriptions WHERE channel_id = $1 AND check_ids = $2 AND min_severity = $3',
    [input.channelId, checkIds, input.minSeverity],
  );
  return { created: false, subscription: toSubscription(existing!) };
}

function* removeSubscriptions({ channelId, id }: { channelId: string; id?: number }): Steps<number> {
  const byId = id === undefined ? '' : ' AND id = $2';
  const params = id === undefined ? [channelId] : [channelId, id];
  yield* changesOf(
    `UPDATE deliveries SET state = 'failed', last_error = 'unsubscribed', lease_until = NULL,
      lease_owner = NULL, updated_at = $${params.length + 1}
    WHERE state = 'pending' AND subscription_id IN (SELECT id FROM subscriptions WHERE channel_id = $1${byId})`,
    [...params, Date.now()],
  );
  return yield* changesOf(`DELETE FROM subscriptions WHERE channel_id = $1${byId}`, params);
}

/** Per channel with a broken subscription: since when, why, and the findings whose cards wait for it. */
const BROKEN_CHANNELS = `
  SELECT s.channel_id, MIN(s.broken_at) AS broken_at, MIN(s.broken_reason) AS broken_reason,
    (SELECT COUNT(DISTINCT d.finding_id) FROM deliveries d
      WHERE d.channel_id = s.channel_id AND d.state = 'pending') AS waiting
  FROM subscriptions s WHERE s.broken_at IS NOT NULL
  GROUP BY s.channel_id ORDER BY MIN(s.broken_at), s.channel_id`;

/** Refused channels no subscription names (the fallback channel): tried again at `not_before`. */
const REFUSED_UNSUBSCRIBED = `
  SELECT g.channel_id, g.refused_at AS broken_at, g.refused_reason AS broken_reason, g.not_before AS retry_at,
    (SELECT COUNT(DISTINCT d.finding_id) FROM deliveries d
      WHERE d.channel_id = g.channel_id AND d.state = 'pending') AS waiting
  FROM channel_gates g WHERE g.refused_at IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM subscriptions s WHERE s.channel_id = g.channel_id)
    AND EXISTS (SELECT 1 FROM deliveries d WHERE d.channel_id = g.channel_id AND d.state = 'pending')
  ORDER BY g.refused_at, g.channel_id`;

function toBrokenChannel(row: Record<string, unknown>): BrokenChannel {
  return {
    channelId: String(row.channel_id),
    reason: String(row.broken_reason),
    since: Number(row.broken_at),
    waitingFindings: Number(row.waiting),
    ...(row.retry_at === undefined || row.retry_at === null ? {} : { retryAt: Number(row.retry_at) }),
  };
}

function* brokenChannels(): Steps<BrokenChannel[]> {
  const broken = yield* rowsOf(BROKEN_CHANNELS);
  const refused = yield* rowsOf(REFUSED_UNSUBSCRIBED);
  return [...broken, ...refused].map(toBrokenChannel).sort((a, b) => a.since - b.since);
}

function* repairChannel(channelId: string, at: number): Steps<{ repaired: number; waitingFindings: number }> {
  const subscriptions = yield* changesOf(
    'UPDATE subscriptions SET broken_reason = NULL, broken_at = NULL WHERE channel_id = $1 AND broken_at IS NOT NULL',
    [channelId],
  );
  // A refused channel no subscription named (the fallback): its cards are due now rather than at its next try.
  const refusals = yield* changesOf(
    `UPDATE channel_gates SET refused_reason = NULL, refused_at = NULL,
    not_before = CASE WHEN not_before > $2 THEN $2 ELSE not_before END
    WHERE channel_id = $1 AND refused_at IS NOT NULL`,
    [channelId, at],
  );
  const repaired = subscriptions + refusals;
  if (repaired === 0) return { repaired: 0, waitingFindings: 0 };
  const [waiting] = yield* rowsOf(
    "SELECT COUNT(DISTINCT finding_id) AS n FROM deliveries WHERE channel_id = $1 AND state = 'pending'",
    [channelId],
  );
  return { repaired, waitingFindings: Number(waiting?.n ?? 0) };
}

export function subscriptionStore(db: Executor): SubscriptionStore {
  return {
    addSubscription: (input) => db.run(addSubscription(input)),
    listSubscriptions: async (filter = {}) =>
      (
        await db.run(
          filter.channelId === undefined
            ? rowsOf('SELECT * FROM subscriptions ORDER BY id')
            : rowsOf('SELECT * FROM subscriptions WHERE channel_id = $1 ORDER BY id', [filter.channelId]),
        )
      ).map(toSubscription),
    removeSubscriptions: (filter) => db.run(removeSubscriptions(filter), IN_TRANSACTION),
    repairChannel: (channelId, at) => db.run(repairChannel(channelId, at), IN_TRANSACTION),
    brokenChannels: () => db.run(brokenChannels()),
  };
}
