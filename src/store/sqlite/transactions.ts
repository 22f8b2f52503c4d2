import type { DatabaseSync } from 'node:sqlite';
import type { Steps } from '../steps.ts';

interface Waiting {
  steps: Steps<unknown>;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

export type Drive = <T>(steps: Steps<T>) => T;

/** At most this many transactions share a COMMIT: a longer burst is committed in several, so no one block is long. */
const MAX_GROUP = 64;

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
 * own: a failing one is rolled back alone (unless it ends the whole transaction, or the COMMIT fails: then they all
 * fail), and a COMMIT (its write of the WAL, most of a small transaction's cost) is paid once for all of them.
 * A caller hears of its transaction only once the COMMIT is done, so nothing is told written that could still be
 * lost; the ones that commit together wait for one another at most one turn.
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
    try {
      for (const item of group) outcomes.push(runInSavepoint(item));
      db.exec('COMMIT');
    } catch (err) {
      // The COMMIT failed, or the transaction could not go on: nothing of it is written. Each caller hears of that
      // error; a ROLLBACK that fails too adds nothing they could act on.
      try {
        if (db.isTransaction) db.exec('ROLLBACK');
      } catch {
        // The next BEGIN says whether the connection can go on.
      }
      failAll(group, outcomes, err);
      return;
    }
    group.forEach((item, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) item.resolve(outcome.value);
      else item.reject(outcome.err);
    });
  }

  /** One transaction of a group; throws when the whole group's transaction cannot go on. */
  function runInSavepoint(item: Waiting): Outcome {
    db.exec('SAVEPOINT grouped');
    try {
      const value = drive(item.steps);
      db.exec('RELEASE grouped');
      return { ok: true, value };
    } catch (err) {
      // Some errors (a full disk, an I/O error) end the whole transaction: every one of the group is then lost.
      if (!db.isTransaction) throw err;
      db.exec('ROLLBACK TO grouped');
      db.exec('RELEASE grouped');
      return { ok: false, err };
    }
  }

  /** The transaction ended without a commit: each one's own error if it had one, else what ended it. */
  function failAll(group: Waiting[], outcomes: Outcome[], err: unknown): void {
    group.forEach((item, i) => {
      const outcome = outcomes[i];
      item.reject(outcome && !outcome.ok ? outcome.err : err);
    });
  }

  function flush(): void {
    const all = waiting;
    waiting = [];
    for (let i = 0; i < all.length; i += MAX_GROUP) {
      const group = all.slice(i, i + MAX_GROUP);
      if (group.length === 1) runAlone(group[0]!);
      else runTogether(group);
    }
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
