import type { RecentAlert } from '../../../services/alerts/accounting.ts';
import type { ChannelPoster } from '../../channel-poster.ts';
import { problemMessage } from '../../problem.ts';
import { type AlertListItem, alertsList } from '../../views/alerts-list.ts';
import { errorMessage } from '../../views/error-message.ts';
import { defineSubcommand, invalid, isLogin, parsed } from '../subcommand.ts';
import { isResponderOrAdmin } from '../subscription-access.ts';

/** How many alerts an answer lists (each costs one permalink call per posted card). */
const LISTED = 10;
const FILTERS = ['open', 'pending', 'unrouted'] as const;
type Only = (typeof FILTERS)[number];

export async function listItem(alert: RecentAlert, channels: Pick<ChannelPoster, 'permalink'>): Promise<AlertListItem> {
  const copies = await Promise.all(
    alert.copies.map(async (c) => ({
      channelId: c.channelId,
      state: c.state,
      since: new Date(c.createdAt),
      ...(c.lastError === undefined ? {} : { lastError: c.lastError }),
      ...(c.channelBroken === undefined ? {} : { channelBroken: c.channelBroken }),
      ...(c.postedTs === undefined ? {} : { link: await channels.permalink(c.channelId, c.postedTs) }),
    })),
  );
  return { ...alert, arrivedAt: new Date(alert.createdAt), copies };
}

export const alerts = defineSubcommand({
  name: 'alerts',
  usage: '/cii alerts [open|pending|unrouted] [<login>]',
  description: 'List recent alerts, newest first, with where each went (posted, waiting for Slack, unrouted).',
  example: '/cii alerts unrouted',
  parse: (args): ReturnType<typeof parsed<{ only?: Only; login?: string }>> => {
    let only: Only | undefined;
    let login: string | undefined;
    for (const arg of args) {
      const word = arg.toLowerCase();
      if ((FILTERS as readonly string[]).includes(word) && only === undefined && login === undefined) {
        only = word as Only;
      } else if (login === undefined && isLogin(arg)) {
        login = arg;
      } else {
        return invalid(`\`${arg}\` is neither open, pending, unrouted nor a login.`);
      }
    }
    return parsed({ ...(only ? { only } : {}), ...(login ? { login } : {}) });
  },
  answer: async ({ only, login }, { deps, context }) => {
    try {
      if (!(await isResponderOrAdmin(deps, context.userId))) {
        return errorMessage({
          kind: 'forbidden',
          message: 'Only CII responders and admins can list alerts:',
          allowed: [...deps.admins, ...deps.responders],
        });
      }
      const recent = await deps.accounting.recent({
        ...(only ? { only } : {}),
        ...(login ? { login } : {}),
        limit: LISTED,
      });
      const items = await Promise.all(recent.map((a) => listItem(a, deps.channels)));
      return alertsList({ now: deps.now(), ...(only ? { only } : {}), ...(login ? { login } : {}), alerts: items });
    } catch (err) {
      return problemMessage(err, { logger: deps.logger, action: 'alerts' });
    }
  },
});
