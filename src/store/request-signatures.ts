import { changesOf, rowsOf, type Executor, IN_TRANSACTION, type SqlValue } from './steps.ts';
import { text } from './rows.ts';
import type { RequestSignatureStore } from './types.ts';

/** Forgotten signatures are deleted at most this often per replica, not on every request. */
const PRUNE_EVERY_MS = 60_000;
/** Signatures written by one statement (well under either backend's limit on parameters). */
const PER_STATEMENT = 200;

export function requestSignatureStore(db: Executor): RequestSignatureStore {
  let prunedAt = Number.NEGATIVE_INFINITY;
  return {
    rememberSignatures(signatures, at, forgetBefore) {
      const distinct = [...new Set(signatures)];
      if (distinct.length === 0) return Promise.resolve(new Set<string>());
      const prune = at - prunedAt >= PRUNE_EVERY_MS;
      if (prune) prunedAt = at;
      return db.run(
        (function* () {
          if (prune) yield* changesOf('DELETE FROM slack_request_signatures WHERE seen_at < $1', [forgetBefore]);
          const added = new Set<string>();
          for (let i = 0; i < distinct.length; i += PER_STATEMENT) {
            const chunk = distinct.slice(i, i + PER_STATEMENT);
            // A signature already forgotten but not yet deleted counts as new, as if the delete had run.
            const rows = yield* rowsOf(
              `INSERT INTO slack_request_signatures (signature, seen_at)
               VALUES ${chunk.map((_, j) => `($${j + 3}, $1)`).join(', ')}
               ON CONFLICT (signature) DO UPDATE SET seen_at = excluded.seen_at
               WHERE slack_request_signatures.seen_at < $2
               RETURNING signature`,
              [at, forgetBefore, ...chunk] satisfies SqlValue[],
            );
            for (const row of rows) added.add(text(row.signature));
          }
          return added;
        })(),
        // One statement alone is atomic: a transaction only when there are more.
        prune || distinct.length > PER_STATEMENT ? IN_TRANSACTION : undefined,
      );
    },
  };
}
