import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import type { CiiClient } from '../../src/cii/client.ts';
import { CiiNotFoundError, CiiUnavailableError } from '../../src/cii/errors.ts';
import type { EndUser, EndUserState } from '../../src/cii/schemas.ts';
import { silentLogger } from '../../src/logger.ts';
import { createLookupService, UserNotFoundError } from '../../src/services/lookup.ts';

/** A CII client whose user calls wait until released, counting calls and how many run at once. */
function fakeCii() {
  const calls: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const waiting: Array<() => void> = [];
  let failNext = false;
  const state = (login: string): EndUserState => ({ id: login, displayName: `Name ${login}`, login, status: 'ACTIVE' });
  const client = {
    getEndUserState: (login: string) => Promise.resolve(state(login)),
    async getEndUser(login: string) {
      calls.push(login);
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise<void>((resolve) => waiting.push(resolve));
      inFlight -= 1;
      if (failNext) {
        failNext = false;
        throw new CiiUnavailableError('down');
      }
      return {
        endUserDetails: { id: login, login, status: 'ACTIVE', referenceUrl: 'https://cii' },
        providerEndUserDetails: [],
      } as EndUser;
    },
  } as unknown as CiiClient;
  const releaseAll = async () => {
    while (waiting.length > 0) {
      waiting.splice(0).forEach((r) => r());
      await new Promise((r) => setTimeout(r, 0));
    }
  };
  return { client, calls, releaseAll, maxInFlight: () => maxInFlight, failNext: () => (failNext = true) };
}

describe('lookup service', () => {
  it('shares one CII call between concurrent lookups of a login and reuses the answer within the TTL', async () => {
    const cii = fakeCii();
    const results: string[] = [];
    const lookup = createLookupService({
      cii: cii.client,
      ttlSeconds: 60,
      logger: silentLogger,
      onCacheResult: (r) => results.push(r),
    });
    const all = Promise.all([
      lookup.userContext('A@example.com'),
      lookup.userContext('a@example.com'),
      lookup.userContext('a@example.com '),
    ]);
    await cii.releaseAll();
    expect((await all).map((c) => c.state?.displayName)).toEqual([
      'Name a@example.com',
      'Name a@example.com',
      'Name a@example.com',
    ]);
    expect((await lookup.userContext('a@example.com')).state?.displayName).toBe('Name a@example.com');
    expect(cii.calls).toHaveLength(1);
    expect(results).toEqual(['miss', 'hit', 'hit', 'hit']);
  });

  it('with a TTL of 0 still shares one CII call between concurrent lookups, then asks again', async () => {
    const cii = fakeCii();
    const lookup = createLookupService({ cii: cii.client, ttlSeconds: 0, logger: silentLogger });
    const both = Promise.all([lookup.user('c@example.com'), lookup.user('C@example.com')]);
    await cii.releaseAll();
    await both;
    expect(cii.calls).toEqual(['c@example.com']);
    const again = lookup.user('c@example.com');
    await cii.releaseAll();
    await again;
    expect(cii.calls).toEqual(['c@example.com', 'c@example.com']);
  });

  it('with a TTL of 0 keeps no answer once it is given', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const answers: Array<WeakRef<object>> = [];
    const client = {
      getEndUserState: (login: string) => Promise.resolve({ id: login, displayName: login, login, status: 'ACTIVE' }),
      getEndUser: (login: string) => {
        const user = {
          endUserDetails: { id: login, login, status: 'ACTIVE', referenceUrl: 'https://cii' },
          providerEndUserDetails: [],
        };
        answers.push(new WeakRef(user));
        return Promise.resolve(user);
      },
    } as unknown as CiiClient;
    const lookup = createLookupService({ cii: client, ttlSeconds: 0, logger: silentLogger });
    for (let i = 0; i < 20; i++) await lookup.user(`u${i}@example.com`);
    await new Promise((resolve) => setTimeout(resolve, 0));
    gc();
    expect(answers.filter((a) => a.deref() !== undefined)).toHaveLength(0);
  });

  it('never caches a failure: the next lookup asks CII again', async () => {
    const cii = fakeCii();
    const lookup = createLookupService({ cii: cii.client, ttlSeconds: 60, logger: silentLogger });
    cii.failNext();
    const failing = lookup.userContext('b@example.com').then(
      () => undefined,
      (err: unknown) => err,
    );
    await cii.releaseAll();
    expect(await failing).toBeInstanceOf(CiiUnavailableError);
    const retry = lookup.userContext('b@example.com');
    await cii.releaseAll();
    expect((await retry).user.endUserDetails.login).toBe('b@example.com');
    expect(cii.calls).toEqual(['b@example.com', 'b@example.com']);
  });

  it('prefetches a few users at a time and a few a second, drops what overflows its queue, and serves later lookups from the cache', async () => {
    const cii = fakeCii();
    let clock = Date.UTC(2026, 0, 1);
    const lookup = createLookupService({
      cii: cii.client,
      ttlSeconds: 60,
      logger: silentLogger,
      now: () => clock,
      prefetchesPerSecond: 20,
    });
    const logins = Array.from({ length: 500 }, (_, i) => `user${i}@example.com`);
    lookup.prefetchUsers(logins);
    await new Promise((r) => setTimeout(r, 0));
    expect(cii.calls).toHaveLength(8);
    await cii.releaseAll();
    expect(cii.maxInFlight()).toBe(8);
    expect(cii.calls).toHaveLength(20);
    clock += 999;
    lookup.prefetchUsers([]);
    expect(cii.calls).toHaveLength(20);
    // A second later the next twenty; in all, the queue's 200.
    for (let second = 1; second < 10; second++) {
      clock += second === 1 ? 1 : 1_000;
      lookup.prefetchUsers([]);
      await cii.releaseAll();
      expect(cii.calls).toHaveLength(20 * (second + 1));
    }
    clock += 1_000;
    lookup.prefetchUsers([]);
    await cii.releaseAll();
    expect(cii.calls).toHaveLength(200);
    await lookup.userContext('user0@example.com');
    expect(cii.calls).toHaveLength(200);
  });
});

describe('lookup service: the default email domain', () => {
  /** CII knowing only these logins; every getEndUser call is recorded. */
  function ciiKnowing(...known: string[]) {
    const asked: string[] = [];
    const unknown = (login: string) => new CiiNotFoundError(`CII found nothing for ${login}`);
    const client = {
      getEndUser(login: string) {
        asked.push(login);
        if (login === 'down') return Promise.reject(new CiiUnavailableError('CII is down'));
        if (!known.includes(login)) return Promise.reject(unknown(login));
        return Promise.resolve({
          endUserDetails: { id: login, login, status: 'ACTIVE', referenceUrl: '' },
          providerEndUserDetails: [],
        } as EndUser);
      },
      getEndUserState(login: string) {
        if (!known.includes(login)) return Promise.reject(unknown(login));
        return Promise.resolve({ id: login, login, status: 'ACTIVE' } as EndUserState);
      },
    } as unknown as CiiClient;
    return { client, asked };
  }
  const service = (cii: ReturnType<typeof ciiKnowing>, defaultEmailDomain?: string) =>
    createLookupService({
      cii: cii.client,
      ttlSeconds: 60,
      logger: silentLogger,
      ...(defaultEmailDomain ? { defaultEmailDomain } : {}),
    });

  it('tries a bare login that matches nothing once more with the domain, and says which login it found', async () => {
    const cii = ciiKnowing('ryan.patel@example.com');
    const found = await service(cii, 'example.com').user('ryan.patel');
    expect(found.user.endUserDetails.login).toBe('ryan.patel@example.com');
    expect(found.foundAs).toBe('ryan.patel@example.com');
    expect(found.state?.login).toBe('ryan.patel@example.com');
    expect(cii.asked).toEqual(['ryan.patel', 'ryan.patel@example.com']);
  });

  it('asks once when the bare login itself is known, and never adds a domain to an email address', async () => {
    const cii = ciiKnowing('svc.backup');
    const lookup = service(cii, 'example.com');
    expect((await lookup.user('svc.backup')).foundAs).toBeUndefined();
    await expect(lookup.user('ghost@other.org')).rejects.toMatchObject({ tried: ['ghost@other.org'] });
    expect(cii.asked).toEqual(['svc.backup', 'ghost@other.org']);
  });

  it('names both logins when neither matches, and tries no domain when none is configured', async () => {
    const withDomain = ciiKnowing();
    const error = await service(withDomain, 'example.com')
      .user('ghost')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserNotFoundError);
    expect(error).toBeInstanceOf(CiiNotFoundError);
    expect((error as UserNotFoundError).tried).toEqual(['ghost', 'ghost@example.com']);

    const without = ciiKnowing('ryan.patel@example.com');
    await expect(service(without).user('ryan.patel')).rejects.toMatchObject({ tried: ['ryan.patel'] });
    expect(without.asked).toEqual(['ryan.patel']);
  });

  it('does not retry with the domain when CII fails for another reason', async () => {
    const cii = ciiKnowing('down@example.com');
    await expect(service(cii, 'example.com').user('down')).rejects.toBeInstanceOf(CiiUnavailableError);
    expect(cii.asked).toEqual(['down']);
  });
});
