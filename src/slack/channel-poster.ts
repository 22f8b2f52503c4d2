import type { WebClient } from '@slack/web-api';
import type { Logger } from '../logger.ts';
import type { SlackMessage } from './views/limits.ts';

export type PostOutcome = { ok: true; ts: string } | { ok: false; reason: string; code: string };

export interface ChannelPoster {
  /** Posts visibly; joins a public channel first when the bot is not in it. */
  post(channelId: string, message: SlackMessage): Promise<PostOutcome>;
  /** Whether the bot can post there, joining a public channel if needed. */
  ensureCanPost(channelId: string): Promise<{ ok: true } | { ok: false; reason: string; code: string }>;
}

export function createChannelPoster(deps: { client: WebClient; logger: Logger }): ChannelPoster {
  const { client, logger } = deps;

  async function ensureCanPost(channelId: string): Promise<{ ok: true } | { ok: false; reason: string; code: string }> {
    try {
      const info = await client.conversations.info({ channel: channelId });
      const channel = info.channel;
      if (channel?.is_archived) return refuse('is_archived', 'This channel is archived.');
      if (channel?.is_member) return { ok: true };
      if (channel?.is_private || channel?.is_im || channel?.is_mpim) {
        return refuse(
          'not_in_channel',
          'I am not in this private conversation: invite me first (`/invite @CII`), then try again.',
        );
      }
      await client.conversations.join({ channel: channelId });
      return { ok: true };
    } catch (err) {
      const code = platformCode(err);
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
    async post(channelId, message) {
      const ready = await ensureCanPost(channelId);
      if (!ready.ok) return ready;
      try {
        const res = await client.chat.postMessage({ channel: channelId, text: message.text, blocks: message.blocks });
        return { ok: true, ts: res.ts ?? '' };
      } catch (err) {
        const code = platformCode(err) ?? 'slack_error';
        logger.warn('could not post to the channel', { channelId, code, err });
        return refuse(code, `Slack refused the message (${code}); try again in a moment.`);
      }
    },
  };
}

function refuse(code: string, reason: string) {
  return { ok: false as const, code, reason };
}

/** The `error` of an `ok:false` Web API answer, when that is what failed. */
export function platformCode(err: unknown): string | undefined {
  const data = (err as { data?: { error?: unknown } } | undefined)?.data;
  return typeof data?.error === 'string' ? data.error : undefined;
}
