import { SlackPostError, type SlackPoster } from '../services/delivery/poster.ts';
import { classifySlackError, type SlackWebApi } from './web-api.ts';
import type { SlackMessage } from './views/limits.ts';

/** The delivery worker's poster: the adapter's classification, in the worker's terms. */
export function createSlackPoster(slack: Pick<SlackWebApi, 'postMessage'>): SlackPoster {
  return {
    async post(message) {
      try {
        return await slack.postMessage({ ...message, blocks: message.blocks as SlackMessage['blocks'] });
      } catch (err) {
        const e = classifySlackError(err);
        const f = e.failure;
        throw new SlackPostError(
          e.message,
          f.kind === 'permanent' ? { kind: 'permanent', code: f.code, breaksSubscription: f.scope !== 'message' } : f,
          { cause: err },
        );
      }
    },
  };
}
