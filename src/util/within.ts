/**
 * What `promise` resolves to if it does so within `ms`, else undefined. A rejection still rejects: callers
 * that want "best effort" catch it first. The promise itself goes on; only the wait is bounded.
 */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
