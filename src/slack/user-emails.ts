import type { WebClient } from '@slack/web-api';
import { LRUCache } from 'lru-cache';

/** Slack profile emails (`users.info`, scope users:read.email), cached briefly; a failed lookup is thrown, not cached. */
export function createUserEmails(deps: {
  client: WebClient;
  ttlMs?: number;
}): (userId: string) => Promise<string | undefined> {
  // lru-cache cannot hold undefined: a user without an email is cached as ''.
  const emails = new LRUCache<string, string>({
    max: 1000,
    ttl: deps.ttlMs ?? 5 * 60_000,
    fetchMethod: async (userId) => (await deps.client.users.info({ user: userId })).user?.profile?.email ?? '',
  });
  return async (userId) => {
    const email = await emails.fetch(userId);
    return email === '' || email === undefined ? undefined : email;
  };
}
