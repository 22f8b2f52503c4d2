// Database size of a busy tenant: 2,000 findings a day (one user each, one card in one channel, posted; 2 % of
// alerts approved with an audit entry), written day by day through the store as the app writes them. Day 90
// is measured without pruning, then the app's retention (CII_RETENTION_DAYS=90) runs once a simulated day
// for 30 more days: the size must stay flat. SQLite, then PostgreSQL when reachable.
// A simulated day lasts seconds: PostgreSQL's autovacuum (a look every minute, a table vacuumed once a fifth of its
// rows are dead) never catches up with it, so the rows pruned each day stay dead, their space not reused, and the
// size grows while row counts stay flat. Over real days autovacuum runs between two prunes: the bench stands in for
// it with a plain VACUUM after each simulated day (`--no-vacuum` leaves it out), and reports the dead rows left.
// Run by hand: `npm run bench:retention [-- --days=90] [-- --per-day=2000] [-- --no-postgres] [-- --no-sqlite]
// [-- --no-vacuum]`.
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';
import { silentLogger } from '../src/logger.ts';
import { createRetention } from '../src/services/retention.ts';
import { openStore } from '../src/store/open-store.ts';
import type { InspectableStore, NewAlert } from '../src/store/types.ts';
import { postgresDatabase, postgresReachable, sqliteDatabase, type BenchDatabase } from './support/db-target.ts';
import { REPO_ROOT } from './support/child-app.ts';
import { writeResults } from './support/results.ts';
import { formatTable, mb, ms } from './support/table.ts';

const DAY = 86_400_000;
const arg = (name: string, fallback: number) =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const DAYS = arg('days', 90);
const PER_DAY = arg('per-day', 2_000);
const AFTER_DAYS = arg('after-days', 30);
const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const START = Date.UTC(2026, 0, 1);
const VACUUM_DAILY = !process.argv.includes('--no-vacuum');

function alert(findingId: string, envelopeId: string, login: string): NewAlert {
  return {
    id: randomUUID(),
    findingId,
    envelopeId,
    checkId: 'no-mfa',
    title: 'No MFA Configured',
    severity: 'high',
    severityLabel: 'High',
    login,
    displayName: 'Ada Example',
    description: ['The user signed in without a second factor on every sign-in of the last 30 days.'],
    recommendedActions: ['Enrol a second factor for this user', 'Review the sign-in policy that allowed it'],
    published: new Date(START).toISOString(),
  };
}

/** One simulated day: every finding stored, its card posted, 2 % approved and audited. */
async function writeDay(store: InspectableStore, day: number, markPosted: () => Promise<void>): Promise<number> {
  const at = START + day * DAY;
  const started = performance.now();
  // Eight webhooks at a time, as concurrent CII deliveries arrive (PostgreSQL commits in parallel).
  const one = async (i: number) => {
    const findingId = `f-${day}-${i}`;
    const envelopeId = randomUUID();
    const result = await store.recordFinding({
      envelopeId,
      findingId,
      receivedAt: at + i,
      alerts: [alert(findingId, envelopeId, `user${i % 5_000}@example.com`)],
      planDeliveries: (created) =>
        created.map((a) => ({ kind: 'alert' as const, alertId: a.id, channelId: 'C0SECALERT' })),
    });
    const created = result.alertsCreated[0];
    if (created && i % 50 === 0) {
      await store.transitionAlert(created.id, { from: ['open'], to: 'approved', actor: 'UADMIN', at: at + i });
      await store.recordAudit({
        at: at + i,
        userId: 'UADMIN',
        alertId: created.id,
        login: created.login,
        action: 'approve',
        outcome: 'approved',
      });
    }
  };
  for (let i = 0; i < PER_DAY; i += 8) {
    await Promise.all(Array.from({ length: Math.min(8, PER_DAY - i) }, (_, k) => one(i + k)));
  }
  await markPosted();
  return performance.now() - started;
}

interface Sizes {
  bytes: number;
  rows: Record<string, number>;
  /** PostgreSQL: dead rows not yet vacuumed, and how often autovacuum ran, from pg_stat_user_tables. */
  deadRows?: number;
  autovacuums?: number;
}

async function measure(db: BenchDatabase): Promise<Sizes> {
  const tables = ['alerts', 'deliveries', 'seen_events', 'audit_log'];
  if (db.kind === 'sqlite') {
    const conn = new DatabaseSync(db.path, { readOnly: true });
    try {
      const rows = Object.fromEntries(
        tables.map((t) => [t, Number((conn.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n)]),
      );
      return { bytes: statSync(db.path).size, rows };
    } finally {
      conn.close();
    }
  }
  const client = new pg.Client({ connectionString: db.serverUrl });
  await client.connect();
  try {
    await client.query(`SET search_path TO "${db.schema}"`);
    const rows: Record<string, number> = {};
    for (const t of tables)
      rows[t] = Number((await client.query<{ n: string }>(`SELECT COUNT(*) AS n FROM ${t}`)).rows[0]?.n);
    const size = await client.query<{ bytes: string | null }>(
      `SELECT SUM(pg_total_relation_size(c.oid)) AS bytes FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = $1 AND c.relkind = 'r'`,
      [db.schema],
    );
    const stats = await client.query<{ dead: string; autovacuums: string }>(
      `SELECT COALESCE(SUM(n_dead_tup), 0) AS dead, COALESCE(SUM(autovacuum_count), 0) AS autovacuums
       FROM pg_stat_user_tables WHERE schemaname = $1`,
      [db.schema],
    );
    return {
      bytes: Number(size.rows[0]?.bytes),
      rows,
      deadRows: Number(stats.rows[0]?.dead),
      autovacuums: Number(stats.rows[0]?.autovacuums),
    };
  } finally {
    await client.end();
  }
}

/** What autovacuum does between two real days: dead rows' space made reusable (a plain VACUUM, no lock). */
async function vacuum(db: BenchDatabase): Promise<void> {
  if (db.kind !== 'postgres') return;
  const client = new pg.Client({ connectionString: db.serverUrl });
  await client.connect();
  try {
    await client.query(`SET search_path TO "${db.schema}"`);
    await client.query('VACUUM');
  } finally {
    await client.end();
  }
}

/** What the delivery worker does to each card, in one statement per day (the bench measures size, not posting). */
function poster(db: BenchDatabase): () => Promise<void> {
  const sql = `UPDATE deliveries SET state = 'sent', posted_ts = '1.1' WHERE state = 'pending'`;
  if (db.kind === 'sqlite') {
    return () => {
      const conn = new DatabaseSync(db.path);
      conn.exec('PRAGMA busy_timeout = 5000');
      conn.exec(sql);
      conn.close();
      return Promise.resolve();
    };
  }
  return async () => {
    const client = new pg.Client({ connectionString: db.serverUrl });
    await client.connect();
    await client.query(`SET search_path TO "${db.schema}"`);
    await client.query(sql);
    await client.end();
  };
}

async function run(db: BenchDatabase) {
  const store = await openStore(db.url, { logger: silentLogger });
  const markPosted = poster(db);
  let writeMs = 0;
  for (let day = 0; day < DAYS; day++) {
    writeMs += await writeDay(store, day, markPosted);
    if (day % 10 === 9) process.stdout.write(`  ${db.label}: day ${day + 1}\n`);
  }
  const atDays = await measure(db);
  const pruneMs: number[] = [];
  for (let day = DAYS; day < DAYS + AFTER_DAYS; day++) {
    writeMs += await writeDay(store, day, markPosted);
    const retention = createRetention({
      store,
      retentionDays: 90,
      auditRetentionDays: 400,
      logger: silentLogger,
      now: () => START + (day + 1) * DAY,
      pauseMs: 0,
    });
    const started = performance.now();
    await retention.runOnce();
    pruneMs.push(performance.now() - started);
    if (VACUUM_DAILY) await vacuum(db);
  }
  const after = await measure(db);
  await store.close();
  return {
    database: db.label,
    atDays,
    afterPruning: after,
    writeMsPerFinding: writeMs / ((DAYS + AFTER_DAYS) * PER_DAY),
    pruneMsPerDay: {
      median: pruneMs.sort((a, b) => a - b)[Math.floor(pruneMs.length / 2)] ?? 0,
      max: Math.max(...pruneMs),
    },
  };
}

const dir = mkdtempSync(join(tmpdir(), 'cii-retention-bench-'));
const results = [];
try {
  if (!process.argv.includes('--no-sqlite')) results.push(await run(sqliteDatabase(dir, 'retention')));
  if (!process.argv.includes('--no-postgres') && (await postgresReachable(POSTGRES_URL))) {
    const db = postgresDatabase(POSTGRES_URL);
    try {
      results.push(await run(db));
    } finally {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${(db as { schema: string }).schema}" CASCADE`);
      await client.end();
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

process.stdout.write(
  `\n${PER_DAY} findings a day; size after ${DAYS} days without pruning, then after ${AFTER_DAYS} more days with CII_RETENTION_DAYS=90` +
    `${VACUUM_DAILY ? ' and a VACUUM after each day (PostgreSQL; autovacuum over a real day)' : ' and no VACUUM between days'}\n` +
    formatTable(
      [
        'database',
        `size at day ${DAYS}`,
        `size at day ${DAYS + AFTER_DAYS}`,
        'alerts then',
        'alerts after',
        'write / finding',
        'prune / day (median, max)',
        'dead rows then, after',
        'autovacuums',
      ],
      results.map((r) => [
        r.database,
        mb(r.atDays.bytes),
        mb(r.afterPruning.bytes),
        String(r.atDays.rows.alerts),
        String(r.afterPruning.rows.alerts),
        ms(r.writeMsPerFinding),
        `${ms(r.pruneMsPerDay.median)}, ${ms(r.pruneMsPerDay.max)}`,
        r.atDays.deadRows === undefined ? '-' : `${r.atDays.deadRows}, ${r.afterPruning.deadRows}`,
        r.afterPruning.autovacuums === undefined ? '-' : String(r.afterPruning.autovacuums),
      ]),
    ) +
    '\n',
);
mkdirSync(join(REPO_ROOT, 'bench/results'), { recursive: true });
writeResults(
  join(REPO_ROOT, 'bench/results'),
  'retention',
  { profiled: false, partial: false },
  {
    perDay: PER_DAY,
    days: DAYS,
    afterDays: AFTER_DAYS,
    vacuumDaily: VACUUM_DAILY,
    results,
  },
);
