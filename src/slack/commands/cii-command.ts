import type { App } from '@slack/bolt';
import { within } from '../../util/within.ts';
import { errorMessage } from '../views/error-message.ts';
import { helpMessage, USAGE } from '../views/help.ts';
import type { SlackMessage } from '../views/limits.ts';
import { answerIp, answerStatus, answerUser, type LookupAnswerDeps } from './lookup-answers.ts';
import { parseCommand, type ParsedCommand } from './parse.ts';

/** Who typed the command, where: what the subcommands that act on a channel need. */
export interface CommandContext {
  userId: string;
  channelId: string;
  teamId: string;
}

/** Subcommands contributed by later features (subscriptions, audit); absent ones answer with help. */
export type ExtraAnswers = Partial<{
  [K in 'subscribe' | 'unsubscribe' | 'subscriptions' | 'audit']: (
    command: Extract<ParsedCommand, { kind: K }>,
    context: CommandContext,
  ) => Promise<SlackMessage>;
}>;

export interface CiiCommandDeps extends LookupAnswerDeps {
  /** How long to wait for an answer before acknowledging empty and answering through response_url. */
  ackBudgetMs: number;
  extra?: ExtraAnswers;
}

export function answerCommand(
  deps: CiiCommandDeps,
  command: ParsedCommand,
  context: CommandContext,
): Promise<SlackMessage> {
  switch (command.kind) {
    case 'help':
      return Promise.resolve(
        helpMessage(command.unknown ? { intro: `Unknown subcommand \`${command.unknown}\`.` } : {}),
      );
    case 'invalid':
      return Promise.resolve(
        errorMessage({ kind: 'invalid_argument', message: command.message, usage: USAGE[command.subcommand] }),
      );
    case 'user':
      return answerUser(deps, command.login).then((a) => a.message);
    case 'ip':
      return answerIp(deps, command.ip).then((a) => a.message);
    case 'status':
      return answerStatus(deps);
    default: {
      const answer = deps.extra?.[command.kind] as
        ((c: ParsedCommand, ctx: CommandContext) => Promise<SlackMessage>) | undefined;
      return answer ? answer(command, context) : Promise.resolve(helpMessage());
    }
  }
}

export function registerCiiCommand(app: App, deps: CiiCommandDeps): void {
  app.command('/cii', async ({ command, ack, respond, logger }) => {
    const context = { userId: command.user_id, channelId: command.channel_id, teamId: command.team_id };
    const work = answerCommand(deps, parseCommand(command.text ?? ''), context);
    const quick = await within(work, deps.ackBudgetMs);
    if (quick) {
      await ack({ response_type: 'ephemeral', ...quick });
      return;
    }
    await ack();
    const message = await work;
    await respond({ response_type: 'ephemeral', ...message }).catch((err: unknown) => {
      logger.error('could not deliver the /cii answer through response_url', err);
    });
  });
}
