import { type CardMetadata, SlackPostError, type SlackPoster } from '../services/delivery/poster.ts';
import { classifySlackError, type PostedMessage, type SlackWebApi } from './web-api.ts';
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

/** A page of history, and how many pages a lookup reads at most (Tier 3: about 50 calls a minute). */
const PAGE = 200;
const MAX_PAGES = 5;

function matches(message: PostedMessage, wanted: CardMetadata): boolean {
  const { metadata } = message;
  if (metadata?.event_type !== wanted.event_type) return false;
  return Object.entries(wanted.event_payload).every(([k, v]) => String(metadata.event_payload?.[k]) === String(v));
}

/** The delivery worker's poster: the adapter's classification, in the worker's terms. */
export function createSlackPoster(
  slack: Pick<SlackWebApi, 'postMessage' | 'checkToken' | 'messagesSince'>,
): SlackPoster {
  return {
    async findPosted({ channel, threadTs, since, metadata }) {
      let cursor: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        let found;
        try {
          found = await slack.messagesSince({
            channel,
            oldest: since,
            limit: PAGE,
            ...(threadTs ? { threadTs } : {}),
            ...(cursor ? { cursor } : {}),
          });
        } catch (err) {
          throw toPostError(err);
        }
        const message = found.messages.find((m) => matches(m, metadata));
        if (message) return { ts: message.ts };
        if (!found.nextCursor) return undefined;
        cursor = found.nextCursor;
      }
      throw new SlackPostError(`more than ${PAGE * MAX_PAGES} messages to look through`, { kind: 'transient' });
    },
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
