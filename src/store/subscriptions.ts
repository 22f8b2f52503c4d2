import { joinCheckIds, toSubscription } from './rows.ts';
import { changesOf, type Executor, IN_TRANSACTION, rowsOf, type Steps } from './steps.ts';
import type { NewSubscription, Subscription, SubscriptionStore } from './types.ts';

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
    markSubscriptionBroken: async (id, reason, at) => {
      await db.run(
        changesOf('UPDATE subscriptions SET broken_reason = $1, broken_at = $2 WHERE id = $3', [reason, at, id]),
      );
    },
    clearSubscriptionBroken: async (id) => {
      await db.run(changesOf('UPDATE subscriptions SET broken_reason = NULL, broken_at = NULL WHERE id = $1', [id]));
    },
  };
}
