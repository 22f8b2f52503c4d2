import { duoRequests, type DuoApplication } from './duo-request.ts';
import { createIdpSend, type IdpHttpOptions } from './http.ts';
import { isRecord } from '../util/is-record.ts';

/** The Duo Admin API could not say who has an email (unreachable, refused, or an answer it did not expect). */
export class DuoLookupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DuoLookupError';
  }
}

/**
 * The Duo username of the one Duo user with this email (Admin API `GET /admin/v1/users?email=`, which needs
 * "Grant read resource"); undefined when Duo has none, or several (nobody can tell which is the person).
 */
export function createDuoUserLookup(
  options: DuoApplication & IdpHttpOptions,
): (email: string) => Promise<string | undefined> {
  const request = duoRequests(options);
  const send = createIdpSend(options);
  return async (email) => {
    const outcome = await send('Duo: find a user by email', () =>
      request('GET', '/admin/v1/users', { email: email.trim() }),
    );
    if (!outcome.answered) throw new DuoLookupError(`Duo ${outcome.reason}`);
    const { status, data } = outcome.res;
    if (status !== 200 || !isRecord(data) || data.stat !== 'OK' || !Array.isArray(data.response))
      throw new DuoLookupError(`Duo answered HTTP ${status} to a user lookup by email`);
    const usernames = data.response.flatMap((u) =>
      isRecord(u) && typeof u.username === 'string' && u.username !== '' ? [u.username] : [],
    );
    return usernames.length === 1 ? usernames[0] : undefined;
  };
}
