import type { ReplayGuardDeps } from './replay-guard.ts';

interface Waiting {
  signature: string;
  resolve: (added: boolean) => void;
  reject: (err: unknown) => void;
}

/**
 * The replay guard's `remember`, with the signatures of the requests that arrive together (in one turn of the
 * event loop) written in one statement: one commit for fifty concurrent commands instead of fifty. A signature
 * twice in one batch is new once.
 */
export function signatureBatches(
  rememberAll: (signatures: readonly string[], at: number, forgetBefore: number) => Promise<Set<string>>,
): ReplayGuardDeps['remember'] {
  let batch: { waiting: Waiting[]; at: number; forgetBefore: number } | undefined;
  const write = async (waiting: Waiting[], at: number, forgetBefore: number) => {
    try {
      const added = await rememberAll(
        waiting.map((w) => w.signature),
        at,
        forgetBefore,
      );
      for (const w of waiting) {
        w.resolve(added.delete(w.signature));
      }
    } catch (err) {
      for (const w of waiting) w.reject(err);
    }
  };
  return (signature, at, forgetBefore) =>
    new Promise<boolean>((resolve, reject) => {
      if (!batch) {
        const opened = { waiting: [] as Waiting[], at, forgetBefore };
        batch = opened;
        setImmediate(() => {
          batch = undefined;
          void write(opened.waiting, opened.at, opened.forgetBefore);
        });
      }
      // The batch is dated by its latest request: each signature is kept at least as long as if written alone.
      batch.at = Math.max(batch.at, at);
      batch.forgetBefore = Math.min(batch.forgetBefore, forgetBefore);
      batch.waiting.push({ signature, resolve, reject });
    });
}
