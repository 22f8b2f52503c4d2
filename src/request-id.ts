import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';

const requestIds = new AsyncLocalStorage<string>();

/** Runs `fn` so that every line logged during it, however deep in async calls, carries `reqId`. */
export function withRequestId<T>(reqId: string, fn: () => T): T {
  return requestIds.run(reqId, fn);
}

/** Runs `fn` outside any request: what it schedules (a timer's line about many requests) carries no `reqId`. */
export function withoutRequestId<T>(fn: () => T): T {
  return requestIds.exit(fn);
}

export function currentRequestId(): string | undefined {
  return requestIds.getStore();
}

const ACCEPTED = /^[\w.:-]{1,64}$/;

// New ids are this process's random half and a counter (16 hex digits): unique per replica without asking the
// system for randomness on every request.
const processHalf = randomBytes(4).toString('hex');
let issued = 0;

/** The id a load balancer sent in `x-request-id` when it looks like one, else a new one. */
export function requestIdFrom(header: string | string[] | undefined): string {
  if (typeof header === 'string' && ACCEPTED.test(header)) return header;
  issued = (issued + 1) % 2 ** 32;
  return processHalf + issued.toString(16).padStart(8, '0');
}
