import type { BlockButtonAction } from '@slack/bolt';
import type { UserAnswerDeps } from '../commands/lookup-answers.ts';
import { answerIp, answerUser } from '../commands/lookup-answers.ts';
import { decodeShare } from '../share.ts';
import { ACTION_IDS } from '../views/action-ids.ts';
import { errorMessage } from '../views/error-message.ts';
import type { SlackMessage } from '../views/limits.ts';
import type { ChannelPoster } from '../channel-poster.ts';
import type { SlackListeners } from '../listener-routes.ts';

export interface ShareDeps extends UserAnswerDeps {
  channels: ChannelPoster;
}

/** "Share in channel": runs the lookup again (cached) and posts the card visibly, attributed to the sharer. */
export function registerShareAction(app: SlackListeners, deps: ShareDeps): void {
  app.action<BlockButtonAction>(ACTION_IDS.shareCard, async ({ ack, body, action, respond, logger }) => {
    await ack();
    const tellSharer = (message: SlackMessage) =>
      respond({ response_type: 'ephemeral', replace_original: false, ...message }).catch((err: unknown) =>
        logger.warn('could not answer a Share click through response_url', err),
      );
    const target = decodeShare(action.value);
    const channelId = body.channel?.id;
    if (!target || !channelId) {
      await tellSharer(errorMessage({ kind: 'internal' }));
      return;
    }
    const as = { shareable: false, sharedBy: body.user.id } as const;
    const answer =
      target.kind === 'user' ? await answerUser(deps, target.login, as) : await answerIp(deps, target.ip, as);
    // A failed lookup is told to the sharer alone, never posted in the channel.
    if (!answer.found) {
      await tellSharer(answer.message);
      return;
    }
    const posted = await deps.channels.post(channelId, answer.message);
    if (posted.ok) {
      await respond({ delete_original: true }).catch((err: unknown) =>
        logger.warn('could not remove the shared ephemeral card', err),
      );
      return;
    }
    await tellSharer(errorMessage({ kind: 'forbidden', message: posted.reason }));
  });

  // A link button still sends an action: acknowledge it so Slack shows no warning.
  app.action(ACTION_IDS.openInCii, async ({ ack }) => {
    await ack();
  });
}
