import { LRUCache } from 'lru-cache';
import type { CiiClient, CiiEndpoints } from '../cii/client.ts';
import { CiiNotFoundError } from '../cii/errors.ts';
import type { EndUser, EndUserState, EndUsersByIp, IntegrationStatus } from '../cii/schemas.ts';
import type { Logger } from '../logger.ts';
import type { UserContext } from './user-context.ts';

export interface UserLookup {
  user: EndUser;
  /** The concise digest (factors used, locations); absent when CII could not answer it. */
  state?: EndUserState;
  fetchedAt: Date;
  /** Set when the login asked for matched nothing and its form with the default email domain did. */
  foundAs?: string;
}

/** Neither the login nor, for a bare login, its form with the default email domain names a CII user. */
export class UserNotFoundError extends CiiNotFoundError {
  /** Every login looked up, in order. */
  readonly tried: readonly string[];
  constructor(tried: readonly string[], options?: { cause?: unknown }) {
    super(`CII has no user ${tried.join(' nor ')}`, options);
    this.tried = tried;
  }
}

export interface IpLookup {
  ip: string;
  result: EndUsersByIp;
  fetchedAt: Date;
}

export interface CiiHealth {
  ping: { ok: true; latencyMs: number } | { ok: false; error: string };
  token?: { obtainedAt: Date; expiresAt: Date };
  integrations: { kind: 'ok'; items: IntegrationStatus[] } | { kind: 'unsupported' } | { kind: 'error'; error: string };
  endpoints: CiiEndpoints;
}

export interface LookupService {
  user(login: string): Promise<UserLookup>;
  usersByIp(ip: string): Promise<IpLookup>;
  /** What an alert card shows of its user (the `user` lookup, shared with `/cii user` through the cache). */
  userContext(login: string): Promise<UserContext>;
  /**
   * Warms `user` for these logins in the background. Bounded three ways: a few CII calls at a time, a few users a
   * second, and a short queue that drops what a burst adds beyond it (those are looked up when they are needed).
   */
  prefetchUsers(logins: readonly string[]): void;
  health(): Promise<CiiHealth>;
}

const MAX_PREFETCHES = 8;
const MAX_PREFETCH_QUEUE = 200;
/**
 * Cards post at most once a second per channel: warming more users than that a second would fill the cache with
 * entries that expire or are evicted before their card posts, at CII's expense (two calls a user).
 */
const DEFAULT_PREFETCHES_PER_SECOND = 20;

interface LookupDeps {
  cii: CiiClient;
  ttlSeconds: number;
  maxEntries?: number;
  logger: Logger;
  now?: () => number;
  /** Told whether each lookup was answered from the cache (or a call already under way) or needed CII. */
  onCacheResult?: (result: 'hit' | 'miss') => void;
  /** A bare login (no `@`) that matches nothing is tried once more as `<login>@<defaultEmailDomain>`. */
  defaultEmailDomain?: string;
  prefetchesPerSecond?: number;
}

type Cached = UserLookup | IpLookup;

/**
 * Cached CII lookups. Concurrent callers of the same key share one CII call, and a failure is never kept, so an
 * outage is retried on the next lookup. (lru-cache's fetch() does the same with an AbortController and a status
 * object per miss; here a map of the calls under way does it.)
 */
export function createLookupService(deps: LookupDeps): LookupService {
  const now = deps.now ?? Date.now;
  const ttl = deps.ttlSeconds * 1000;
  // A TTL of 0 keeps nothing: every lookup not already under way asks CII.
  const cache = ttl > 0 ? new LRUCache<string, Cached>({ max: deps.maxEntries ?? 1000, ttl }) : undefined;
  const underWay = new Map<string, Promise<Cached>>();

  async function load(key: string): Promise<Cached> {
    const [kind, subject] = splitKey(key);
    if (kind === 'user') return loadUser(subject);
    return { ip: subject, result: await deps.cii.getEndUsersByIp(subject), fetchedAt: new Date(now()) };
  }

  async function loadUserAs(login: string): Promise<UserLookup> {
    const [user, state] = await Promise.all([
      deps.cii.getEndUser(login),
      deps.cii.getEndUserState(login).catch((err: unknown) => {
        // An unknown user has no digest either: the card's own lookup says so.
        if (!(err instanceof CiiNotFoundError))
          deps.logger.warn('CII user digest unavailable; showing the card without it', { err });
        return undefined;
      }),
    ]);
    return { user, state, fetchedAt: new Date(now()) };
  }

  async function loadUser(login: string): Promise<UserLookup> {
    const withDomain = deps.defaultEmailDomain && !login.includes('@') ? `${login}@${deps.defaultEmailDomain}` : '';
    try {
      return await loadUserAs(login);
    } catch (err) {
      if (!(err instanceof CiiNotFoundError)) throw err;
      if (!withDomain) throw new UserNotFoundError([login], { cause: err });
    }
    try {
      return { ...(await loadUserAs(withDomain)), foundAs: withDomain };
    } catch (err) {
      throw err instanceof CiiNotFoundError ? new UserNotFoundError([login, withDomain], { cause: err }) : err;
    }
  }

  async function cached<T extends Cached>(key: string): Promise<T> {
    const kept = cache?.get(key);
    if (kept !== undefined) {
      deps.onCacheResult?.('hit');
      return kept as T;
    }
    let call = underWay.get(key);
    deps.onCacheResult?.(call ? 'hit' : 'miss');
    if (!call) {
      call = load(key).then(
        (value) => {
          underWay.delete(key);
          cache?.set(key, value);
          return value;
        },
        (err: unknown) => {
          underWay.delete(key);
          throw err;
        },
      );
      underWay.set(key, call);
    }
    return (await call) as T;
  }

  let prefetching = 0;
  const prefetchQueue: string[] = [];
  const perSecond = deps.prefetchesPerSecond ?? DEFAULT_PREFETCHES_PER_SECOND;
  let second = { startedAt: Number.NEGATIVE_INFINITY, started: 0 };
  let resume: NodeJS.Timeout | undefined;
  const prefetchNext = () => {
    while (prefetching < MAX_PREFETCHES && prefetchQueue.length > 0) {
      const at = now();
      if (at - second.startedAt >= 1_000) second = { startedAt: at, started: 0 };
      if (second.started >= perSecond) {
        resume ??= setTimeout(
          () => {
            resume = undefined;
            prefetchNext();
          },
          second.startedAt + 1_000 - at,
        ).unref();
        return;
      }
      second.started += 1;
      prefetching += 1;
      cached(userKey(prefetchQueue.shift()!))
        .catch(() => undefined)
        .finally(() => {
          prefetching -= 1;
          prefetchNext();
        });
    }
  };

  return {
    prefetchUsers(logins) {
      for (const login of logins) if (prefetchQueue.length < MAX_PREFETCH_QUEUE) prefetchQueue.push(login);
      prefetchNext();
    },
    user: (login) => cached<UserLookup>(userKey(login)),
    usersByIp: (ip) => cached<IpLookup>(`ip\u0000${ip.trim().toLowerCase()}`),
    userContext: async (login) => {
      const { user, state, fetchedAt } = await cached<UserLookup>(userKey(login));
      return { user, ...(state ? { state } : {}), fetchedAt: fetchedAt.getTime() };
    },
    health: async () => {
      const started = now();
      const ping = await deps.cii.ping().then(
        (ok) =>
          ok
            ? { ok: true as const, latencyMs: now() - started }
            : { ok: false as const, error: 'CII answered ping with false' },
        (err: unknown) => ({ ok: false as const, error: describe(err) }),
      );
      const integrations = await deps.cii.getIntegrationsStatus().then(
        (items): CiiHealth['integrations'] => (items ? { kind: 'ok', items } : { kind: 'unsupported' }),
        (err: unknown): CiiHealth['integrations'] => ({ kind: 'error', error: describe(err) }),
      );
      return { ping, token: deps.cii.tokenStatus(), integrations, endpoints: deps.cii.endpoints() };
    },
  };
}

function userKey(login: string): string {
  return `user\u0000${login.trim().toLowerCase()}`;
}

function splitKey(key: string): [string, string] {
  const at = key.indexOf('\u0000');
  return [key.slice(0, at), key.slice(at + 1)];
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
