import type { ExplainedAuditEntry } from '../../../services/audit.ts';
import type { ChannelPoster } from '../../channel-poster.ts';
import { problemMessage } from '../../problem.ts';
import { auditList } from '../../views/audit-list.ts';
import { errorMessage } from '../../views/error-message.ts';
import { defineSubcommand, invalid, isLogin, parsed } from '../subcommand.ts';

/** How many entries an answer lists. */
const LISTED = 20;

/**
 * The link to each entry's card: the copy in the channel of the click, else the first one posted. One permalink
 * call per card, however many entries name it.
 */
async function cardLinks(
  entries: readonly ExplainedAuditEntry[],
  channels: Pick<ChannelPoster, 'permalink'>,
): Promise<Array<string | undefined>> {
  const copies = entries.map((e) => e.copies.find((c) => c.channelId === e.channelId) ?? e.copies[0]);
  const keys = [...new Set(copies.flatMap((c) => (c ? [`${c.channelId} ${c.ts}`] : [])))];
  const found = new Map(
    await Promise.all(
      keys.map(async (key) => {
        const [channelId, ts] = key.split(' ') as [string, string];
        return [key, await channels.permalink(channelId, ts)] as const;
      }),
    ),
  );
  return copies.map((c) => (c ? found.get(`${c.channelId} ${c.ts}`) : undefined));
}

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
      const entries = await deps.audit.explained({ ...(login ? { login } : {}), limit: LISTED });
      const links = await cardLinks(entries, deps.channels);
      return auditList({
        ...(login ? { login } : {}),
        entries: entries.map((e, i) => ({
          ...e,
          at: new Date(e.at),
          ...(links[i] ? { link: links[i] } : {}),
        })),
      });
    } catch (err) {
      return problemMessage(err, { logger: deps.logger, action: 'audit' });
    }
  },
});
