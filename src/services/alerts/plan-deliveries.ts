import type { NewAlert, PlannedDelivery } from '../../store/types.ts';

/** Where a finding's cards go: each channel once, through one of its matching subscriptions (none: the fallback). */
export interface Route {
  channelId: string;
  subscriptionId?: number;
}

/**
 * One card per new alert per channel; past `groupThreshold` users a channel gets one summary card
 * with the per-user cards in its thread instead of a wall of cards.
 */
export function planDeliveries(created: NewAlert[], routes: Route[], groupThreshold: number): PlannedDelivery[] {
  if (created.length === 0) return [];
  return routes.flatMap(({ channelId, subscriptionId }): PlannedDelivery[] =>
    created.length > groupThreshold
      ? [{ kind: 'summary', channelId, subscriptionId, childAlertIds: created.map((a) => a.id) }]
      : created.map((a) => ({ kind: 'alert', alertId: a.id, channelId, subscriptionId })),
  );
}
