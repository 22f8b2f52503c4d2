import { resolve } from 'node:path';
import type { Logger } from '../logger.ts';
import { openSqliteStore } from './sqlite/sqlite-store.ts';
import type { InspectableStore } from './types.ts';

const DEFAULT_SQLITE_PATH = './data/cii-slack.db';

export type DatabaseTarget = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string; schema?: string };

/** Unset → the default SQLite file; `sqlite:<path>` or a plain path → SQLite; `postgres(ql)://` → PostgreSQL. */
export function parseDatabaseUrl(databaseUrl: string | undefined): DatabaseTarget {
  const value = databaseUrl?.trim() ?? '';
  if (value === '') return { kind: 'sqlite', path: resolve(DEFAULT_SQLITE_PATH) };
  if (/^postgres(ql)?:\/\//i.test(value)) return postgresTarget(value);
  const path = value.replace(/^sqlite:(\/\/)?/i, '');
  if (path === '') throw new Error('DATABASE_URL "sqlite:" needs a file path, e.g. sqlite:./data/cii-slack.db');
  return { kind: 'sqlite', path: path === ':memory:' ? path : resolve(path) };
}

/** `?schema=<name>` selects (and creates) the schema that holds the tables; the rest goes to `pg` as is. */
function postgresTarget(value: string): DatabaseTarget {
  const url = new URL(value);
  const schema = url.searchParams.get('schema') ?? undefined;
  url.searchParams.delete('schema');
  if (schema !== undefined && !/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) {
    throw new Error('DATABASE_URL ?schema= must be a plain identifier (letters, digits, underscores)');
  }
  return { kind: 'postgres', url: url.toString(), ...(schema ? { schema } : {}) };
}

/** The whole store; `DeliveryInspection` is there for tests and benchmarks, the app hands out narrower parts. */
export async function openStore(
  databaseUrl: string | undefined,
  options: { logger: Logger },
): Promise<InspectableStore> {
  const target = parseDatabaseUrl(databaseUrl);
  if (target.kind === 'postgres') {
    options.logger.info('opening PostgreSQL store', { schema: target.schema ?? '(search_path)' });
    // Loaded only when used: a SQLite deployment never reads the PostgreSQL driver at start.
    const { openPostgresStore } = await import('./postgres/postgres-store.ts');
    return openPostgresStore(target.url, { ...options, ...(target.schema ? { schema: target.schema } : {}) });
  }
  options.logger.info('opening SQLite store', { path: target.path });
  return openSqliteStore(target.path, options);
}
