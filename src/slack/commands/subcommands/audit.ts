import { problemMessage } from '../../problem.ts';
import { auditList } from '../../views/audit-list.ts';
import { errorMessage } from '../../views/error-message.ts';
import { defineSubcommand, invalid, isLogin, parsed } from '../subcommand.ts';

/** How many entries an answer lists. */
const LISTED = 20;

export const audit = defineSubcommand({
  name: 'audit',
  usage: '/cii audit [<login>]',
  description: 'Show recent decisions (Approve, Block, Mute…) with their reasons, for everyone or one user.',
  example: '/cii audit jane.doe@example.com',
  parse: (args): ReturnType<typeof parsed<{ login?: string }>> => {
    if (args.length > 1) return invalid('Give at most one login.');
    const login = args[0];
    if (login === undefined) return parsed({});
    if (!isLogin(login)) return invalid(`\`${login}\` is not an email address or login.`);
    return parsed({ login });
  },
  answer: async ({ login }, { deps, context }) => {
    try {
      // Deny by default: with no responders configured nobody reads the audit.
      if (!(await deps.principals.includes(context.userId, deps.responders))) {
        deps.logger.info('refused an audit listing', { userId: context.userId });
        return errorMessage({
          kind: 'forbidden',
          message:
            deps.responders.length > 0
              ? 'Only CII responders can read the audit:'
              : 'Only CII responders can read the audit, and CII_RESPONDERS is empty.',
          allowed: deps.responders,
        });
      }
      const entries = await deps.audit.recent({ ...(login ? { login } : {}), limit: LISTED });
      return auditList({
        ...(login ? { login } : {}),
        entries: entries.map((e) => ({ ...e, at: new Date(e.at) })),
      });
    } catch (err) {
      return problemMessage(err, { logger: deps.logger, action: 'audit' });
    }
  },
});
