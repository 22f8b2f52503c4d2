/** A value either backend binds as a parameter. */
export type SqlValue = string | number | null;
type Row = Record<string, unknown>;

/**
 * One SQL statement written once for both backends: parameters are `$1`, `$2`, … (PostgreSQL's own spelling;
 * SQLite runs it as `?1`, `?2`, …). `want` says what the caller needs back: the rows, or how many it wrote.
 */
export interface Query {
  sql: string;
  params: SqlValue[];
  want: 'rows' | 'changes';
  /**
   * Keep the statement's plan: PostgreSQL prepares it once per connection instead of planning it on every run
   * (SQLite keeps every statement prepared). Only for statements that name their columns: a prepared `SELECT *`
   * fails once another replica's migration adds a column.
   */
  keepPlan?: true;
}

/**
 * A store operation written once: it yields each query and takes back its result. SQLite drives it
 * synchronously (so its transactions never span an await), PostgreSQL awaits each query.
 */
export type Steps<T> = Generator<Query, T, Row[] | number>;

export function* rowsOf(sql: string, params: SqlValue[] = []): Steps<Row[]> {
  return (yield { sql, params, want: 'rows' }) as Row[];
}

/** `rowsOf` for a statement run so often that planning it each time would cost more than running it. */
export function* plannedRowsOf(sql: string, params: SqlValue[] = []): Steps<Row[]> {
  return (yield { sql, params, want: 'rows', keepPlan: true }) as Row[];
}

export function* changesOf(sql: string, params: SqlValue[] = []): Steps<number> {
  return (yield { sql, params, want: 'changes' }) as number;
}

export interface RunOptions {
  /** Run the operation in a single transaction. */
  transaction: boolean;
  /**
   * Its transaction may share one COMMIT with the others so marked that are asked for in the same turn of the event
   * loop (SQLite; each still fails alone, unless the shared COMMIT fails). For a path written in bursts, where the
   * COMMIT is most of the cost.
   */
  sharedCommit?: boolean;
}

/** Runs store operations. */
export interface Executor {
  run<T>(steps: Steps<T>, options?: RunOptions): Promise<T>;
}

export const IN_TRANSACTION = { transaction: true } as const;
export const IN_SHARED_COMMIT = { transaction: true, sharedCommit: true } as const;

/** A statement as SQLite runs it: `?` for each parameter, bound in the order `order` gives. */
export interface SqliteText {
  sql: string;
  /** The index in `params` of each `?`, or undefined when that is `params` itself in order. */
  order?: number[];
}

/**
 * SQLite's spelling of a statement. Each `$n` becomes a bare `?` (with `order` saying which parameter it takes, `$1`
 * may come twice): node:sqlite binds numbered parameters (`?n`) in time quadratic in their count, 1.4 ms for the 950
 * of a 50-row insert against 0.12 ms bare. A LIMIT given as a bare parameter is written `+?`: SQLite's planner reads
 * a bound LIMIT's value, so every new binding re-prepared the statement (~50 µs for a `SELECT *` of alerts, on each
 * `/cii user`); as an expression it is read at run time only.
 */
export function sqliteText(sql: string): SqliteText {
  const order: number[] = [];
  const text = sql.replace(/\b(LIMIT|OFFSET)\s+\$(\d+)/gi, '$1 +$$$2').replace(/\$(\d+)/g, (_, n: string) => {
    order.push(Number(n) - 1);
    return '?';
  });
  return order.every((index, i) => index === i) ? { sql: text } : { sql: text, order };
}

/** The values to bind to a statement spelled by `sqliteText`. */
export const sqliteParams = (params: SqlValue[], order: number[] | undefined): SqlValue[] =>
  order ? order.map((i) => params[i] ?? null) : params;

export type Dialect = 'sqlite' | 'postgres';
