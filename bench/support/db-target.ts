import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';

/** A fresh database for one app run: a SQLite file, or a schema of its own on a PostgreSQL server. */
export type BenchDatabase =
  | { kind: 'sqlite'; label: 'SQLite'; url: string; path: string }
  | { kind: 'postgres'; label: 'PostgreSQL'; url: string; serverUrl: string; schema: string };

export interface RowCounts {
  seenEvents: number;
  alerts: number;
  deliveries: number;
}

export function sqliteDatabase(dir: string, name: string): BenchDatabase {
  const path = join(dir, `${name}.db`);
  return { kind: 'sqlite', label: 'SQLite', url: `sqlite:${path}`, path };
}

/** `DATABASE_URL` with `?schema=` (the app creates the schema): a fresh schema each call. */
export function postgresDatabase(serverUrl: string): BenchDatabase {
  const schema = `bench_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  const url = new URL(serverUrl);
  url.searchParams.set('schema', schema);
  return { kind: 'postgres', label: 'PostgreSQL', url: url.toString(), serverUrl, schema };
}

async function withClient<T>(serverUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 2_000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export function postgresReachable(serverUrl: string): Promise<boolean> {
  return withClient(serverUrl, () => Promise.resolve(true)).catch(() => false);
}

const COUNTS = `SELECT (SELECT COUNT(*) FROM seen_events) AS seen, (SELECT COUNT(*) FROM alerts) AS alerts,
  (SELECT COUNT(*) FROM deliveries) AS deliveries`;

/** Rows the app has committed, read beside it (SQLite read-only: WAL lets readers in while it writes). */
export async function countRows(db: BenchDatabase): Promise<RowCounts> {
  let row: { seen: unknown; alerts: unknown; deliveries: unknown };
  if (db.kind === 'sqlite') {
    const conn = new DatabaseSync(db.path, { readOnly: true });
    try {
      row = conn.prepare(COUNTS).get() as typeof row;
    } finally {
      conn.close();
    }
  } else {
    row = await withClient(db.serverUrl, async (client) => {
      await client.query(`SET search_path TO "${db.schema}"`);
      return (await client.query<typeof row>(COUNTS)).rows[0]!;
    });
  }
  return { seenEvents: Number(row.seen), alerts: Number(row.alerts), deliveries: Number(row.deliveries) };
}

/** Removes what the run left behind: the PostgreSQL schema (SQLite files go with their temp dir). */
export async function dropDatabase(db: BenchDatabase): Promise<void> {
  if (db.kind !== 'postgres') return;
  await withClient(db.serverUrl, (client) => client.query(`DROP SCHEMA IF EXISTS "${db.schema}" CASCADE`));
}
