import type { Logger } from '../../logger.ts';
import type { SubscriptionService } from '../../services/subscriptions.ts';
import type { SlackListeners } from '../listener-routes.ts';

export interface ChannelReopenedDeps {
  subscriptions: Pick<SubscriptionService, 'channelReopened'>;
  logger: Logger;
}

/**
 * Slack says a channel can take the app's posts again: a channel it refused (`not_in_channel`, `is_archived`…)
 * is repaired, and the cards that waited for it go out, without anyone running `/cii subscribe` there. A retried
 * event repairs nothing more.
 */
export async function channelReopened(
  deps: ChannelReopenedDeps,
  channelId: string,
  how: 'app_added' | 'unarchived',
): Promise<void> {
  try {
    const { repaired, waitingFindings } = await deps.subscriptions.channelReopened(channelId);
    if (repaired) {
      deps.logger.info('a channel Slack had refused is open again; its waiting cards are being posted', {
        channelId,
        how,
        waitingFindings,
      });
    }
  } catch (err) {
    deps.logger.error('could not repair a channel Slack reopened; /cii subscribe there repairs it', {
      channelId,
      err,
    });
  }
}

export function registerChannelReopened(app: SlackListeners, deps: ChannelReopenedDeps): void {
  // Sent for every member who joins a channel the app is in: only the app's own arrival reopens it.
  app.event('member_joined_channel', async ({ event, context }) => {
    if (context.botUserId !== undefined && event.user === context.botUserId) {
      await channelReopened(deps, event.channel, 'app_added');
    }
  });
  app.event('channel_unarchive', async ({ event }) => {
    await channelReopened(deps, event.channel, 'unarchived');
  });
}
