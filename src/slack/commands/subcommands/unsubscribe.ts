import { subscriptionResult } from '../../views/subscription-result.ts';
import { defineSubcommand, invalid, parsed } from '../subcommand.ts';
import { adminsOnly } from '../subscription-access.ts';

export const unsubscribe = defineSubcommand({
  name: 'unsubscribe',
  usage: '/cii unsubscribe <id>|all',
  description: 'Remove one of this channel’s subscriptions, or all of them.',
  example: '/cii unsubscribe 12',
  parse: (args) => {
    if (args.length !== 1) return invalid('Give one subscription id (see `/cii subscriptions`) or `all`.');
    return parsed({ target: args[0]!.toLowerCase() === 'all' ? 'all' : args[0]! });
  },
  answer: ({ target }, call) =>
    adminsOnly('unsubscribe', call, async (deps, { channelId }) => {
      const id = target === 'all' ? 'all' : Number(target);
      if (id !== 'all' && !Number.isSafeInteger(id)) {
        return subscriptionResult({ kind: 'nothing_to_unsubscribe', channelId, target });
      }
      const count = await deps.subscriptions.unsubscribe({ channelId, id });
      return count === 0
        ? subscriptionResult({ kind: 'nothing_to_unsubscribe', channelId, target })
        : subscriptionResult({ kind: 'unsubscribed', channelId, count, target });
    }),
});
