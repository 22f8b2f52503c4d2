import type { EndUser } from '../../cii/schemas.ts';

/**
 * One spelling for an email or login: trimmed, lower case, and for an address without its `+tag`
 * (`Olivia.Bennett+admin@Example.com` → `olivia.bennett@example.com`).
 */
export function normalizeIdentity(value: string): string {
  const lower = value.trim().toLowerCase();
  const at = lower.lastIndexOf('@');
  if (at <= 0) return lower;
  const local = lower.slice(0, at);
  const plus = local.indexOf('+');
  return plus > 0 ? `${local.slice(0, plus)}${lower.slice(at)}` : lower;
}

/**
 * Every email and login CII knows for the alert's user: the alert's login, the user's login, emails and linked
 * logins, and the login and email of each provider account. `user` is undefined when CII has no such user.
 */
export function identitiesOf(alertLogin: string, user: EndUser | undefined): Set<string> {
  const details = user?.endUserDetails;
  const values = [
    alertLogin,
    details?.login,
    ...(details?.emails ?? []),
    ...(details?.linkedEndUserLogins ?? []),
    ...(user?.providerEndUserDetails ?? []).flatMap((account) => [account.login, account.email]),
  ];
  return new Set(
    values.filter((v): v is string => typeof v === 'string' && v.trim() !== '').map((v) => normalizeIdentity(v)),
  );
}

/** True when the clicker's Slack email is one of the alert user's identities. */
export function isSameIdentity(email: string, identities: ReadonlySet<string>): boolean {
  return identities.has(normalizeIdentity(email));
}
