import { type Dialect, rowsOf, type Steps } from './steps.ts';

/**
 * Fresh statistics keep the planners on the indexes (the delivery claim above all) as the tables grow. SQLite's
 * `PRAGMA optimize` analyzes only the tables that changed enough, each within `analysis_limit` rows;
 * PostgreSQL's autovacuum may lag a burst of webhooks, so the busy tables are analyzed here too.
 */
export function* refreshStatistics(dialect: Dialect): Steps<void> {
  if (dialect === 'sqlite') {
    yield* rowsOf('PRAGMA analysis_limit = 1000');
    yield* rowsOf('PRAGMA optimize = 0x10002');
  } else {
    yield* rowsOf('ANALYZE deliveries, channel_gates, alerts');
  }
}
