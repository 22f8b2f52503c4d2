import type { WebClient } from '@slack/web-api';
import { LRUCache } from 'lru-cache';
import type { Logger } from '../logger.ts';

/**
 * Resolves a list of Slack principals (user ids `U…`/`W…`, user-group ids `S…`) into a membership test.
 * Group members come from `usergroups.users.list`, cached briefly so a group change applies within a minute.
 */
export interface PrincipalResolver {
  includes(userId: string, principals: readonly string[]): Promise<boolean>;
}

export function createPrincipalResolver(deps: {
  client: WebClient;
  logger: Logger;
  ttlMs?: number;
}): PrincipalResolver {
  const groups = new LRUCache<string, ReadonlySet<string>>({
    max: 200,
    ttl: deps.ttlMs ?? 60_000,
    fetchMethod: async (groupId) => {
      const res = await deps.client.usergroups.users.list({ usergroup: groupId });
      return new Set(res.users ?? []);
    },
  });

  return {
    async includes(userId, principals) {
      if (principals.includes(userId)) return true;
      for (const groupId of principals.filter((p) => p.startsWith('S'))) {
        try {
          if ((await groups.fetch(groupId))?.has(userId)) return true;
        } catch (err) {
          // Deny on doubt: an unreadable group grants nothing.
          deps.logger.warn('could not read a Slack user group; treating its members as not listed', { groupId, err });
        }
      }
      return false;
    },
  };
}

/** CII_RESPONDERS membership. Deny by default: with no responders configured nobody may act on alerts. */
export function responderCheck(
  principals: PrincipalResolver,
  responders: readonly string[],
): (userId: string) => Promise<boolean> {
  return (userId) => principals.includes(userId, responders);
}
