import pg from 'pg';
import type { Logger } from '../../logger.ts';
import { migrations } from '../migrations.ts';
import type { Executor, Query, Steps } from '../steps.ts';
import { storeOn } from '../store.ts';
import type { InspectableStore } from '../types.ts';

type Row = Record<string, unknown>;
type Db = Pick<pg.PoolClient, 'query'>;

// Advisory lock key (per schema) for migrations.
const MIGRATION_LOCK = `SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':cii-slack:migrations'))`;

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

export interface PostgresStoreOptions {
  logger: Logger;
  /** Tables live in this schema (created if missing); default: the server's search_path. */
  schema?: string;
  poolSize?: number;
}

export async function openPostgresStore(
  connectionString: string,
  options: PostgresStoreOptions,
): Promise<InspectableStore> {
  const { logger, schema } = options;
  if (schema !== undefined) {
    const setup = new pg.Client({ connectionString });
    await setup.connect();
    try {
      await setup.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
    } finally {
      await setup.end();
    }
  }
  const pool = new pg.Pool({
    connectionString,
    max: options.poolSize ?? 10,
    ...(schema === undefined ? {} : { options: `-c search_path=${quoteIdent(schema)}` }),
  });
  pool.on('error', (err) => logger.error('idle PostgreSQL connection failed', err));

  async function tx<T>(fn: (db: Db) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }

  try {
    await tx(async (db) => {
      await db.query(MIGRATION_LOCK);
      await db.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`);
    });
    for (const migration of migrations('postgres')) {
      await tx(async (db) => {
        await db.query(MIGRATION_LOCK);
        const done = await db.query('SELECT 1 FROM schema_migrations WHERE version = $1', [migration.version]);
        if (done.rows.length > 0) return;
        await db.query(migration.sql);
        await db.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
          migration.version,
          migration.name,
          Date.now(),
        ]);
        logger.info('applied migration', { version: migration.version, migration: migration.name });
      });
    }
  } catch (err) {
    await pool.end();
    throw err;
  }

  const planNames = new Map<string, string>();
  async function execute(db: Db, query: Query): Promise<Row[] | number> {
    let name: string | undefined;
    if (query.keepPlan) {
      name = planNames.get(query.sql);
      if (name === undefined) planNames.set(query.sql, (name = `cii_slack_${planNames.size + 1}`));
    }
    const result = await db.query({ text: query.sql, values: query.params, name });
    return query.want === 'rows' ? (result.rows as Row[]) : (result.rowCount ?? 0);
  }
  async function drive<T>(db: Db, steps: Steps<T>): Promise<T> {
    let step = steps.next();
    while (!step.done) step = steps.next(await execute(db, step.value));
    return step.value;
  }
  const executor: Executor = {
    run: (steps, options) => (options?.transaction ? tx((db) => drive(db, steps)) : drive(pool, steps)),
  };

  let closed = false;
  return storeOn(executor, 'postgres', async () => {
    if (closed) return;
    closed = true;
    await pool.end();
  });
}
