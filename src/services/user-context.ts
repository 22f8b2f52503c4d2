import { z } from 'zod';
import { endUserSchema, endUserStateSchema, type EndUser, type EndUserState } from '../cii/schemas.ts';
import type { StoredAlert, UserContextRecord } from '../store/types.ts';

/** What CII knows about an alert's user (`getEndUser` and the `getEndUserState` digest), as the card shows it. */
export interface UserContext {
  user: EndUser;
  /** Absent when CII answered the full lookup but not the digest. */
  state?: EndUserState;
  fetchedAt: number;
}

const storedSchema = z.object({ user: endUserSchema, state: endUserStateSchema.nullish() });

/** The context as the store keeps it. */
export function contextRecord(context: UserContext): UserContextRecord {
  return { value: { user: context.user, state: context.state ?? null }, fetchedAt: context.fetchedAt };
}

/** What the store keeps for a user CII does not know: asking again would not help. */
export function unknownUserRecord(fetchedAt: number): UserContextRecord {
  return { value: { notFound: true }, fetchedAt };
}

/** CII answered that it has no user with the alert's login. */
export function unknownToCii(alert: Pick<StoredAlert, 'userContext'>): boolean {
  const value = alert.userContext?.value;
  return typeof value === 'object' && value !== null && (value as { notFound?: unknown }).notFound === true;
}

/** The stored context of an alert; undefined when there is none or it no longer reads as CII's shape. */
export function contextOf(alert: Pick<StoredAlert, 'userContext'>): UserContext | undefined {
  if (!alert.userContext) return undefined;
  const parsed = storedSchema.safeParse(alert.userContext.value);
  if (!parsed.success) return undefined;
  return {
    user: parsed.data.user,
    ...(parsed.data.state ? { state: parsed.data.state } : {}),
    fetchedAt: alert.userContext.fetchedAt,
  };
}

/** The name and CII link the context gives, kept on the alert itself for lists and summaries. */
export function namesOf(context: UserContext): { displayName?: string; referenceUrl?: string } {
  const details = context.user.endUserDetails;
  const displayName = details.displayName?.trim() || context.state?.displayName?.trim();
  const referenceUrl = details.referenceUrl?.trim() || context.state?.referenceUrl?.trim();
  return { ...(displayName ? { displayName } : {}), ...(referenceUrl ? { referenceUrl } : {}) };
}
