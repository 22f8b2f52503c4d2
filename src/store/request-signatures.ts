import { changesOf, type Executor, IN_TRANSACTION } from './steps.ts';
import type { RequestSignatureStore } from './types.ts';

export function requestSignatureStore(db: Executor): RequestSignatureStore {
  return {
    rememberSignature: (signature, at, forgetBefore) =>
      db.run(
        (function* () {
          yield* changesOf('DELETE FROM slack_request_signatures WHERE seen_at < $1', [forgetBefore]);
          const added = yield* changesOf(
            'INSERT INTO slack_request_signatures (signature, seen_at) VALUES ($1, $2) ON CONFLICT (signature) DO NOTHING',
            [signature, at],
          );
          return added === 1;
        })(),
        IN_TRANSACTION,
      ),
  };
}
