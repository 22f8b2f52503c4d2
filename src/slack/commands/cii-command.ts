import { within } from '../../util/within.ts';
import { errorMessage } from '../views/error-message.ts';
import type { SlackMessage } from '../views/limits.ts';
import { findSubcommand, parseCommand, type ParsedCommand } from './parse.ts';
import type { CommandContext, CommandDeps } from './subcommand.ts';
import { SUBCOMMANDS } from './subcommands/index.ts';
import type { SlackListeners } from '../listener-routes.ts';

export interface CiiCommandDeps extends CommandDeps {
  /** How long to wait for an answer before acknowledging empty and answering through response_url. */
  ackBudgetMs: number;
}

function answer(deps: CommandDeps, command: ParsedCommand, context: CommandContext): Promise<SlackMessage> {
  if (command.kind === 'invalid') {
    const usage = findSubcommand(command.subcommand)!.usage;
    return Promise.resolve(errorMessage({ kind: 'invalid_argument', message: command.message, usage }));
  }
  const { kind, ...args } = command;
  return findSubcommand(kind)!.answer(args, { context, deps, subcommands: SUBCOMMANDS });
}

export function registerCiiCommand(app: SlackListeners, deps: CiiCommandDeps): void {
  app.command('/cii', async ({ command, ack, respond, logger }) => {
    const context = { userId: command.user_id, channelId: command.channel_id, teamId: command.team_id };
    const work = answer(deps, parseCommand(command.text ?? ''), context);
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
