import type { Subscription } from '../../services/subscriptions.ts';
import { problemMessage } from '../problem.ts';
import { errorMessage } from '../views/error-message.ts';
import type { SlackMessage } from '../views/limits.ts';
import type { SubscriptionSummary } from '../views/subscription-result.ts';
import type { AnswerCall, CommandContext, CommandDeps } from './subcommand.ts';

export function summary(s: Subscription): SubscriptionSummary {
  return { id: String(s.id), channelId: s.channelId, checkIds: s.checkIds, minSeverity: s.minSeverity };
}

export const isAdmin = (deps: CommandDeps, userId: string) => deps.principals.includes(userId, deps.admins);

/** Who may see every alert and post a channel's backlog: responders and admins (anyone when CII_ADMINS is empty). */
export async function isResponderOrAdmin(
  deps: Pick<CommandDeps, 'principals' | 'admins' | 'responders'>,
  userId: string,
): Promise<boolean> {
  return deps.admins.length === 0 || deps.principals.includes(userId, [...deps.admins, ...deps.responders]);
}

/** Why this user may not change subscriptions (logged), or undefined when they may (anyone when CII_ADMINS is empty). */
export async function adminRefusal(
  deps: CommandDeps,
  context: CommandContext,
  action: string,
): Promise<SlackMessage | undefined> {
  if (deps.admins.length === 0 || (await isAdmin(deps, context.userId))) return undefined;
  deps.logger.info('refused a subscription change', { action, userId: context.userId, channelId: context.channelId });
  return errorMessage({
    kind: 'forbidden',
    message: 'Only CII admins can manage alert subscriptions:',
    allowed: deps.admins,
  });
}

/** A subscription change, for CII admins only (anyone in the channel when CII_ADMINS is empty). Never throws. */
export async function adminsOnly(
  action: string,
  { deps, context }: AnswerCall,
  change: (deps: CommandDeps, context: CommandContext) => Promise<SlackMessage>,
): Promise<SlackMessage> {
  try {
    return (await adminRefusal(deps, context, action)) ?? (await change(deps, context));
  } catch (err) {
    return problemMessage(err, { logger: deps.logger, action });
  }
}
