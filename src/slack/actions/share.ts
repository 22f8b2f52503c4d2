import type { App, BlockButtonAction } from '@slack/bolt';
import type { LookupAnswerDeps } from '../commands/lookup-answers.ts';
import { answerIp, answerUser } from '../commands/lookup-answers.ts';
import { decodeShare } from '../share.ts';
import { errorMessage } from '../views/error-message.ts';
import type { ChannelPoster } from '../channel-poster.ts';

export interface ShareDeps extends LookupAnswerDeps {
  channels: ChannelPoster;
}

/** "Share in channel": runs the lookup again (cached) and posts the card visibly, attributed to the sharer. */
export function registerShareAction(app: App, deps: ShareDeps): void {
  app.action<BlockButtonAction>('share_card', async ({ ack, body, action, respond, logger }) => {
    await ack();
    const target = decodeShare(action.value);
    const channelId = body.channel?.id;
    if (!target || !channelId) {
      await respond({ response_type: 'ephemeral', replace_original: false, ...errorMessage({ kind: 'internal' }) });
      return;
    }
    const as = { shareable: false, sharedBy: body.user.id } as const;
    const card = target.kind === 'user' ? await answerUser(deps, target.login, as) : await answerIp(deps, target.ip, as);
    const posted = await deps.channels.post(channelId, card);
    if (posted.ok) {
      await respond({ delete_original: true }).catch((err: unknown) => logger.warn('could not remove the shared ephemeral card', err));
      return;
    }
    await respond({ response_type: 'ephemeral', replace_original: false, ...errorMessage({ kind: 'forbidden', message: posted.reason }) });
  });

  // A link button still sends an action: acknowledge it so Slack shows no warning.
  app.action('open_in_cii', async ({ ack }) => {
    await ack();
  });
}
