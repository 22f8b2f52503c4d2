export interface Fault {
  /** Default `graphql`. */
  target?: 'token' | 'graphql';
  /** Answer with this HTTP status instead of processing the request. */
  status?: number;
  retryAfterSeconds?: number;
  /** Answer HTTP 200 `{data: null, errors}` (graphql target only). */
  graphqlErrors?: { message: string; errorType?: string }[];
  /** Wait this long before answering (alone: then process the request normally). */
  delayMs?: number;
  /** How many matching requests this fault applies to; default 1, Infinity allowed. */
  times?: number;
}

/** Faults are consumed in the order injected: the first one queued for a target applies to that target's next request. */
export function createFaultQueue() {
  let queue: { fault: Fault; remaining: number }[] = [];
  return {
    push(fault: Fault): void {
      queue.push({ fault, remaining: fault.times ?? 1 });
    },
    take(target: 'token' | 'graphql'): Fault | undefined {
      const entry = queue.find((e) => (e.fault.target ?? 'graphql') === target);
      if (!entry) return undefined;
      entry.remaining--;
      if (entry.remaining <= 0) queue = queue.filter((e) => e !== entry);
      return entry.fault;
    },
    clear(): void {
      queue = [];
    },
  };
}
