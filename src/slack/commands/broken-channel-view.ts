import type { SubscriptionService } from '../../services/subscriptions.ts';
import type { BrokenChannelView } from '../views/subscriptions-list.ts';

type BrokenChannel = Awaited<ReturnType<SubscriptionService['brokenChannels']>>[number];

/** A refused channel as `/cii status` and `/cii subscriptions` show it. */
export function brokenChannelView({ since, retryAt, ...channel }: BrokenChannel): BrokenChannelView {
  return { ...channel, since: new Date(since), ...(retryAt === undefined ? {} : { retryAt: new Date(retryAt) }) };
}
