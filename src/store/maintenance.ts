import { GATE_LOCK_KEY } from './migrations.ts';
import { changesOf, type Dialect, type Executor, IN_TRANSACTION, rowsOf, type Steps } from './steps.ts';
import type { AlertState, MaintenanceStore, PruneOptions, PruneResult } from './types.ts';

const ALERT_STATES: readonly AlertState[] = ['open', 'in_progress', 'approved', 'blocked', 'failed', 'unblocked'];

// Each statement removes at most $2 rows older than $1, so a large backlog goes in short transactions.
const PRUNE = {
  // An alert's cards and provider results go with it; never one a process is acting on or with a card to post.
  alerts: `DELETE FROM alerts WHERE id IN (
    SELECT a.id FROM alerts a
    WHERE a.created_at < $1 AND a.state <> 'in_progress'
      AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.alert_id = a.id AND d.state = 'pending')
    LIMIT $2)`,
  // Summary cards once the alerts of their thread are gone (an alert's cards are pruned with it).
  summaries: `DELETE FROM deliveries WHERE id IN (
    SELECT d.id FROM deliveries d
    WHERE d.alert_id IS NULL AND d.state <> 'pending' AND d.created_at < $1
      AND NOT EXISTS (SELECT 1 FROM deliveries c WHERE c.parent_id = d.id)
    LIMIT $2)`,
  seenEvents: `DELETE FROM seen_events WHERE id IN (SELECT id FROM seen_events WHERE received_at < $1 LIMIT $2)`,
  audit: `DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE at < $1 LIMIT $2)`,
  // Gates of channels with no card waiting and no pacing in force: every claim reads each gate, and queuing a card
  // for the channel again makes a new one. The outer test of `not_before` is the one PostgreSQL re-checks on a gate
  // a claim paced meanwhile.
  idleChannels: `DELETE FROM channel_gates WHERE not_before <= $1 AND channel_id IN (
    SELECT g.channel_id FROM channel_gates g
    WHERE g.not_before <= $1
      AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.channel_id = g.channel_id AND d.state = 'pending')
    LIMIT $2)`,
};

function* pruneBatch(options: PruneOptions): Steps<Omit<PruneResult, 'idleChannels'>> {
  const { before, auditBefore, limit } = options;
  return {
    alerts: yield* changesOf(PRUNE.alerts, [before, limit]),
    summaries: yield* changesOf(PRUNE.summaries, [before, limit]),
    seenEvents: yield* changesOf(PRUNE.seenEvents, [before, limit]),
    audit: yield* changesOf(PRUNE.audit, [auditBefore, limit]),
  };
}

function* pruneIdleGates(dialect: Dialect, { now, limit }: PruneOptions): Steps<number> {
  // In a transaction of its own that holds nothing else: waits for those queuing cards to commit, so none has a
  // card for a gate deleted here.
  if (dialect === 'postgres') yield* rowsOf(`SELECT pg_advisory_xact_lock(${GATE_LOCK_KEY})`);
  return yield* changesOf(PRUNE.idleChannels, [now, limit]);
}

export function maintenanceStore(db: Executor, dialect: Dialect): MaintenanceStore {
  return {
    operationalStats: async () => {
      const byState = await db.run(rowsOf('SELECT state, COUNT(*) AS n FROM alerts GROUP BY state'));
      const [pending] = await db.run(
        rowsOf(`SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM deliveries WHERE state = 'pending'`),
      );
      const [broken] = await db.run(rowsOf('SELECT COUNT(*) AS n FROM subscriptions WHERE broken_reason IS NOT NULL'));
      const [waiting] = await db.run(
        rowsOf(`SELECT COUNT(*) AS n FROM deliveries d WHERE d.state = 'pending'
          AND (EXISTS (SELECT 1 FROM subscriptions s WHERE s.channel_id = d.channel_id AND s.broken_at IS NOT NULL)
            OR EXISTS (SELECT 1 FROM channel_gates g WHERE g.channel_id = d.channel_id AND g.refused_at IS NOT NULL))`),
      );
      const alertsByState = Object.fromEntries(ALERT_STATES.map((s) => [s, 0])) as Record<AlertState, number>;
      for (const row of byState) {
        const state = row.state as AlertState;
        if (ALERT_STATES.includes(state)) alertsByState[state] = Number(row.n);
      }
      return {
        alertsByState,
        pendingDeliveries: Number(pending?.n ?? 0),
        oldestPendingAt: pending?.oldest == null ? undefined : Number(pending.oldest),
        brokenSubscriptions: Number(broken?.n ?? 0),
        waitingForRepair: Number(waiting?.n ?? 0),
      };
    },
    releaseLeases: (owner) =>
      db.run(
        changesOf(
          `UPDATE deliveries SET lease_until = NULL, lease_owner = NULL WHERE lease_owner = $1 AND state = 'pending'`,
          [owner],
        ),
      ),
    pruneBatch: async (options) => ({
      ...(await db.run(pruneBatch(options), IN_TRANSACTION)),
      idleChannels: await db.run(pruneIdleGates(dialect, options), IN_TRANSACTION),
    }),
  };
}
