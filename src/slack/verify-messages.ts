import type { Logger } from '../logger.ts';
import type { VerifySlack } from '../services/verification/types.ts';
import { verifyQuestion, verifyQuestionClosed } from './views/verify-question.ts';
import { classifySlackError, type SlackWebApi } from './web-api.ts';

/** The metadata event type of a question DM; its payload names the question, so a resend can find it. */
const QUESTION_EVENT = 'cii_verify_question';
/** How far back a resend looks for the question in the DM. */
const HISTORY_LIMIT = 50;

/** "Was this you?" DMs over the Web API (`users.lookupByEmail`, `conversations.open`, `chat.postMessage`). */
export function createVerifyMessages(deps: {
  slack: Pick<SlackWebApi, 'lookupUserByEmail' | 'openDm' | 'recentMessages' | 'postMessage' | 'updateMessage'>;
  logger: Logger;
}): VerifySlack {
  const { slack, logger } = deps;
  return {
    findUser: (email) => slack.lookupUserByEmail(email),

    async ask(userId, content) {
      try {
        const channel = await slack.openDm(userId);
        const { ts } = await slack.postMessage({
          channel,
          ...verifyQuestion(content),
          metadata: { event_type: QUESTION_EVENT, event_payload: { question_id: content.questionId } },
        });
        return { ok: true, channelId: channel, ts };
      } catch (err) {
        const e = classifySlackError(err);
        return e.failure.kind === 'permanent'
          ? { ok: false, permanent: true, reason: e.failure.code }
          : { ok: false, permanent: false, reason: e.message };
      }
    },

    async findAsked(userId, questionId) {
      const channel = await slack.openDm(userId);
      const found = (await slack.recentMessages(channel, HISTORY_LIMIT)).find(
        (m) =>
          m.metadata?.event_type === QUESTION_EVENT && Number(m.metadata.event_payload?.question_id) === questionId,
      );
      return found ? { channelId: channel, ts: found.ts } : undefined;
    },

    async close(where, content, closing) {
      try {
        await slack.updateMessage({
          channel: where.channelId,
          ts: where.ts,
          ...verifyQuestionClosed(content, closing),
        });
      } catch (err) {
        logger.warn('could not close a question DM', { channelId: where.channelId, err });
      }
    },
  };
}
