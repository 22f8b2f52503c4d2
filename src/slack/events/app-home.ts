import { listItem } from '../commands/subcommands/alerts.ts';
import type { CommandDeps } from '../commands/subcommand.ts';
import { isAdmin, isResponderOrAdmin, summary } from '../commands/subscription-access.ts';
import { homeTab, type HomeHealth } from '../views/home-tab.ts';
import type { SlackWebApi } from '../web-api.ts';
import type { SlackListeners } from '../listener-routes.ts';

export interface AppHomeDeps extends CommandDeps {
  slack: Pick<SlackWebApi, 'publishHome'>;
}

/** How many alerts waiting for a decision the Home tab reads. */
const WAITING = 16;
/** How many audit entries are read to find the viewer's own recent decisions. */
const AUDIT_WINDOW = 200;

async function health(deps: CommandDeps): Promise<HomeHealth> {
  const [ping, lastWebhookTest, subscriptions, counts] = await Promise.all([
    deps.lookup
      .health()
      .then((h) => h.ping)
      .catch((err: unknown) => ({ ok: false as const, error: err instanceof Error ? err.message : 'failed' })),
    deps.webhookTests.lastWebhookTest(),
    deps.subscriptions.list(),
    deps.accounting.counts(),
  ]);
  return {
    cii: ping,
    ...(lastWebhookTest ? { lastWebhookTest } : {}),
    pendingDeliveries: counts.week.pending,
    ...(counts.week.pendingSince === undefined ? {} : { pendingSince: new Date(counts.week.pendingSince) }),
    brokenSubscriptions: subscriptions.filter((s) => s.brokenReason !== undefined).length,
    unroutedLastDay: counts.day.unrouted,
  };
}

/**
 * The Home tab, rebuilt from the store each time the user opens it. A retried event publishes the same view
 * again, which is harmless (views.publish replaces the view), so events are not deduplicated here.
 */
export function registerAppHome(app: SlackListeners, deps: AppHomeDeps): void {
  app.event('app_home_opened', async ({ event }) => {
    if (event.tab !== 'home') return;
    const userId = event.user;
    try {
      const [mayActOnAlerts, admin] = await Promise.all([
        isResponderOrAdmin(deps, userId),
        deps.admins.length > 0 ? isAdmin(deps, userId) : Promise.resolve(false),
      ]);
      const [healthLine, waiting, audit, subscriptions] = await Promise.all([
        health(deps),
        mayActOnAlerts ? deps.accounting.recent({ only: 'open', limit: WAITING }) : Promise.resolve(undefined),
        deps.audit.recent({ limit: AUDIT_WINDOW }),
        admin ? deps.subscriptions.list() : Promise.resolve(undefined),
      ]);
      const blocks = homeTab({
        now: deps.now(),
        health: healthLine,
        ...(waiting ? { waiting: await Promise.all(waiting.map((a) => listItem(a, deps.channels))) } : {}),
        decisions: audit
          .filter((e) => e.userId === userId)
          .map((e) => ({
            at: new Date(e.at),
            action: e.action,
            outcome: e.outcome,
            ...(e.login ? { login: e.login } : {}),
            ...(e.channelId ? { channelId: e.channelId } : {}),
          })),
        ...(subscriptions
          ? {
              subscriptions: subscriptions.map((s) => ({
                ...summary(s),
                createdBy: s.createdBy,
                brokenReason: s.brokenReason,
              })),
            }
          : {}),
      });
      await deps.slack.publishHome(userId, blocks);
    } catch (err) {
      deps.logger.error('could not publish the Home tab', { userId, err });
    }
  });
}
