import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { silentLogger } from '../../src/logger.ts';
import { mutesOfCheckLock } from '../../src/store/mutes.ts';
import { openPostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { describe, expect, it } from 'vitest';
import { runStoreContract } from './contract.ts';
import { record } from './records.ts';

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

describe.skipIf(!reachable && !process.env.TEST_POSTGRES_URL)('postgres store: channel gates', () => {
  it('does not prune the gate of a channel while a transaction queuing a card for it is open', async () => {
    const schema = `test_${randomUUID().replaceAll('-', '')}`;
    const store = await openPostgresStore(URL, { logger: silentLogger, schema, poolSize: 4 });
    const queuing = new pg.Client({ connectionString: URL, options: `-c search_path=${schema}` });
    await queuing.connect();
    try {
      const now = Date.now();
      await store.recordFinding(record('e1', 'f1', ['a@x.com'], { channels: ['C1'], receivedAt: now }));
      const [card] = await store.claimDueDeliveries({
        now,
        limit: 1,
        leaseMs: 30_000,
        owner: 'w1',
        channelIntervalMs: 0,
      });
      await store.markDelivered(card!.delivery.id, { ts: '1.1' });

      await queuing.query('BEGIN');
      await queuing.query(
        `INSERT INTO deliveries (kind, alert_id, finding_id, channel_id, next_attempt_at, created_at, updated_at)
        VALUES ('alert', $1, 'f1', 'C1', $2, $2, $2)`,
        [card!.delivery.alertId, now],
      );
      let pruned: number | undefined;
      const pruning = store.pruneBatch({ now, before: 0, auditBefore: 0, limit: 10 }).then((r) => {
        pruned = r.idleChannels;
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(pruned).toBeUndefined();
      await queuing.query('COMMIT');
      await pruning;
      expect(pruned).toBe(0);
      const [again] = await store.claimDueDeliveries({
        now,
        limit: 1,
        leaseMs: 30_000,
        owner: 'w1',
        channelIntervalMs: 0,
      });
      expect(again?.delivery.channelId).toBe('C1');
    } finally {
      await queuing.end();
      await store.close();
      await withClient((client) => client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
    }
  });
});

describe.skipIf(!reachable && !process.env.TEST_POSTGRES_URL)('postgres store: a mute and a finding at once', () => {
  it('records a finding that arrives while a mute of its check commits only after it, and stores it muted', async () => {
    const schema = `test_${randomUUID().replaceAll('-', '')}`;
    const store = await openPostgresStore(URL, { logger: silentLogger, schema, poolSize: 4 });
    const muting = new pg.Client({ connectionString: URL, options: `-c search_path=${schema}` });
    await muting.connect();
    try {
      const now = Date.now();
      // Another replica's mute, between its lock and its commit.
      await muting.query('BEGIN');
      await muting.query(mutesOfCheckLock('exclusive'), ['no-mfa']);
      await muting.query(
        `INSERT INTO mutes (check_id, login, title, created_by, created_at, expires_at)
        VALUES ('no-mfa', 'mia@x.com', 'No MFA Configured', 'UOTHER', $1, $2)`,
        [now - 1, now + 3600_000],
      );
      let routing: string | undefined;
      const recording = store
        .recordFinding(record('e1', 'f1', ['Mia@x.com'], { receivedAt: now }))
        .then((r) => (routing = r.alertsCreated[0]?.routing));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(routing).toBeUndefined();
      await muting.query('COMMIT');
      await recording;
      expect(routing).toBe('muted');
    } finally {
      await muting.end();
      await store.close();
      await withClient((client) => client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
    }
  });
});
