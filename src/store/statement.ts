/** A value either backend binds as a parameter. */
export type SqlValue = string | number | null;

/**
 * One SQL statement written once for both backends: parameters are `$1`, `$2`, … (PostgreSQL's own spelling;
 * SQLite runs it as `?1`, `?2`, …), and `result` says what the caller needs back.
 */
export interface Statement {
  sql: string;
  params: SqlValue[];
  /** `changes`: how many rows it wrote; `id`: the `id` column of the row it returned. */
  result: 'changes' | 'id';
}

/** The same statement with SQLite's numbered parameters. */
export const sqlitePlaceholders = (sql: string): string => sql.replace(/\$(\d+)/g, '?$1');
