import type { Logger } from '../logger.ts';
import type { PostedCopy } from '../services/mutes.ts';
import type { SlackMessage } from './views/limits.ts';
import { classifySlackError, type SlackWebApi } from './web-api.ts';

/** Replies in the thread of each posted copy of an alert's card; a failure is logged, never thrown. */
export function replyInThreads(
  deps: { slack: Pick<SlackWebApi, 'postMessage'>; logger: Logger },
  copies: readonly PostedCopy[],
  alertId: string,
  message: SlackMessage,
): Promise<void> {
  return Promise.all(
    copies.map(async (copy) => {
      try {
        await deps.slack.postMessage({ channel: copy.channelId, threadTs: copy.threadTs ?? copy.ts, ...message });
      } catch (err) {
        deps.logger.warn('could not reply under a posted alert card', {
          alertId,
          channelId: copy.channelId,
          ...slackFailureOf(err),
        });
      }
    }),
  ).then(() => undefined);
}

/** What a log line says of a failed Slack call. */
export function slackFailureOf(err: unknown) {
  const e = classifySlackError(err);
  return { code: e.code, failure: e.failure.kind, err };
}
