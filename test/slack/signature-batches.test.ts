import { describe, expect, it } from 'vitest';
import { signatureBatches } from '../../src/slack/signature-batches.ts';

function recordingStore(fail?: Error) {
  const calls: Array<{ signatures: readonly string[]; at: number; forgetBefore: number }> = [];
  const known = new Set<string>();
  return {
    calls,
    rememberSignatures(signatures: readonly string[], at: number, forgetBefore: number) {
      calls.push({ signatures, at, forgetBefore });
      if (fail) return Promise.reject(fail);
      const added = new Set(signatures.filter((s) => !known.has(s)));
      for (const s of signatures) known.add(s);
      return Promise.resolve(added);
    },
  };
}

describe('signature batches', () => {
  it('writes the signatures of requests arriving together in one call, each new one accepted once', async () => {
    const store = recordingStore();
    const remember = signatureBatches((...batch) => store.rememberSignatures(...batch));
    const answers = await Promise.all([
      remember('v0=a', 1_000, 100),
      remember('v0=b', 1_002, 102),
      remember('v0=a', 1_001, 101),
    ]);
    expect(answers).toEqual([true, true, false]);
    expect(store.calls).toEqual([{ signatures: ['v0=a', 'v0=b', 'v0=a'], at: 1_002, forgetBefore: 100 }]);
  });

  it('starts a new batch for requests arriving later, and refuses a signature already written', async () => {
    const store = recordingStore();
    const remember = signatureBatches((...batch) => store.rememberSignatures(...batch));
    expect(await remember('v0=a', 1_000, 100)).toBe(true);
    expect(await Promise.all([remember('v0=a', 2_000, 200), remember('v0=c', 2_000, 200)])).toEqual([false, true]);
    expect(store.calls.map((c) => c.signatures)).toEqual([['v0=a'], ['v0=a', 'v0=c']]);
  });

  it('fails every request of a batch the store could not write', async () => {
    const failing = recordingStore(new Error('database is locked'));
    const remember = signatureBatches((...batch) => failing.rememberSignatures(...batch));
    const answers = await Promise.allSettled([remember('v0=a', 1_000, 100), remember('v0=b', 1_000, 100)]);
    expect(answers.map((a) => a.status)).toEqual(['rejected', 'rejected']);
  });
});
