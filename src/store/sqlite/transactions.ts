import type { DatabaseSync } from 'node:sqlite';
import type { Steps } from '../steps.ts';

interface Waiting {
  steps: Steps<unknown>;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

type Drive = <T>(steps: Steps<T>) => T;

/** Runs `steps` in a transaction of its own, at once. */
export function inTransaction<T>(db: DatabaseSync, drive: Drive, steps: Steps<T>): T {
  db.exec('BEGIN IMMEDIATE');
  try {
    const value = drive(steps);
    db.exec('COMMIT');
    return value;
  } catch (err) {
    // Some errors (a full disk, an I/O error) have already ended the transaction.
    if (db.isTransaction) db.exec('ROLLBACK');
    throw err;
  }
}

type Outcome = { ok: true; value: unknown } | { ok: false; err: unknown };

export interface GroupCommit {
  /** Runs `steps` in a transaction of its own, committed with the others asked for in the same turn. */
  run<T>(steps: Steps<T>): Promise<T>;
  /** Runs what is waiting now (before the database closes). */
  flush(): void;
}

/**
 * Transactions asked for in one turn of the event loop share one BEGIN and one COMMIT, each in a savepoint of its
 * own: a failing one is rolled back alone, and a COMMIT (its write of the WAL, most of a small transaction's cost)
 * is paid once for all of them. A caller hears of its transaction only once the COMMIT is done, so nothing is told
 * written that could still be lost; the ones that commit together wait for one another at most one turn.
 */
export function groupCommit(db: DatabaseSync, drive: Drive): GroupCommit {
  let waiting: Waiting[] = [];

  function runAlone(item: Waiting): void {
    try {
      item.resolve(inTransaction(db, drive, item.steps));
    } catch (err) {
      item.reject(err);
    }
  }

  function runTogether(group: Waiting[]): void {
    try {
      db.exec('BEGIN IMMEDIATE');
    } catch (err) {
      for (const item of group) item.reject(err);
      return;
    }
    const outcomes: Outcome[] = [];
    for (const item of group) {
      try {
        db.exec('SAVEPOINT grouped');
        const value = drive(item.steps);
        db.exec('RELEASE grouped');
        outcomes.push({ ok: true, value });
      } catch (err) {
        // Some errors (a full disk, an I/O error) end the whole transaction: every one of them is then lost.
        if (!db.isTransaction) return failAll(group, outcomes, err);
        db.exec('ROLLBACK TO grouped');
        db.exec('RELEASE grouped');
        outcomes.push({ ok: false, err });
      }
    }
    try {
      db.exec('COMMIT');
    } catch (err) {
      if (db.isTransaction) db.exec('ROLLBACK');
      return failAll(group, outcomes, err);
    }
    group.forEach((item, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) item.resolve(outcome.value);
      else item.reject(outcome.err);
    });
  }

  /** The transaction ended without a commit: each one's own error if it had one, else what ended it. */
  function failAll(group: Waiting[], outcomes: Outcome[], err: unknown): void {
    group.forEach((item, i) => {
      const outcome = outcomes[i];
      item.reject(outcome && !outcome.ok ? outcome.err : err);
    });
  }

  function flush(): void {
    const group = waiting;
    waiting = [];
    if (group.length === 1) runAlone(group[0]!);
    else if (group.length > 1) runTogether(group);
  }

  return {
    run<T>(steps: Steps<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        waiting.push({ steps, resolve, reject });
        if (waiting.length === 1) setImmediate(flush);
      });
    },
    flush,
  };
}
