import { problemMessage } from '../../problem.ts';
import type { AlertCounts } from '../../../services/alerts/accounting.ts';
import { type AlertCountsView, statusCard } from '../../views/status-card.ts';
import { defineSubcommand, parsed } from '../subcommand.ts';

export const status = defineSubcommand({
  name: 'status',
  usage: '/cii status',
  description:
    'Check the connection to CII and the health of its integrations; count the alerts of the last 24 hours and 7 days.',
  example: '/cii status',
  parse: () => parsed({}),
  answer: async (_args, { deps }) => {
    try {
      const [health, lastWebhookTest, subscriptions, counts] = await Promise.all([
        deps.lookup.health(),
        deps.webhookTests.lastWebhookTest(),
        deps.subscriptions.list(),
        deps.accounting.counts(),
      ]);
      const brokenSubscriptions = subscriptions.filter((s) => s.brokenReason !== undefined).length;
      const alerts = { day: countsView(counts.day), week: countsView(counts.week) };
      return statusCard({ now: deps.now(), ...health, lastWebhookTest, brokenSubscriptions, alerts });
    } catch (err) {
      return problemMessage(err, { logger: deps.logger, action: 'status' });
    }
  },
});

function countsView({ pendingSince, ...counts }: AlertCounts): AlertCountsView {
  return { ...counts, ...(pendingSince === undefined ? {} : { pendingSince: new Date(pendingSince) }) };
}
