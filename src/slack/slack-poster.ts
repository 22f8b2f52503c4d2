import { ErrorCode, type WebClient } from '@slack/web-api';
import { SlackPostError, type SlackPoster } from '../services/delivery/poster.ts';
import type { SlackMessage } from './views/limits.ts';

/** `ok:false` codes that mean "try again later" rather than "this will never work". */
const TRANSIENT_PLATFORM_CODES = new Set([
  'ratelimited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
]);

/**
 * Permanent codes that mean the channel (or the whole install) cannot receive cards until someone acts:
 * the subscription is marked broken. Other permanent codes (e.g. `invalid_blocks`) fail only the card.
 */
const SUBSCRIPTION_BREAKING_CODES: ReadonlySet<string> = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'invalid_auth',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'not_authed',
  'missing_scope',
  'restricted_action',
  'restricted_action_read_only_channel',
  'restricted_action_thread_only_channel',
  'restricted_action_non_threadable_channel',
  'team_access_not_granted',
  'ekm_access_denied',
]);

/** The delivery worker's poster over the Web API client, with Slack's failures classified once, here. */
export function createSlackPoster(client: WebClient): SlackPoster {
  return {
    async post(message) {
      try {
        const res = await client.chat.postMessage({
          channel: message.channel,
          text: message.text,
          blocks: message.blocks as SlackMessage['blocks'],
          ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
          ...(message.metadata ? { metadata: message.metadata } : {}),
          unfurl_links: false,
          unfurl_media: false,
        });
        if (!res.ts) throw new SlackPostError('Slack answered without a message ts', { kind: 'transient' });
        return { ts: res.ts };
      } catch (err) {
        throw classifySlackError(err);
      }
    },
  };
}

export function classifySlackError(err: unknown): SlackPostError {
  if (err instanceof SlackPostError) return err;
  const e = err as {
    code?: string;
    retryAfter?: number;
    data?: { error?: string };
    statusCode?: number;
    message?: string;
  };
  switch (e.code) {
    case ErrorCode.RateLimitedError:
      return new SlackPostError(
        'Slack rate limited the post',
        { kind: 'rate_limited', retryAfterMs: (e.retryAfter ?? 1) * 1000 },
        { cause: err },
      );
    case ErrorCode.PlatformError: {
      const code = e.data?.error ?? 'unknown_error';
      if (TRANSIENT_PLATFORM_CODES.has(code))
        return new SlackPostError(`Slack error ${code}`, { kind: 'transient' }, { cause: err });
      return new SlackPostError(
        `Slack refused the post: ${code}`,
        { kind: 'permanent', code, breaksSubscription: SUBSCRIPTION_BREAKING_CODES.has(code) },
        { cause: err },
      );
    }
    case ErrorCode.HTTPError:
      return new SlackPostError(`Slack answered HTTP ${e.statusCode ?? '?'}`, { kind: 'transient' }, { cause: err });
    default:
      return new SlackPostError(
        `Slack could not be reached: ${e.message ?? String(err)}`,
        { kind: 'transient' },
        { cause: err },
      );
  }
}
