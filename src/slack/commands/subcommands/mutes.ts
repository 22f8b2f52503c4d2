import type { CommandDeps } from '../subcommand.ts';
import { muteView } from '../../mute-notices.ts';
import { problemMessage } from '../../problem.ts';
import { errorMessage } from '../../views/error-message.ts';
import type { SlackMessage } from '../../views/limits.ts';
import { mutesList } from '../../views/mutes.ts';
import { defineSubcommand, invalid, parsed } from '../subcommand.ts';
import { isResponderOrAdmin } from '../subscription-access.ts';

/** The mutes in force, with an Unmute button each; `note` says what just changed. Responders and admins only. */
export async function mutesAnswer(deps: CommandDeps, userId: string, note?: string): Promise<SlackMessage> {
  if (!(await isResponderOrAdmin(deps, userId))) {
    return errorMessage({
      kind: 'forbidden',
      message: 'Only CII responders and admins can list the mutes:',
      allowed: [...deps.admins, ...deps.responders],
    });
  }
  const mutes = await deps.mutes.active();
  return mutesList({ now: deps.now(), mutes: mutes.map(muteView), ...(note ? { note } : {}) });
}

export const mutes = defineSubcommand({
  name: 'mutes',
  usage: '/cii mutes',
  description: 'List the checks muted for a user (who muted them, until when and why), with Unmute.',
  example: '/cii mutes',
  parse: (args) => (args.length > 0 ? invalid('`/cii mutes` takes no arguments.') : parsed({})),
  answer: async (_args, { deps, context }) => {
    try {
      return await mutesAnswer(deps, context.userId);
    } catch (err) {
      return problemMessage(err, { logger: deps.logger, action: 'mutes' });
    }
  },
});
