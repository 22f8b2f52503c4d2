import type { KnownBlock } from '@slack/types';
import { ErrorCode, type WebClient } from '@slack/web-api';
import { retryAfterMsOf } from './slack-errors.ts';
import type { SlackMessage } from './views/limits.ts';

/**
 * How a failed Web API call should be treated, decided once here for every writer:
 * - `rate_limited`: HTTP 429; wait at least `retryAfterMs` before calling for that channel again.
 * - `transient`: network error, timeout, 5xx, or an `ok:false` code that means "later"; retry with backoff.
 * - `permanent`: Slack refused for good. `scope` says what is refused: only this `message` (`invalid_blocks`),
 *   every message to this `channel` (`channel_not_found`, `is_archived`), or every call of the `app`
 *   (`invalid_auth`, `missing_scope`).
 */
export type SlackFailure =
  | { kind: 'rate_limited'; retryAfterMs: number }
  | { kind: 'transient' }
  | { kind: 'permanent'; scope: 'message' | 'channel' | 'app'; code: string };

/** A failed Web API call, classified. Its message carries Slack's code, never a token. */
export class SlackApiError extends Error {
  override readonly name = 'SlackApiError';
  readonly failure: SlackFailure;
  /** Slack's `error` when it answered `ok:false`. */
  readonly code: string | undefined;

  constructor(message: string, failure: SlackFailure, options: { code?: string; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.failure = failure;
    this.code = options.code;
  }
}

/** `ok:false` codes that mean "try again later" rather than "this will never work". */
const TRANSIENT_CODES: ReadonlySet<string> = new Set([
  'ratelimited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
]);

/** The channel cannot receive any message until someone acts there. */
const CHANNEL_CODES: ReadonlySet<string> = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'restricted_action',
  'restricted_action_read_only_channel',
  'restricted_action_thread_only_channel',
  'restricted_action_non_threadable_channel',
]);

/** The install itself is unusable (token, scopes, workspace policy) until an admin acts. */
const APP_CODES: ReadonlySet<string> = new Set([
  'invalid_auth',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'not_authed',
  'missing_scope',
  'team_access_not_granted',
  'ekm_access_denied',
]);

export function classifySlackError(err: unknown): SlackApiError {
  if (err instanceof SlackApiError) return err;
  const e = err as { code?: string; data?: { error?: unknown }; statusCode?: number };
  switch (e.code) {
    case ErrorCode.RateLimitedError:
      return new SlackApiError(
        'Slack rate limited the call',
        { kind: 'rate_limited', retryAfterMs: retryAfterMsOf(err) ?? 1000 },
        { cause: err },
      );
    case ErrorCode.PlatformError: {
      const code = typeof e.data?.error === 'string' ? e.data.error : 'unknown_error';
      if (TRANSIENT_CODES.has(code))
        return new SlackApiError(`Slack error ${code}`, { kind: 'transient' }, { code, cause: err });
      const scope = CHANNEL_CODES.has(code) ? 'channel' : APP_CODES.has(code) ? 'app' : 'message';
      return new SlackApiError(
        `Slack refused the call: ${code}`,
        { kind: 'permanent', scope, code },
        { code, cause: err },
      );
    }
    case ErrorCode.HTTPError:
      return new SlackApiError(`Slack answered HTTP ${e.statusCode ?? '?'}`, { kind: 'transient' }, { cause: err });
    default:
      return new SlackApiError(
        `Slack could not be reached: ${err instanceof Error ? err.message : String(err)}`,
        { kind: 'transient' },
        { cause: err },
      );
  }
}

export interface ChannelInfo {
  isArchived: boolean;
  isMember: boolean;
  /** Private channel, DM or group DM: the bot cannot join it by itself. */
  isPrivate: boolean;
}

export interface PostArgs extends SlackMessage {
  channel: string;
  threadTs?: string;
  /** Slack message metadata, so a posted card can be traced back to what it shows. */
  metadata?: { event_type: string; event_payload: Record<string, string | number> };
  /** Link and media previews stay off unless asked for. */
  unfurl?: boolean;
}

/** A Slack account found by email. */
export interface SlackPerson {
  id: string;
  realName?: string;
  deleted: boolean;
  isBot: boolean;
}

/** A message the app posted, as `conversations.history` gives it back. */
export interface PostedMessage {
  ts: string;
  metadata?: { event_type?: string; event_payload?: Record<string, unknown> };
}

/** The Web API calls the app writes with; every failure is thrown as a classified `SlackApiError`. */
export interface SlackWebApi {
  /** `users.lookupByEmail`; undefined when no account has the email (`users_not_found`). */
  lookupUserByEmail(email: string): Promise<SlackPerson | undefined>;
  /** `conversations.open` of the DM with one user: its `D…` channel id. */
  openDm(userId: string): Promise<string>;
  /** The latest messages of a conversation (with their metadata), newest first. */
  recentMessages(channel: string, limit: number): Promise<PostedMessage[]>;
  /**
   * One page of the messages posted after `oldest` (epoch ms) with their metadata: top-level ones
   * (`conversations.history`), or the replies in one thread (`conversations.replies`, its parent included).
   */
  messagesSince(query: {
    channel: string;
    threadTs?: string;
    oldest: number;
    limit: number;
    cursor?: string;
  }): Promise<{ messages: PostedMessage[]; nextCursor?: string }>;
  postMessage(args: PostArgs): Promise<{ ts: string }>;
  updateMessage(args: SlackMessage & { channel: string; ts: string }): Promise<void>;
  channelInfo(channel: string): Promise<ChannelInfo>;
  joinChannel(channel: string): Promise<void>;
  /** The link to a posted message (`chat.getPermalink`, no extra scope). */
  permalink(channel: string, ts: string): Promise<string>;
  /** Replaces what one user sees on the app's Home tab (`views.publish`). */
  publishHome(userId: string, blocks: KnownBlock[]): Promise<void>;
  /** `auth.test`: resolves when Slack accepts the bot token. */
  checkToken(): Promise<void>;
}

function toPostedMessage(m: { ts?: string; metadata?: PostedMessage['metadata'] }): PostedMessage[] {
  return m.ts ? [{ ts: m.ts, ...(m.metadata ? { metadata: m.metadata } : {}) }] : [];
}

export function createSlackWebApi(client: WebClient): SlackWebApi {
  const call = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (err) {
      throw classifySlackError(err);
    }
  };
  return {
    lookupUserByEmail: async (email) => {
      try {
        const user = (await client.users.lookupByEmail({ email })).user;
        if (!user?.id) return undefined;
        return {
          id: user.id,
          ...(user.real_name ? { realName: user.real_name } : {}),
          deleted: user.deleted === true,
          isBot: user.is_bot === true || user.is_app_user === true,
        };
      } catch (err) {
        const e = classifySlackError(err);
        if (e.code === 'users_not_found') return undefined;
        throw e;
      }
    },
    openDm: (userId) =>
      call(async () => {
        const id = (await client.conversations.open({ users: userId })).channel?.id;
        if (!id) throw new SlackApiError('Slack opened no DM channel', { kind: 'transient' }, {});
        return id;
      }),
    recentMessages: (channel, limit) =>
      call(async () => {
        const res = await client.conversations.history({ channel, limit, include_all_metadata: true });
        return (res.messages ?? []).flatMap(toPostedMessage);
      }),
    messagesSince: ({ channel, threadTs, oldest, limit, cursor }) =>
      call(async () => {
        const args = {
          channel,
          oldest: (oldest / 1000).toFixed(6),
          limit,
          include_all_metadata: true,
          ...(cursor ? { cursor } : {}),
        };
        const res = threadTs
          ? await client.conversations.replies({ ...args, ts: threadTs })
          : await client.conversations.history(args);
        const next = res.response_metadata?.next_cursor;
        return { messages: (res.messages ?? []).flatMap(toPostedMessage), ...(next ? { nextCursor: next } : {}) };
      }),
    postMessage: (args) =>
      call(async () => {
        const res = await client.chat.postMessage({
          channel: args.channel,
          text: args.text,
          blocks: args.blocks,
          ...(args.threadTs ? { thread_ts: args.threadTs } : {}),
          ...(args.metadata ? { metadata: args.metadata } : {}),
          ...(args.unfurl ? {} : { unfurl_links: false, unfurl_media: false }),
        });
        if (!res.ts) throw new SlackApiError('Slack answered without a message ts', { kind: 'transient' }, {});
        return { ts: res.ts };
      }),
    updateMessage: (args) =>
      call(async () => {
        await client.chat.update({ channel: args.channel, ts: args.ts, text: args.text, blocks: args.blocks });
      }),
    channelInfo: (channel) =>
      call(async () => {
        const c = (await client.conversations.info({ channel })).channel;
        return {
          isArchived: c?.is_archived === true,
          isMember: c?.is_member === true,
          isPrivate: c?.is_private === true || c?.is_im === true || c?.is_mpim === true,
        };
      }),
    joinChannel: (channel) =>
      call(async () => {
        await client.conversations.join({ channel });
      }),
    publishHome: (userId, blocks) =>
      call(async () => {
        await client.views.publish({ user_id: userId, view: { type: 'home', blocks } });
      }),
    checkToken: () =>
      call(async () => {
        await client.auth.test();
      }),
    permalink: (channel, ts) =>
      call(async () => {
        const link = (await client.chat.getPermalink({ channel, message_ts: ts })).permalink;
        if (!link) throw new SlackApiError('Slack answered without a permalink', { kind: 'transient' }, {});
        return link;
      }),
  };
}
