import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { silentLogger } from '../../src/logger.ts';
import { openPostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { runStoreContract } from './contract.ts';

// Default: a local server with trust auth; each test gets a schema of its own. Without TEST_POSTGRES_URL,
// an unreachable default server skips the suite (say so loudly); with it, the suite must run.
const URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function withClient<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: URL, connectionTimeoutMillis: 2_000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const reachable = await withClient(() => Promise.resolve(true)).catch(() => false);
if (!reachable && !process.env.TEST_POSTGRES_URL)
  console.warn(`PostgreSQL store contract skipped: no server at ${URL}`);

runStoreContract(
  'postgres',
  () => {
    const schema = `test_${randomUUID().replaceAll('-', '')}`;
    return Promise.resolve({
      open: () => openPostgresStore(URL, { logger: silentLogger, schema, poolSize: 4 }),
      cleanup: () => withClient((client) => client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)).then(() => {}),
    });
  },
  { skip: !reachable && !process.env.TEST_POSTGRES_URL },
);
