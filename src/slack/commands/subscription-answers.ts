import type { Logger } from '../../logger.ts';
import type { SubscriptionService } from '../../services/subscriptions.ts';
import type { Subscription } from '../../store/types.ts';
import type { ChannelPoster } from '../channel-poster.ts';
import type { PrincipalResolver } from '../principals.ts';
import { errorMessage } from '../views/error-message.ts';
import type { SlackMessage } from '../views/limits.ts';
import { subscriptionResult, type SubscriptionSummary } from '../views/subscription-result.ts';
import { subscriptionsList } from '../views/subscriptions-list.ts';
import type { CommandContext, ExtraAnswers } from './cii-command.ts';
import { problemMessage } from '../problem.ts';

export interface SubscriptionAnswerDeps {
  subscriptions: SubscriptionService;
  channels: ChannelPoster;
  principals: PrincipalResolver;
  /** CII_ADMINS: when empty, anyone in the channel manages its subscriptions. */
  admins: readonly string[];
  logger: Logger;
}

function summary(s: Subscription): SubscriptionSummary {
  return { id: String(s.id), channelId: s.channelId, checkIds: s.checkIds, minSeverity: s.minSeverity };
}

export function subscriptionAnswers(deps: SubscriptionAnswerDeps): ExtraAnswers {
  const isAdmin = (userId: string) => deps.principals.includes(userId, deps.admins);
  const mayManage = async (userId: string) => deps.admins.length === 0 || (await isAdmin(userId));
  const refusal = (): SlackMessage =>
    errorMessage({
      kind: 'forbidden',
      message: 'Only CII admins can manage alert subscriptions:',
      allowed: deps.admins,
    });

  const guarded =
    <C>(action: string, answer: (command: C, context: CommandContext) => Promise<SlackMessage>) =>
    async (command: C, context: CommandContext): Promise<SlackMessage> => {
      try {
        if (!(await mayManage(context.userId))) {
          deps.logger.info('refused a subscription change', {
            action,
            userId: context.userId,
            channelId: context.channelId,
          });
          return refusal();
        }
        return await answer(command, context);
      } catch (err) {
        return problemMessage(err, { logger: deps.logger, action });
      }
    };

  return {
    subscribe: guarded('subscribe', async (command, context) => {
      const ready = await deps.channels.ensureCanPost(context.channelId);
      if (!ready.ok) return errorMessage({ kind: 'forbidden', message: ready.reason });
      const result = await deps.subscriptions.subscribe({
        channelId: context.channelId,
        checkIds: command.checkIds,
        minSeverity: command.minSeverity,
        userId: context.userId,
      });
      deps.logger.info('subscription', {
        channelId: context.channelId,
        userId: context.userId,
        created: result.created,
      });
      return result.created
        ? subscriptionResult({ kind: 'subscribed', subscription: summary(result.subscription) })
        : subscriptionResult({
            kind: 'already_subscribed',
            subscription: summary(result.existing),
            repaired: result.repaired,
          });
    }),

    unsubscribe: guarded('unsubscribe', async (command, context) => {
      const id = command.target === 'all' ? 'all' : Number(command.target);
      const target = command.target;
      if (id !== 'all' && !Number.isSafeInteger(id)) {
        return subscriptionResult({ kind: 'nothing_to_unsubscribe', channelId: context.channelId, target });
      }
      const count = await deps.subscriptions.unsubscribe({ channelId: context.channelId, id });
      return count === 0
        ? subscriptionResult({ kind: 'nothing_to_unsubscribe', channelId: context.channelId, target })
        : subscriptionResult({ kind: 'unsubscribed', channelId: context.channelId, count, target });
    }),

    subscriptions: async (_command, context) => {
      try {
        const all = await isAdmin(context.userId);
        const list = await deps.subscriptions.list(all ? {} : { channelId: context.channelId });
        return subscriptionsList({
          scope: all ? 'all' : 'channel',
          subscriptions: list.map((s) => ({ ...summary(s), createdBy: s.createdBy, brokenReason: s.brokenReason })),
        });
      } catch (err) {
        return problemMessage(err, { logger: deps.logger, action: 'subscriptions' });
      }
    },
  };
}
