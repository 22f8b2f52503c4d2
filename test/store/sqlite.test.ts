import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logger.ts';
import { openStore, parseDatabaseUrl } from '../../src/store/open-store.ts';
import { runStoreContract } from './contract.ts';

runStoreContract('sqlite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cii-store-'));
  const file = join(dir, 'nested', 'test.db');
  return {
    open: () => openStore(`sqlite:${file}`, { logger: silentLogger }),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
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
