import type { Logger } from '../logger.ts';
import { classifySlackError, type SlackWebApi } from './web-api.ts';
import type { SlackMessage } from './views/limits.ts';

export type PostOutcome = { ok: true; ts: string } | { ok: false; reason: string; code: string };

export interface ChannelPoster {
  /** Posts visibly; joins a public channel first when the bot is not in it. */
  post(channelId: string, message: SlackMessage): Promise<PostOutcome>;
  /** Whether the bot can post there, joining a public channel if needed. */
  ensureCanPost(channelId: string): Promise<{ ok: true } | { ok: false; reason: string; code: string }>;
  /** The link to a posted message; undefined when Slack would not give one (logged). */
  permalink(channelId: string, ts: string): Promise<string | undefined>;
}

/** Posts answers people share; a refusal comes back as words for them, not as an exception. */
export function createChannelPoster(deps: { slack: SlackWebApi; logger: Logger }): ChannelPoster {
  const { slack, logger } = deps;

  async function ensureCanPost(channelId: string): Promise<{ ok: true } | { ok: false; reason: string; code: string }> {
    try {
      const channel = await slack.channelInfo(channelId);
      if (channel.isArchived) return refuse('is_archived', 'This channel is archived.');
      if (channel.isMember) return { ok: true };
      if (channel.isPrivate) {
        return refuse(
          'not_in_channel',
          'I am not in this private conversation: invite me first (`/invite @CII`), then try again.',
        );
      }
      await slack.joinChannel(channelId);
      return { ok: true };
    } catch (err) {
      const { code } = classifySlackError(err);
      if (code === 'channel_not_found') {
        return refuse(
          code,
          'I cannot see this conversation: if it is private or a DM, invite me first (`/invite @CII`).',
        );
      }
      logger.warn('could not check or join the channel', { channelId, code, err });
      return refuse(code ?? 'slack_error', 'Slack did not let me check this channel; try again in a moment.');
    }
  }

  return {
    ensureCanPost,
    async permalink(channelId, ts) {
      try {
        return await slack.permalink(channelId, ts);
      } catch (err) {
        logger.debug('no permalink for a card', { channelId, ts, code: classifySlackError(err).code });
        return undefined;
      }
    },
    async post(channelId, message) {
      const ready = await ensureCanPost(channelId);
      if (!ready.ok) return ready;
      try {
        // A shared answer is posted as people post: Slack's own link previews apply.
        return { ok: true, ...(await slack.postMessage({ channel: channelId, ...message, unfurl: true })) };
      } catch (err) {
        const code = classifySlackError(err).code ?? 'slack_error';
        logger.warn('could not post to the channel', { channelId, code, err });
        return refuse(code, `Slack refused the message (${code}); try again in a moment.`);
      }
    },
  };
}

function refuse(code: string, reason: string) {
  return { ok: false as const, code, reason };
}
