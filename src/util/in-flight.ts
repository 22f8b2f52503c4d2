/** Counts work under way, so a shutdown can wait for it (bounded). */
export interface InFlight {
  track<T>(work: () => Promise<T>): Promise<T>;
  readonly count: number;
  /** Resolves true once nothing is under way, or false when `timeoutMs` passes first. */
  idle(timeoutMs: number): Promise<boolean>;
}

export function createInFlight(): InFlight {
  let count = 0;
  let waiters: Array<() => void> = [];
  const settle = () => {
    count -= 1;
    if (count === 0) for (const wake of waiters.splice(0)) wake();
  };
  return {
    track: async (work) => {
      count += 1;
      try {
        return await work();
      } finally {
        settle();
      }
    },
    get count() {
      return count;
    },
    idle: (timeoutMs) =>
      count === 0
        ? Promise.resolve(true)
        : new Promise((resolve) => {
            const timer = setTimeout(() => {
              waiters = waiters.filter((w) => w !== done);
              resolve(false);
            }, timeoutMs);
            const done = () => {
              clearTimeout(timer);
              resolve(true);
            };
            waiters.push(done);
          }),
  };
}
