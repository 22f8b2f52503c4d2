import { problemMessage } from '../../problem.ts';
import { statusCard } from '../../views/status-card.ts';
import { defineSubcommand, parsed } from '../subcommand.ts';

export const status = defineSubcommand({
  name: 'status',
  usage: '/cii status',
  description: 'Check the connection to CII and the health of its integrations.',
  example: '/cii status',
  parse: () => parsed({}),
  answer: async (_args, { deps }) => {
    try {
      const [health, lastWebhookTest, subscriptions] = await Promise.all([
        deps.lookup.health(),
        deps.webhookTests.lastWebhookTest(),
        deps.subscriptions.list(),
      ]);
      const brokenSubscriptions = subscriptions.filter((s) => s.brokenReason !== undefined).length;
      return statusCard({ now: deps.now(), ...health, lastWebhookTest, brokenSubscriptions });
    } catch (err) {
      return problemMessage(err, { logger: deps.logger, action: 'status' });
    }
  },
});
