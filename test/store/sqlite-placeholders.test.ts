import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { sqlitePlaceholders } from '../../src/store/steps.ts';

describe("SQLite's spelling of a statement", () => {
  it('numbers the parameters and writes a LIMIT or OFFSET parameter as an expression', () => {
    expect(sqlitePlaceholders('SELECT * FROM a WHERE x = $1 AND y = $12 ORDER BY y LIMIT $2 OFFSET\n $3')).toBe(
      'SELECT * FROM a WHERE x = ?1 AND y = ?12 ORDER BY y LIMIT +?2 OFFSET +?3',
    );
  });

  it('limits and skips rows as the bare parameter did', () => {
    const db = new DatabaseSync(':memory:');
    db.exec('CREATE TABLE t (n INTEGER); INSERT INTO t VALUES (1), (2), (3), (4), (5)');
    const rows = db
      .prepare(sqlitePlaceholders('SELECT n FROM t WHERE n > $1 ORDER BY n LIMIT $2 OFFSET $3'))
      .all(1, 2, 1);
    expect(rows.map((r) => r.n)).toEqual([3, 4]);
  });
});
