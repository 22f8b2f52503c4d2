import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { sqliteParams, sqliteText } from '../../src/store/steps.ts';

const run = (db: DatabaseSync, sql: string, params: (string | number)[]) => {
  const text = sqliteText(sql);
  return db.prepare(text.sql).all(...sqliteParams(params, text.order));
};

describe("SQLite's spelling of a statement", () => {
  it('writes each parameter as a bare ?, and a LIMIT or OFFSET parameter as an expression', () => {
    expect(sqliteText('SELECT * FROM a WHERE x = $1 AND y = $2 ORDER BY y LIMIT $3 OFFSET\n $4')).toEqual({
      sql: 'SELECT * FROM a WHERE x = ? AND y = ? ORDER BY y LIMIT +? OFFSET +?',
    });
  });

  it('binds a parameter written twice, or out of order, to each of its places', () => {
    const db = new DatabaseSync(':memory:');
    expect(sqliteText('SELECT $2 AS b, $1 AS a, $2 AS c')).toEqual({
      sql: 'SELECT ? AS b, ? AS a, ? AS c',
      order: [1, 0, 1],
    });
    expect(run(db, 'SELECT $2 AS b, $1 AS a, $2 AS c', ['one', 'two'])).toEqual([{ b: 'two', a: 'one', c: 'two' }]);
  });

  it('limits and skips rows as the bare parameter did', () => {
    const db = new DatabaseSync(':memory:');
    db.exec('CREATE TABLE t (n INTEGER); INSERT INTO t VALUES (1), (2), (3), (4), (5)');
    const rows = run(db, 'SELECT n FROM t WHERE n > $1 ORDER BY n LIMIT $2 OFFSET $3', [1, 2, 1]);
    expect(rows.map((r) => r.n)).toEqual([3, 4]);
  });
});
