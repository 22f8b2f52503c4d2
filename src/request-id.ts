import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';

const requestIds = new AsyncLocalStorage<string>();

/** Runs `fn` so that every line logged during it, however deep in async calls, carries `reqId`. */
export function withRequestId<T>(reqId: string, fn: () => T): T {
  return requestIds.run(reqId, fn);
}

export function currentRequestId(): string | undefined {
  return requestIds.getStore();
}

const ACCEPTED = /^[\w.:-]{1,64}$/;

/** The id a load balancer sent in `x-request-id` when it looks like one, else a new one. */
export function requestIdFrom(header: string | string[] | undefined): string {
  return typeof header === 'string' && ACCEPTED.test(header) ? header : randomBytes(8).toString('hex');
}
