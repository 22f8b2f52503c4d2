import { SlackPostError, type SlackPoster } from '../services/delivery/poster.ts';
import { classifySlackError, type SlackWebApi } from './web-api.ts';
import type { SlackMessage } from './views/limits.ts';

/** A Slack failure in the worker's terms. */
function toPostError(err: unknown): SlackPostError {
  const e = classifySlackError(err);
  const f = e.failure;
  return new SlackPostError(
    e.message,
    f.kind === 'permanent' ? { kind: 'permanent', code: f.code, scope: f.scope } : f,
    {
      cause: err,
    },
  );
}

/** The delivery worker's poster: the adapter's classification, in the worker's terms. */
export function createSlackPoster(slack: Pick<SlackWebApi, 'postMessage' | 'checkToken'>): SlackPoster {
  return {
    async post(message) {
      try {
        return await slack.postMessage({ ...message, blocks: message.blocks as SlackMessage['blocks'] });
      } catch (err) {
        throw toPostError(err);
      }
    },
    async checkAccess() {
      try {
        await slack.checkToken();
      } catch (err) {
        throw toPostError(err);
      }
    },
  };
}
