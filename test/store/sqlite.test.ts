import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logger.ts';
import { openStore, parseDatabaseUrl } from '../../src/store/open-store.ts';
import { runStoreContract } from './contract.ts';
import { record } from './records.ts';

runStoreContract('sqlite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cii-store-'));
  const file = join(dir, 'nested', 'test.db');
  return {
    open: () => openStore(`sqlite:${file}`, { logger: silentLogger }),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
});

describe('SQLite store closing', () => {
  it('writes a finding asked for just before the store closes, so its webhook is not answered for nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cii-close-'));
    const url = `sqlite:${join(dir, 'close.db')}`;
    try {
      const store = await openStore(url, { logger: silentLogger });
      const written = store.recordFinding(record('e1', 'f1', ['a@x.com']));
      await store.close();
      expect(await written).toMatchObject({ duplicate: false, deliveriesCreated: 1 });

      const reopened = await openStore(url, { logger: silentLogger });
      expect(await reopened.listDeliveries()).toHaveLength(1);
      await reopened.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('database url', () => {
  it('defaults to ./data/cii-slack.db and accepts sqlite: urls and plain paths', () => {
    expect(parseDatabaseUrl(undefined)).toEqual({ kind: 'sqlite', path: join(process.cwd(), 'data', 'cii-slack.db') });
    expect(parseDatabaseUrl('sqlite:/tmp/a.db')).toEqual({ kind: 'sqlite', path: '/tmp/a.db' });
    expect(parseDatabaseUrl('sqlite:///tmp/a.db')).toEqual({ kind: 'sqlite', path: '/tmp/a.db' });
    expect(parseDatabaseUrl('/tmp/b.db')).toEqual({ kind: 'sqlite', path: '/tmp/b.db' });
    expect(parseDatabaseUrl('sqlite::memory:')).toEqual({ kind: 'sqlite', path: ':memory:' });
    expect(parseDatabaseUrl('postgresql://u@h/db')).toEqual({ kind: 'postgres', url: 'postgresql://u@h/db' });
    expect(parseDatabaseUrl('postgres://u@h:5432/db?schema=cii_slack&sslmode=require')).toEqual({
      kind: 'postgres',
      url: 'postgres://u@h:5432/db?sslmode=require',
      schema: 'cii_slack',
    });
    expect(() => parseDatabaseUrl('postgres://u@h/db?schema=a;drop')).toThrow(/plain identifier/);
  });
});

describe("a user's alerts", () => {
  it('are read newest first from one index, without a sort', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cii-plan-'));
    const file = join(dir, 'plan.db');
    try {
      await (await openStore(`sqlite:${file}`, { logger: silentLogger })).close();
      const raw = new DatabaseSync(file);
      const plan = raw
        .prepare(
          'EXPLAIN QUERY PLAN SELECT * FROM alerts WHERE lower(login) = lower(?) ORDER BY created_at DESC, id LIMIT ?',
        )
        .all('ann@x.com', 20)
        .map((row) => String(row.detail));
      raw.close();
      expect(plan).toEqual(['SEARCH alerts USING INDEX alerts_login_latest (<expr>=?)']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('migration 7: logins without case', () => {
  it('folds the alerts of one finding that differ only in letter case into the first, with their cards', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cii-fold-'));
    const file = join(dir, 'fold.db');
    try {
      // A database as version 6 left it: three spellings of one login made three alerts with a card each.
      const store = await openStore(`sqlite:${file}`, { logger: silentLogger });
      await store.recordFinding(record('e1', 'f1', ['Tom.Harris@example.com'], { receivedAt: 1 }));
      await store.close();
      const raw = new DatabaseSync(file);
      raw.exec('DROP INDEX alerts_finding_login_nocase; DELETE FROM schema_migrations WHERE version = 7');
      raw.exec(`INSERT INTO alerts (id, finding_id, envelope_id, check_id, title, severity, severity_label, login,
          description, recommended_actions, published, created_at)
        SELECT id || suffix, finding_id, envelope_id, check_id, title, severity, severity_label, spelling,
          description, recommended_actions, published, created_at + 1
        FROM alerts, (SELECT '-b' AS suffix, 'tom.harris@example.com' AS spelling
          UNION ALL SELECT '-c', 'TOM.HARRIS@EXAMPLE.COM')`);
      raw.exec(`INSERT INTO deliveries (kind, alert_id, finding_id, channel_id, next_attempt_at, created_at, updated_at)
        SELECT 'alert', id, finding_id, 'C1', 0, 0, 0 FROM alerts WHERE login <> 'Tom.Harris@example.com'`);
      expect(raw.prepare('SELECT COUNT(*) AS n FROM alerts').get()).toEqual({ n: 3 });
      raw.close();

      const migrated = await openStore(`sqlite:${file}`, { logger: silentLogger });
      try {
        const deliveries = await migrated.listDeliveries({ findingId: 'f1' });
        expect(deliveries).toHaveLength(1);
        expect(await migrated.getAlert(deliveries[0]!.alertId!)).toMatchObject({ login: 'Tom.Harris@example.com' });
        const again = await migrated.recordFinding(record('e2', 'f1', ['TOM.harris@example.com']));
        expect(again.alertsCreated).toEqual([]);
      } finally {
        await migrated.close();
      }
      const check = new DatabaseSync(file, { readOnly: true });
      expect(check.prepare('SELECT login FROM alerts').all()).toEqual([{ login: 'Tom.Harris@example.com' }]);
      check.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
