import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { stepDriver } from '../../src/store/sqlite/sqlite-store.ts';
import { groupCommit, type GroupCommit } from '../../src/store/sqlite/transactions.ts';
import { changesOf, rowsOf, type Steps } from '../../src/store/steps.ts';

function* insert(...values: string[]): Steps<number> {
  let written = 0;
  for (const value of values) written += yield* changesOf('INSERT INTO t (v) VALUES ($1)', [value]);
  return written;
}

function* insertThenFail(value: string): Steps<never> {
  yield* insert(value);
  throw new Error(`refused ${value}`);
}

describe('SQLite transactions that share a COMMIT', () => {
  let dir: string;
  let db: DatabaseSync;
  let commits: GroupCommit;
  let execs: string[];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'group-commit-'));
    db = new DatabaseSync(join(dir, 'db.sqlite'));
    db.exec('PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY');
    db.exec(`CREATE TABLE t (v TEXT NOT NULL UNIQUE);
      CREATE TABLE parent (id INTEGER PRIMARY KEY);
      CREATE TABLE child (parent_id INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)`);
    execs = [];
    const exec = db.exec.bind(db);
    vi.spyOn(db, 'exec').mockImplementation((sql: string) => {
      execs.push(sql);
      exec(sql);
    });
    commits = groupCommit(db, stepDriver(db));
  });
  afterEach(() => {
    if (db.isOpen) db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Asks for each transaction in the same turn, and waits for all of them. */
  const runTogether = (...all: Steps<unknown>[]) => Promise.allSettled(all.map((steps) => commits.run(steps)));
  const stored = () =>
    db
      .prepare('SELECT v FROM t ORDER BY v')
      .all()
      .map((row) => row.v);

  it('commits the transactions asked for in one turn once, and tells each caller its own result', async () => {
    const results = await Promise.all([commits.run(insert('a')), commits.run(insert('b', 'c')), commits.run(insert())]);

    expect(results).toEqual([1, 2, 0]);
    expect(stored()).toEqual(['a', 'b', 'c']);
    expect(execs.filter((sql) => sql === 'COMMIT')).toHaveLength(1);
  });

  it('writes nothing before the end of the turn, so a caller is never told of a write still to come', async () => {
    const written = commits.run(insert('a'));
    expect(stored()).toEqual([]);
    await written;
    expect(stored()).toEqual(['a']);
  });

  it('rolls back a failing transaction alone: the others of its turn are written', async () => {
    const results = await runTogether(insert('a'), insertThenFail('b'), insert('a'), insert('c'));

    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([
      1,
      'refused b',
      expect.stringContaining('UNIQUE constraint failed') as string,
      1,
    ]);
    expect(stored()).toEqual(['a', 'c']);
    expect(db.isTransaction).toBe(false);
  });

  it('fails every transaction of a turn whose COMMIT fails, and writes none of them', async () => {
    const results = await runTogether(
      insert('a'),
      // A deferred foreign key is checked at COMMIT: this one makes the shared COMMIT fail.
      changesOf('INSERT INTO child (parent_id) VALUES ($1)', [42]),
      insert('b'),
    );

    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(String((results[0] as PromiseRejectedResult).reason)).toContain('FOREIGN KEY constraint failed');
    expect(stored()).toEqual([]);
    expect(db.isTransaction).toBe(false);
  });

  it('fails every transaction of a turn when one ends the shared transaction, each with its own error if it had one', async () => {
    const results = await runTogether(insert('a'), insertThenFail('b'), rowsOf('ROLLBACK'), insert('c'));

    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected']);
    expect(String((results[1] as PromiseRejectedResult).reason)).toContain('refused b');
    expect(stored()).toEqual([]);
    expect(await commits.run(insert('d'))).toBe(1);
  });

  it('fails every transaction of a turn whose savepoint cannot be undone, and leaves no transaction open', async () => {
    function* releaseThenFail(): Steps<never> {
      yield* insert('b');
      yield* changesOf('RELEASE grouped');
      throw new Error('refused b');
    }
    const results = await runTogether(insert('a'), releaseThenFail());

    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(stored()).toEqual([]);
    expect(db.isTransaction).toBe(false);
    await Promise.all([commits.run(insert('c')), commits.run(insert('d'))]);
    expect(stored()).toEqual(['c', 'd']);
  });

  it('fails the transactions of a turn while another connection holds the write lock, and commits the next turn', async () => {
    const other = new DatabaseSync(join(dir, 'db.sqlite'));
    other.exec('BEGIN IMMEDIATE');
    const locked = await runTogether(insert('a'), insert('b'));
    const alone = await commits.run(insert('c')).catch((err: unknown) => String(err));
    other.exec('ROLLBACK');
    other.close();

    expect(locked.map((r) => r.status === 'rejected' && String(r.reason))).toEqual([
      expect.stringContaining('database is locked') as string,
      expect.stringContaining('database is locked') as string,
    ]);
    expect(alone).toContain('database is locked');
    await Promise.all([commits.run(insert('a')), commits.run(insert('b'))]);
    expect(stored()).toEqual(['a', 'b']);
  });

  it('commits a long burst in groups of at most 64', async () => {
    const values = Array.from({ length: 100 }, (_, i) => `v${String(i).padStart(3, '0')}`);
    await Promise.all(values.map((v) => commits.run(insert(v))));

    expect(stored()).toEqual(values);
    expect(execs.filter((sql) => sql === 'COMMIT')).toHaveLength(2);
  });

  it('runs a transaction alone in the turn as a plain one, and still rolls it back on failure', async () => {
    await expect(commits.run(insertThenFail('a'))).rejects.toThrow('refused a');
    expect(await commits.run(insert('b'))).toBe(1);

    expect(stored()).toEqual(['b']);
    expect(execs).not.toContain('SAVEPOINT grouped');
  });

  it('runs what is waiting when flushed, before the database closes', async () => {
    const written = commits.run(insert('a'));
    commits.flush();
    db.close();
    expect(await written).toBe(1);
  });
});
