import type { WebClient } from '@slack/web-api';
import type { Logger } from '../logger.ts';
import type { AlertCards } from '../services/responses/types.ts';
import type { AlertStore, OutboxStore } from '../store/types.ts';
import type { AlertCardRenderer } from './alert-renderer.ts';
import { platformCode } from './channel-poster.ts';
import { responseReport } from './views/alert-decision.ts';

/**
 * Every posted copy of an alert's card, over the Web API: `chat.update` re-renders each copy (thread cards
 * under a summary included), replies go in each copy's thread. Slack failures are logged, never thrown:
 * the decision is already stored, and the next refresh renders it again.
 */
export function createAlertCards(deps: {
  client: WebClient;
  store: Pick<AlertStore, 'getAlert' | 'listAlertActions'> & Pick<OutboxStore, 'postedCopiesOf'>;
  render: AlertCardRenderer;
  logger: Logger;
}): AlertCards {
  const { client, store, render, logger } = deps;

  const copiesOf = (alertId: string) =>
    store.postedCopiesOf(alertId).catch((err: unknown) => {
      logger.error('could not list the posted cards of an alert', { alertId, err });
      return [];
    });

  return {
    async refresh(alertId) {
      let message;
      try {
        const [alert, actions] = await Promise.all([store.getAlert(alertId), store.listAlertActions(alertId)]);
        if (!alert) return;
        message = render.decided(alert, actions);
      } catch (err) {
        logger.error('could not render an alert card for update', { alertId, err });
        return;
      }
      const { text, blocks } = message;
      await Promise.all(
        (await copiesOf(alertId)).map(async (copy) => {
          try {
            await client.chat.update({ channel: copy.channelId, ts: copy.ts, text, blocks });
          } catch (err) {
            logger.warn('could not update a posted alert card', {
              alertId,
              channelId: copy.channelId,
              ts: copy.ts,
              code: platformCode(err),
              err,
            });
          }
        }),
      );
    },

    async threadReply(alertId, report) {
      const { text, blocks } = responseReport({ ...report, by: report.actor, at: new Date(report.at) });
      await Promise.all(
        (await copiesOf(alertId)).map(async (copy) => {
          try {
            await client.chat.postMessage({
              channel: copy.channelId,
              thread_ts: copy.threadTs ?? copy.ts,
              text,
              blocks,
              unfurl_links: false,
              unfurl_media: false,
            });
          } catch (err) {
            logger.warn('could not reply under a posted alert card', {
              alertId,
              channelId: copy.channelId,
              code: platformCode(err),
              err,
            });
          }
        }),
      );
    },
  };
}
