import { changesOf, type Executor, IN_TRANSACTION } from './steps.ts';
import type { RequestSignatureStore } from './types.ts';

/** Forgotten signatures are deleted at most this often per replica, not on every request. */
const PRUNE_EVERY_MS = 60_000;

export function requestSignatureStore(db: Executor): RequestSignatureStore {
  let prunedAt = Number.NEGATIVE_INFINITY;
  return {
    rememberSignature(signature, at, forgetBefore) {
      const prune = at - prunedAt >= PRUNE_EVERY_MS;
      if (prune) prunedAt = at;
      return db.run(
        (function* () {
          if (prune) yield* changesOf('DELETE FROM slack_request_signatures WHERE seen_at < $1', [forgetBefore]);
          // A signature already forgotten but not yet deleted counts as new, as if the delete had run.
          const added = yield* changesOf(
            `INSERT INTO slack_request_signatures (signature, seen_at) VALUES ($1, $2)
             ON CONFLICT (signature) DO UPDATE SET seen_at = excluded.seen_at
             WHERE slack_request_signatures.seen_at < $3`,
            [signature, at, forgetBefore],
          );
          return added === 1;
        })(),
        // One statement alone is atomic: a transaction only when the delete runs too.
        prune ? IN_TRANSACTION : undefined,
      );
    },
  };
}
