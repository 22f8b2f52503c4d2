import { type Severity, severityRank } from '../alerts/finding.ts';
import type { BrokenChannel, Subscription, SubscriptionStore } from '../store/types.ts';

export type { Subscription };

/**
 * `repaired`: the channel was broken and is active again; the cards of `waitingFindings` findings that waited for
 * it are posted now.
 */
export type SubscribeResult = (
  { created: true; subscription: Subscription } | { created: false; existing: Subscription }
) & { repaired: boolean; waitingFindings: number };

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
  /**
   * Slack says the channel can take posts again (the app was added to it, or it was unarchived): a channel it
   * refused is repaired and its waiting cards go out, as `/cii subscribe` there would.
   */
  channelReopened(channelId: string): Promise<{ repaired: boolean; waitingFindings: number }>;
  /** Channels Slack refused, with the findings waiting for each. */
  brokenChannels(): Promise<BrokenChannel[]>;
  /**
   * Subscriptions wanting a finding of this check and severity, broken ones included: a broken channel's cards are
   * queued and wait for its repair.
   */
  matching(checkId: string, severity: Severity): Promise<Subscription[]>;
}

function normalizeCheckIds(checkIds: string[]): string[] {
  return [...new Set(checkIds.map((id) => id.trim().toLowerCase()).filter((id) => id !== ''))].sort();
}

export function createSubscriptionService(deps: {
  store: SubscriptionStore;
  /** A repaired channel's waiting cards are due: wake the delivery worker. */
  onRepaired?: () => void;
  clock?: { now(): number };
  /** How long `matching` trusts its copy; changes through this service refresh it at once. */
  cacheTtlMs?: number;
}): SubscriptionService {
  const { store } = deps;
  const clock = deps.clock ?? { now: () => Date.now() };
  const cacheTtlMs = deps.cacheTtlMs ?? 5_000;
  let cache: { all: Subscription[]; loadedAt: number } | undefined;

  const invalidate = () => {
    cache = undefined;
  };

  async function all(): Promise<Subscription[]> {
    const now = clock.now();
    if (cache && now - cache.loadedAt < cacheTtlMs) return cache.all;
    cache = { all: await store.listSubscriptions(), loadedAt: now };
    return cache.all;
  }

  /** A channel Slack refused is open again: its subscriptions are active and its waiting cards go out. */
  async function repairChannel(channelId: string): Promise<{ repaired: boolean; waitingFindings: number }> {
    const { repaired, waitingFindings } = await store.repairChannel(channelId, clock.now());
    if (repaired > 0) {
      invalidate();
      deps.onRepaired?.();
    }
    return { repaired: repaired > 0, waitingFindings };
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
      // Subscribing in a channel is how it says "fixed it" (e.g. the bot was invited back): the caller checked that
      // the app can post there, so every subscription of the channel is active again and its waiting cards go out.
      const repair = await repairChannel(channelId);
      if (result.created) {
        invalidate();
        return { created: true, subscription: result.subscription, ...repair };
      }
      const existing = { ...result.subscription, brokenReason: undefined, brokenAt: undefined };
      return { created: false, existing, ...repair };
    },

    async unsubscribe({ channelId, id }) {
      const removed = await store.removeSubscriptions(id === 'all' ? { channelId } : { channelId, id });
      if (removed > 0) invalidate();
      return removed;
    },

    list: (filter) => store.listSubscriptions(filter),

    channelReopened: (channelId) => repairChannel(channelId),

    brokenChannels: () => store.brokenChannels(),

    async matching(checkId, severity) {
      const check = checkId.trim().toLowerCase();
      const rank = severityRank(severity);
      return (await all()).filter(
        (s) => (s.checkIds.length === 0 || s.checkIds.includes(check)) && rank >= severityRank(s.minSeverity),
      );
    },
  };
}
