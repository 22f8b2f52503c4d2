import { problemMessage } from '../../problem.ts';
import { subscriptionsList } from '../../views/subscriptions-list.ts';
import { defineSubcommand, parsed } from '../subcommand.ts';
import { isAdmin, summary } from '../subscription-access.ts';
import { subscribe } from './subscribe.ts';
import { unsubscribe } from './unsubscribe.ts';
import { brokenChannelView } from '../broken-channel-view.ts';

export const subscriptions = defineSubcommand({
  name: 'subscriptions',
  usage: '/cii subscriptions',
  description: 'List this channel’s alert subscriptions.',
  example: '/cii subscriptions',
  parse: () => parsed({}),
  // Everyone sees the channel's subscriptions; CII admins see every channel's.
  answer: async (_args, { deps, context }) => {
    try {
      const all = await isAdmin(deps, context.userId);
      const [list, broken] = await Promise.all([
        deps.subscriptions.list(all ? {} : { channelId: context.channelId }),
        deps.subscriptions.brokenChannels(),
      ]);
      const channels = broken.filter((c) => all || c.channelId === context.channelId).map(brokenChannelView);
      return subscriptionsList({
        scope: all ? 'all' : 'channel',
        subscriptions: list.map((s) => ({ ...summary(s), createdBy: s.createdBy, brokenReason: s.brokenReason })),
        broken: { now: deps.now(), channels },
        usage: { subscribe: subscribe.usage, unsubscribe: unsubscribe.usage },
        canAdd: all || deps.admins.length === 0,
      });
    } catch (err) {
      return problemMessage(err, { logger: deps.logger, action: 'subscriptions' });
    }
  },
});
