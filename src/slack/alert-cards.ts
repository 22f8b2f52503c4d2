import type { Logger } from '../logger.ts';
import type { CardWriter } from '../services/cards/card-service.ts';
import { summaryView } from '../services/delivery/compose.ts';
import type { AlertCardRenderer } from './alert-renderer.ts';
import { responseReport } from './views/alert-decision.ts';
import type { SlackMessage } from './views/limits.ts';
import { escalationReply } from './views/verify-state.ts';
import { replyInThreads, slackFailureOf } from './thread-replies.ts';
import type { SlackWebApi } from './web-api.ts';

/**
 * Every posted copy of an alert's card, over the Web API: `chat.update` re-renders each copy (thread cards
 * under a summary included), replies go in each copy's thread. Slack failures are logged, never thrown:
 * the decision is already stored, and the next refresh renders it again.
 */
export function createAlertCardWriter(deps: {
  slack: Pick<SlackWebApi, 'postMessage' | 'updateMessage'>;
  render: AlertCardRenderer;
  logger: Logger;
}): CardWriter {
  const { slack, render, logger } = deps;

  const replyUnder = (copies: Parameters<CardWriter['reply']>[0], alertId: string, message: SlackMessage) =>
    replyInThreads({ slack, logger }, copies, alertId, message);

  return {
    async update(copies, alert, actions) {
      // A copy in a summary's thread leaves the check's description to the summary.
      const messages = new Map<boolean, SlackMessage>();
      const messageFor = (inThread: boolean) => {
        let message = messages.get(inThread);
        if (!message) messages.set(inThread, (message = render.decided(alert, actions, { inThread })));
        return message;
      };
      try {
        for (const copy of copies) messageFor(copy.threadTs !== undefined);
      } catch (err) {
        logger.error('could not render an alert card for update', { alertId: alert.id, err });
        return;
      }
      await Promise.all(
        copies.map(async (copy) => {
          try {
            await slack.updateMessage({
              channel: copy.channelId,
              ts: copy.ts,
              ...messageFor(copy.threadTs !== undefined),
            });
          } catch (err) {
            logger.warn('could not update a posted alert card', {
              alertId: alert.id,
              channelId: copy.channelId,
              ts: copy.ts,
              ...slackFailureOf(err),
            });
          }
        }),
      );
    },

    async updateSummaries(summaries) {
      await Promise.all(
        summaries.map(async ({ copy, summary }) => {
          try {
            const message = render.summary(summaryView(summary));
            await slack.updateMessage({ channel: copy.channelId, ts: copy.ts, ...message });
          } catch (err) {
            logger.warn('could not update a posted summary card', {
              findingId: summary.findingId,
              channelId: copy.channelId,
              ts: copy.ts,
              ...slackFailureOf(err),
            });
          }
        }),
      );
    },

    reply: (copies, alertId, report) =>
      replyUnder(copies, alertId, responseReport({ ...report, by: report.actor, at: new Date(report.at) })),

    escalate: (copies, alert, escalation) =>
      replyUnder(copies, alert.id, escalationReply({ ...escalation, login: alert.login })),
  };
}
