import { type Severity, severityRank } from '../alerts/finding.ts';
import type { Subscription, SubscriptionStore } from '../store/types.ts';

export type { Subscription };

export type SubscribeResult =
  | { created: true; subscription: Subscription }
  /** `repaired`: the existing subscription was broken and is active again. */
  | { created: false; existing: Subscription; repaired: boolean };

export interface SubscriptionService {
  subscribe(input: {
    channelId: string;
    checkIds: string[];
    minSeverity: Severity;
    userId: string;
  }): Promise<SubscribeResult>;
  /** Removes one subscription of the channel, or all of them; returns how many were removed. */
  unsubscribe(input: { channelId: string; id: number | 'all' }): Promise<number>;
  list(filter?: { channelId?: string }): Promise<Subscription[]>;
  /** Active subscriptions wanting a finding of this check and severity. */
  matching(checkId: string, severity: Severity): Promise<Subscription[]>;
  /** Drops the cached subscriptions (another process changed them). */
  invalidate(): void;
}

export function normalizeCheckIds(checkIds: string[]): string[] {
  return [...new Set(checkIds.map((id) => id.trim().toLowerCase()).filter((id) => id !== ''))].sort();
}

export function createSubscriptionService(deps: {
  store: Omit<SubscriptionStore, 'markSubscriptionBroken'>;
  clock?: { now(): number };
  /** How long `matching` trusts its copy; changes through this service refresh it at once. */
  cacheTtlMs?: number;
}): SubscriptionService {
  const { store } = deps;
  const clock = deps.clock ?? { now: () => Date.now() };
  const cacheTtlMs = deps.cacheTtlMs ?? 5_000;
  let cache: { active: Subscription[]; loadedAt: number } | undefined;

  const invalidate = () => {
    cache = undefined;
  };

  async function active(): Promise<Subscription[]> {
    const now = clock.now();
    if (cache && now - cache.loadedAt < cacheTtlMs) return cache.active;
    const all = await store.listSubscriptions();
    cache = { active: all.filter((s) => s.brokenReason === undefined), loadedAt: now };
    return cache.active;
  }

  return {
    async subscribe({ channelId, checkIds, minSeverity, userId }) {
      const result = await store.addSubscription({
        channelId,
        checkIds: normalizeCheckIds(checkIds),
        minSeverity,
        createdBy: userId,
        createdAt: clock.now(),
      });
      if (result.created) {
        invalidate();
        return { created: true, subscription: result.subscription };
      }
      const existing = result.subscription;
      if (existing.brokenReason === undefined) return { created: false, existing, repaired: false };
      // Subscribing again is how a channel says "fixed it" (e.g. the bot was invited back).
      await store.clearSubscriptionBroken(existing.id);
      invalidate();
      return {
        created: false,
        existing: { ...existing, brokenReason: undefined, brokenAt: undefined },
        repaired: true,
      };
    },

    async unsubscribe({ channelId, id }) {
      const removed = await store.removeSubscriptions(id === 'all' ? { channelId } : { channelId, id });
      if (removed > 0) invalidate();
      return removed;
    },

    list: (filter) => store.listSubscriptions(filter),

    async matching(checkId, severity) {
      const check = checkId.trim().toLowerCase();
      const rank = severityRank(severity);
      return (await active()).filter(
        (s) => (s.checkIds.length === 0 || s.checkIds.includes(check)) && rank >= severityRank(s.minSeverity),
      );
    },

    invalidate,
  };
}
