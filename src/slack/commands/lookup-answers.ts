import type { Logger } from '../../logger.ts';
import type { AuditService } from '../../services/audit.ts';
import { decisionView } from '../alert-renderer.ts';
import type { ChannelPoster } from '../channel-poster.ts';
import { SHOWN_USER_ALERTS, type AppDecisionsView } from '../views/user-alerts.ts';
import type { CommandDeps } from './subcommand.ts';
import { isResponderOrAdmin } from './subscription-access.ts';
import type { LookupService } from '../../services/lookup.ts';
import { encodeShare } from '../share.ts';
import { problemMessage } from '../problem.ts';
import type { SlackMessage } from '../views/limits.ts';
import { ipCard } from '../views/ip-card.ts';
import { userCard } from '../views/user-card.ts';

export interface LookupAnswerDeps {
  lookup: LookupService;
  logger: Logger;
  now: () => Date;
}

/** Ephemeral answers carry a Share button; a shared copy names who shared it instead. */
export type Presentation = { shareable: true } | { shareable: false; sharedBy: string };
const EPHEMERAL: Presentation = { shareable: true };

/** `/cii user` also reads what the app decided about the user, and lists their alerts to those who may see them. */
export interface UserAnswerDeps extends LookupAnswerDeps, Pick<CommandDeps, 'principals' | 'admins' | 'responders'> {
  audit: Pick<AuditService, 'ofUser'>;
  channels: Pick<ChannelPoster, 'permalink'>;
}

/** How many of the user's latest alerts are read (the card shows a few, and counts them). */
const USER_ALERTS = 20;

/**
 * The app's own decisions about the user: the accounts it holds blocked (said on every copy of the card, so it
 * never reads "active" right after a block) and, for responders and admins asking for themselves, the user's
 * alerts with their latest decisions and links to their cards. Shared copies leave the alerts out.
 */
async function appDecisions(
  deps: UserAnswerDeps,
  login: string,
  viewer: string | undefined,
): Promise<AppDecisionsView> {
  const [decisions, mayList] = await Promise.all([
    deps.audit.ofUser(login, USER_ALERTS),
    viewer === undefined ? Promise.resolve(false) : isResponderOrAdmin(deps, viewer),
  ]);
  const blocked = decisions.blocked.map((b) => ({ ...b, at: new Date(b.at) }));
  if (!mayList) return { blocked };
  const views = decisions.alerts.map(({ alert, actions, copies }) => {
    const decision = decisionView(alert, actions);
    return {
      view: {
        title: alert.title,
        severity: alert.severity,
        severityLabel: alert.severityLabel,
        arrivedAt: new Date(alert.createdAt),
        ...(decision ? { decision } : {}),
      },
      copy: copies[0],
    };
  });
  // Waiting for a decision first, then the latest decided; only the alerts the card shows get a link (one call each).
  const open = (a: (typeof views)[number]) => !a.view.decision || a.view.decision.state === 'reopened';
  const ordered = [...views.filter(open), ...views.filter((a) => !open(a))];
  const alerts = await Promise.all(
    ordered.map(async ({ view, copy }, i) => {
      const link = copy && i < SHOWN_USER_ALERTS ? await deps.channels.permalink(copy.channelId, copy.ts) : undefined;
      return link ? { ...view, link } : view;
    }),
  );
  return { blocked, alerts };
}

/** A card (`found`), or the words for why there is none: only a card may be shared in a channel. */
export interface LookupAnswer {
  found: boolean;
  message: SlackMessage;
}

/** `/cii user`, and its card shared in a channel. Never throws. */
export async function answerUser(
  deps: UserAnswerDeps,
  login: string,
  as: Presentation & { viewer?: string } = EPHEMERAL,
): Promise<LookupAnswer> {
  try {
    const found = await deps.lookup.user(login);
    const shared = found.foundAs ?? login;
    const app = await appDecisions(deps, found.user.endUserDetails.login, as.shareable ? as.viewer : undefined);
    const message = userCard({
      app,
      user: found.user,
      state: found.state,
      fetchedAt: found.fetchedAt,
      now: deps.now(),
      ...(found.foundAs === undefined ? {} : { askedFor: login }),
      ...(as.shareable
        ? { share: { value: encodeShare({ kind: 'user', login: shared }) } }
        : { sharedBy: as.sharedBy }),
    });
    return { found: true, message };
  } catch (err) {
    return { found: false, message: problemMessage(err, { login, logger: deps.logger, action: 'user lookup' }) };
  }
}

/** `/cii ip`, and its card shared in a channel. Never throws. */
export async function answerIp(
  deps: LookupAnswerDeps,
  ip: string,
  as: Presentation = EPHEMERAL,
): Promise<LookupAnswer> {
  try {
    const found = await deps.lookup.usersByIp(ip);
    const message = ipCard({
      ip,
      result: found.result,
      fetchedAt: found.fetchedAt,
      now: deps.now(),
      ...(as.shareable ? { share: { value: encodeShare({ kind: 'ip', ip }) } } : { sharedBy: as.sharedBy }),
    });
    return { found: true, message };
  } catch (err) {
    return { found: false, message: problemMessage(err, { logger: deps.logger, action: 'IP lookup' }) };
  }
}
