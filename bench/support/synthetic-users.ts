import { seedUsers, type SimUser } from '../../sim/cii/seed.ts';

/** `jane.doe@example.com` → `jane.doe.b42@example.com`; a login without a domain gets the suffix at the end. */
function suffixed(login: string, n: number): string {
  const at = login.indexOf('@');
  return at < 0 ? `${login}.b${n}` : `${login.slice(0, at)}.b${n}${login.slice(at)}`;
}

/** A UUID-shaped id that is unique per clone. */
function cloneId(id: string, n: number): string {
  return `${id.slice(0, 24)}${n.toString(16).padStart(12, '0')}`;
}

/**
 * `count` users cloned round-robin from the seed, each with a unique login (and emails, provider logins,
 * id), so that lookups of distinct clones cannot share a cache entry in the app.
 */
export function syntheticUsers(count: number, seed: readonly SimUser[] = seedUsers): SimUser[] {
  return Array.from({ length: count }, (_, n) => {
    const base = seed[n % seed.length]!;
    const id = cloneId(base.id, n);
    return {
      ...base,
      id,
      login: suffixed(base.login, n),
      emails: base.emails.map((e) => suffixed(e, n)),
      accounts: base.accounts.map((a) => ({
        ...a,
        login: suffixed(a.login, n),
        email: a.email === null ? null : suffixed(a.email, n),
      })),
      referenceUrl: base.referenceUrl.replace(base.id, id),
    };
  });
}
