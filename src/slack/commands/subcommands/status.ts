import { problemMessage } from '../../problem.ts';
import type { AlertCounts } from '../../../services/alerts/accounting.ts';
import { type AlertCountsView, statusCard } from '../../views/status-card.ts';
import { defineSubcommand, parsed } from '../subcommand.ts';
import { brokenChannelView } from '../broken-channel-view.ts';

export const status = defineSubcommand({
  name: 'status',
  usage: '/cii status',
  description:
    'Check the connection to CII and the health of its integrations; count the alerts of the last 24 hours and 7 days.',
  example: '/cii status',
  parse: () => parsed({}),
  answer: async (_args, { deps }) => {
    try {
      const [health, lastWebhookTest, brokenChannels, counts] = await Promise.all([
        deps.lookup.health(),
        deps.webhookTests.lastWebhookTest(),
        deps.subscriptions.brokenChannels(),
        deps.accounting.counts(),
      ]);
      const paused = deps.delivery.paused();
      const delivery = {
        brokenChannels: brokenChannels.map(brokenChannelView),
        ...(paused ? { paused: { reason: paused.reason, since: new Date(paused.since) } } : {}),
      };
      const alerts = { day: countsView(counts.day), week: countsView(counts.week) };
      return statusCard({ now: deps.now(), ...health, lastWebhookTest, delivery, alerts });
    } catch (err) {
      return problemMessage(err, { logger: deps.logger, action: 'status' });
    }
  },
});

function countsView({ pendingSince, ...counts }: AlertCounts): AlertCountsView {
  return { ...counts, ...(pendingSince === undefined ? {} : { pendingSince: new Date(pendingSince) }) };
}
