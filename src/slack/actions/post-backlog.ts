import type { BlockButtonAction } from '@slack/bolt';
import type { Logger } from '../../logger.ts';
import type { AlertAccounting } from '../../services/alerts/accounting.ts';
import type { SubscriptionService } from '../../services/subscriptions.ts';
import type { PrincipalResolver } from '../principals.ts';
import { isResponderOrAdmin } from '../commands/subscription-access.ts';
import { ACTION_IDS } from '../views/action-ids.ts';
import { errorMessage } from '../views/error-message.ts';
import type { SlackMessage } from '../views/limits.ts';
import { backlogPosted } from '../views/subscription-result.ts';
import type { SlackListeners } from '../listener-routes.ts';

export interface PostBacklogDeps {
  accounting: AlertAccounting;
  subscriptions: Pick<SubscriptionService, 'list'>;
  principals: PrincipalResolver;
  admins: readonly string[];
  responders: readonly string[];
  logger: Logger;
}

/**
 * **Post them here** on a subscribe answer: queues, once, the cards of the alerts the new subscription would have
 * posted in the last days, through the same paced outbox. Responders and admins (anyone when CII_ADMINS is empty,
 * as for subscribing).
 */
export function registerPostBacklogAction(app: SlackListeners, deps: PostBacklogDeps): void {
  app.action<BlockButtonAction>(ACTION_IDS.postBacklog, async ({ ack, body, action, respond }) => {
    await ack();
    const answer = (message: SlackMessage, replace: boolean) =>
      respond({ response_type: 'ephemeral', replace_original: replace, ...message }).catch((err: unknown) =>
        deps.logger.warn('could not answer a Post them here click', err),
      );
    const userId = body.user.id;
    const channelId = body.channel?.id;
    try {
      if (!(await isResponderOrAdmin(deps, userId))) {
        await answer(
          errorMessage({
            kind: 'forbidden',
            message: 'Only CII responders and admins can post past alerts:',
            allowed: [...deps.admins, ...deps.responders],
          }),
          false,
        );
        return;
      }
      const subscription = channelId
        ? (await deps.subscriptions.list({ channelId })).find((s) => String(s.id) === action.value)
        : undefined;
      if (!subscription || !channelId) {
        await answer(
          errorMessage({
            kind: 'invalid_argument',
            message: 'This subscription no longer exists in this channel: nothing was posted.',
            usage: '/cii subscriptions',
          }),
          false,
        );
        return;
      }
      const count = await deps.accounting.postBacklog(subscription);
      deps.logger.info('posting a subscription backlog', { subscriptionId: subscription.id, channelId, userId, count });
      await answer(backlogPosted({ count, channelId }), true);
    } catch (err) {
      deps.logger.error('Post them here failed', { subscriptionId: action.value, userId, err });
      await answer(errorMessage({ kind: 'internal' }), false);
    }
  });
}
