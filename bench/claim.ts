// The delivery claim with a growing backlog: 1k, 10k and 100k pending cards (plus as many already sent) spread over
// 40 channels, some leased by another replica and some paced, on SQLite then PostgreSQL. Measures the candidate
// query alone (the SQL the claim runs, statistics fresh) and a whole claim of 10 cards through the store (leases
// released again between rounds), rounds of each size interleaved.
// Run by hand: `npm run bench:claim [-- --rounds=5] [-- --no-postgres]`.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';
import { silentLogger } from '../src/logger.ts';
import { CLAIM_CANDIDATES } from '../src/store/outbox.ts';
import { openPostgresStore } from '../src/store/postgres/postgres-store.ts';
import { openSqliteStore, preparedQueries } from '../src/store/sqlite/sqlite-store.ts';
import type { InspectableStore } from '../src/store/types.ts';
import { postgresDatabase, postgresReachable } from './support/db-target.ts';
import { summarize, type Summary } from './support/percentiles.ts';
import { writeResults } from './support/results.ts';
import { REPO_ROOT } from './support/child-app.ts';
import { formatTable, ms } from './support/table.ts';

const POSTGRES_SERVER = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SIZES = [1_000, 10_000, 100_000];
const CHANNELS = 40;
const QUERIES_PER_ROUND = 100;
const CLAIMS_PER_ROUND = 20;
const CLAIM_LIMIT = 10;
const GOAL_MS = { sqlite: 0.1, postgres: 1 } as const;

function flag(name: string): string | undefined {
  const prefix = `--${name}=`;
  return process.argv.find((a) => a.startsWith(prefix))?.slice(prefix.length);
}
const ROUNDS = Number(flag('rounds') ?? 5);
const WITH_POSTGRES = !process.argv.includes('--no-postgres');

type Kind = 'sqlite' | 'postgres';

/** Runs SQL beside the store: the seeding, the statistics, and the candidate query timed on its own. */
interface Raw {
  exec(sql: string): Promise<void>;
  query(sql: string, params: (string | number)[]): Promise<unknown[]>;
  close(): Promise<void>;
}

interface Backlog {
  kind: Kind;
  pending: number;
  store: InspectableStore;
  raw: Raw;
  cleanup(): Promise<void>;
}

const NOW = Date.now();

/**
 * `pending` cards round-robin over the channels, with as many sent ones interleaved; channel 0 leased by another
 * replica, channel 1 paced for a minute, one pending card in seven rescheduled a minute ahead.
 */
function seedSql(pending: number): string[] {
  const series = (n: number) =>
    `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${n}) SELECT i FROM n`;
  const channel = `'C' || (i % ${CHANNELS})`;
  return [
    `INSERT INTO alerts (id, finding_id, envelope_id, check_id, title, severity, severity_label, login, description,
       recommended_actions, published, created_at)
     SELECT 'a' || i, 'f' || i, 'e' || i, 'no-mfa', 'User without MFA', 'high', 'High', 'user' || i || '@example.com',
       '["no MFA factor enrolled"]', '["enroll a factor"]', '2026-01-01T00:00:00Z', ${NOW - 1_000}
     FROM (${series(pending * 2)}) s`,
    `INSERT INTO deliveries (kind, alert_id, finding_id, channel_id, state, next_attempt_at, posted_ts, created_at, updated_at)
     SELECT 'alert', 'a' || i, 'f' || i, ${channel}, CASE WHEN i % 2 = 0 THEN 'pending' ELSE 'sent' END,
       CASE WHEN i % 14 = 0 THEN ${NOW + 60_000} ELSE ${NOW - 1_000} END,
       CASE WHEN i % 2 = 0 THEN NULL ELSE '1.' || i END, ${NOW - 1_000}, ${NOW - 1_000}
     FROM (${series(pending * 2)}) s`,
    `UPDATE deliveries SET lease_until = ${NOW + 60_000}, lease_owner = 'other'
     WHERE id = (SELECT MIN(id) FROM deliveries WHERE channel_id = 'C0' AND state = 'pending')`,
    `INSERT INTO channel_gates (channel_id, not_before) VALUES ('C1', ${NOW + 60_000})
     ON CONFLICT (channel_id) DO UPDATE SET not_before = excluded.not_before`,
  ];
}

const RELEASE = `UPDATE deliveries SET lease_until = NULL, lease_owner = NULL WHERE lease_owner = 'bench'`;

function sqliteBacklog(pending: number): Promise<Backlog> {
  const dir = mkdtempSync(join(tmpdir(), 'cii-claim-'));
  const path = join(dir, 'claim.db');
  const store = openSqliteStore(path, { logger: silentLogger });
  const db = new DatabaseSync(path, { timeout: 5_000 });
  const execute = preparedQueries(db);
  const raw: Raw = {
    exec: (sql) => Promise.resolve(db.exec(sql)),
    // Prepared once, as the store keeps its statements.
    query: (sql, params) => Promise.resolve(execute({ sql, params, want: 'rows' }) as unknown[]),
    close: () => Promise.resolve(db.close()),
  };
  return Promise.resolve({
    kind: 'sqlite',
    pending,
    store,
    raw,
    cleanup: async () => {
      await raw.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  });
}

async function postgresBacklog(pending: number): Promise<Backlog> {
  const target = postgresDatabase(POSTGRES_SERVER);
  if (target.kind !== 'postgres') throw new Error('unreachable');
  const store = await openPostgresStore(POSTGRES_SERVER, { logger: silentLogger, schema: target.schema });
  const client = new pg.Client({ connectionString: POSTGRES_SERVER, options: `-c search_path=${target.schema}` });
  await client.connect();
  const raw: Raw = {
    exec: async (sql) => void (await client.query(sql)),
    // A named statement, planned once per connection, as the store runs the claim.
    query: async (sql, params) =>
      (
        await client.query<Record<string, unknown>>({
          text: sql,
          values: params,
          name: sql === CLAIM_CANDIDATES ? 'claim' : undefined,
        })
      ).rows,
    close: async () => void (await client.end()),
  };
  return {
    kind: 'postgres',
    pending,
    store,
    raw,
    cleanup: async () => {
      await store.close();
      await client.query(`DROP SCHEMA "${target.schema}" CASCADE`);
      await raw.close();
    },
  };
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

interface Samples {
  /** `SELECT 1` on the same connection: the floor a query pays on this machine right now. */
  trivial: number[];
  query: number[];
  claim: number[];
  candidates: number;
}

async function round(backlog: Backlog, samples: Samples): Promise<void> {
  for (let i = 0; i < QUERIES_PER_ROUND; i++) {
    samples.trivial.push(await timed(() => backlog.raw.query('SELECT 1', [])));
    samples.query.push(
      await timed(async () => {
        samples.candidates = (await backlog.raw.query(CLAIM_CANDIDATES, [NOW, CLAIM_LIMIT])).length;
      }),
    );
  }
  for (let i = 0; i < CLAIMS_PER_ROUND; i++) {
    samples.claim.push(
      await timed(() =>
        backlog.store.claimDueDeliveries({
          now: NOW,
          limit: CLAIM_LIMIT,
          leaseMs: 60_000,
          owner: 'bench',
          channelIntervalMs: 0,
        }),
      ),
    );
    await backlog.raw.exec(RELEASE);
  }
}

async function main(): Promise<void> {
  const kinds: Kind[] = ['sqlite'];
  if (WITH_POSTGRES) {
    if (await postgresReachable(POSTGRES_SERVER)) kinds.push('postgres');
    else process.stderr.write(`PostgreSQL not reachable at ${POSTGRES_SERVER}: SQLite only\n`);
  }
  const results: Record<string, unknown>[] = [];
  const rows: string[][] = [];
  for (const kind of kinds) {
    const backlogs: Backlog[] = [];
    for (const pending of SIZES) {
      const backlog = kind === 'sqlite' ? await sqliteBacklog(pending) : await postgresBacklog(pending);
      for (const sql of seedSql(pending)) await backlog.raw.exec(sql);
      await backlog.store.refreshStatistics();
      backlogs.push(backlog);
    }
    const samples = new Map(backlogs.map((b) => [b, { trivial: [], query: [], claim: [], candidates: 0 }]));
    try {
      for (let r = 0; r < ROUNDS; r++) {
        for (const backlog of backlogs) await round(backlog, samples.get(backlog)!);
      }
    } finally {
      for (const backlog of backlogs) await backlog.cleanup();
    }
    for (const backlog of backlogs) {
      const s = samples.get(backlog)!;
      const trivial: Summary = summarize(s.trivial);
      const query: Summary = summarize(s.query);
      const claim: Summary = summarize(s.claim);
      const goal = GOAL_MS[kind];
      rows.push([
        kind === 'sqlite' ? 'SQLite' : 'PostgreSQL',
        String(backlog.pending),
        String(s.candidates),
        ms(trivial.p50),
        ms(query.p50),
        ms(query.p99),
        ms(claim.p50),
        ms(claim.p99),
        `≤ ${goal} ms: ${query.p50 <= goal ? 'met' : 'missed'}`,
      ]);
      results.push({
        backend: kind,
        pending: backlog.pending,
        candidates: s.candidates,
        trivial,
        query,
        claim,
        goalMs: goal,
      });
    }
  }
  process.stdout.write(
    `${formatTable(
      [
        'backend',
        'pending',
        'due channels',
        'SELECT 1 p50',
        'query p50',
        'query p99',
        `claim ${CLAIM_LIMIT} p50`,
        'claim p99',
        'goal',
      ],
      rows,
    )}\n(ms; ${ROUNDS} interleaved rounds of ${QUERIES_PER_ROUND} queries and ${CLAIMS_PER_ROUND} claims per size)\n`,
  );
  mkdirSync(join(REPO_ROOT, 'bench/results'), { recursive: true });
  writeResults(join(REPO_ROOT, 'bench/results'), 'claim', { profiled: false, partial: false }, { results });
}

await main();
