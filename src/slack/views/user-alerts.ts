import type { Severity } from '../../alerts/finding.ts';
import { isPartial, type DecisionView } from './alert-decision.ts';
import { providerList } from './alert-text.ts';
import { formatRelative, humanize, severityWord, statusMarker } from './format.ts';
import type { ProviderAccount } from './identity.ts';
import { bulletsWithMore, clean } from './limits.ts';
import { mrkdwnLink, userMention } from './links.ts';

/** One of the user's alerts in this app, with its latest decision. */
export interface UserAlertView {
  title: string;
  severity: Severity;
  severityLabel: string;
  arrivedAt: Date;
  /** Absent while it is open and was never decided. */
  decision?: DecisionView;
  /** The link to its card. */
  link?: string;
}

/** An account this app blocked and has not unblocked since. */
export interface BlockedAccountView {
  /** CII's provider name (`DUO`, `OKTA`, `AZURE_AD`). */
  provider: string;
  providerUserId: string;
  by: string;
  at: Date;
}

/** What this app itself did about the user: the user card never contradicts it. */
export interface AppDecisionsView {
  blocked: BlockedAccountView[];
  /** The user's alerts, newest first; absent when the viewer may not list alerts. */
  alerts?: UserAlertView[];
}

/** How many of the user's alerts the card lists (the others are counted). */
export const SHOWN_USER_ALERTS = 5;

const by = (who: string, at: Date, now: Date) => `by ${userMention(who)} ${formatRelative(at, now)}`;

const done = (decision: { results: readonly { ok: boolean; label: string }[] }) => [
  ...new Set(decision.results.filter((r) => r.ok).map((r) => clean(r.label, 40))),
];
const failed = (decision: { results: readonly { ok: boolean; label: string }[] }) => [
  ...new Set(decision.results.filter((r) => !r.ok).map((r) => clean(r.label, 40))),
];
const inProviders = (labels: string[]) => (labels.length > 0 ? ` in ${providerList(labels)}` : '');

/** "⛔ *Blocked* by @bob 2 hours ago in Duo and Entra ID", escaped mrkdwn. */
function decisionPhrase(decision: DecisionView | undefined, arrivedAt: Date, now: Date): string {
  if (!decision) return `🔔 *Open* since ${formatRelative(arrivedAt, now)}`;
  switch (decision.state) {
    case 'reopened':
      return `🔔 *Open* (reopened ${by(decision.by, decision.at, now)})`;
    case 'in_progress':
      return `⏳ *${decision.action === 'block' ? 'Blocking' : 'Unblocking'}*, started ${by(decision.by, decision.at, now)}`;
    case 'approved':
      return `✅ *Approved* ${by(decision.by, decision.at, now)}`;
    case 'blocked':
      return `⛔ *Blocked* ${by(decision.by, decision.at, now)}${inProviders(done(decision))}`;
    case 'unblocked':
      return `↩️ *Unblocked* ${by(decision.by, decision.at, now)}${inProviders(done(decision))}`;
    case 'failed': {
      const verb = decision.action === 'block' ? 'blocked' : 'unblocked';
      const failedIn = failed(decision);
      const what = failedIn.length > 0 ? `; ${providerList(failedIn)} failed` : '';
      return isPartial(decision)
        ? `⚠️ *Partially ${verb}* ${by(decision.by, decision.at, now)}${inProviders(done(decision))}${what}`
        : `⚠️ *${decision.action === 'block' ? 'Block' : 'Unblock'} failed* ${by(decision.by, decision.at, now)}${what}`;
    }
  }
}

/** "⛔ *Blocked* by @bob 2 hours ago in Duo and Entra ID — *Impossible Travel* (high): _reason_ · card". */
function alertLine(alert: UserAlertView, now: Date): string {
  const severity = severityWord(alert.severity, alert.severityLabel).toLowerCase();
  const decision = alert.decision;
  const reason = decision && 'reason' in decision && decision.reason ? `: _${clean(decision.reason, 150)}_` : '';
  const link = alert.link ? ` · ${mrkdwnLink(alert.link, 'card')}` : '';
  return `${decisionPhrase(decision, alert.arrivedAt, now)} — *${clean(alert.title, 120)}* (${clean(severity, 30)})${reason}${link}`;
}

/** The user card's lines about the user's alerts in this app; undefined when there is nothing to say. */
export function userAlertsLines(alerts: readonly UserAlertView[] | undefined, login: string, now: Date): string[] {
  if (!alerts || alerts.length === 0) return [];
  const open = alerts.filter((a) => !a.decision || a.decision.state === 'reopened').length;
  const heading = `*Alerts in this app (${alerts.length}${open > 0 ? `, ${open} open` : ''})*`;
  const lines = bulletsWithMore(alerts, SHOWN_USER_ALERTS, (a) => alertLine(a, now)).split('\n');
  if (alerts.length > SHOWN_USER_ALERTS) lines.push(`All of them: \`/cii alerts ${clean(login, 150)}\``);
  return [heading, ...lines];
}

/** The block this app holds on one account, if any. */
function blockOf(
  account: Pick<ProviderAccount, 'provider' | 'userId'>,
  app: AppDecisionsView | undefined,
): BlockedAccountView | undefined {
  return app?.blocked.find((b) => b.provider === account.provider && b.providerUserId === account.userId);
}

/**
 * An account's status as the user card says it: CII's status, unless this app blocked the account since, which
 * CII may not know yet: "⛔ Blocked by @bob 2 hours ago in this app (CII last said ✅ Active)".
 */
export function accountStatus(account: ProviderAccount, app: AppDecisionsView | undefined, now: Date): string {
  const status = clean(statusMarker(account.status), 40);
  const block = blockOf(account, app);
  if (!block) return status;
  return `⛔ *Blocked* ${by(block.by, block.at, now)} in this app (CII last said ${status})`;
}

/** "⛔ Blocked in Duo and Entra ID by this app", for the card's status field; undefined when nothing is blocked. */
export function blockedSummary(
  accounts: readonly ProviderAccount[],
  app: AppDecisionsView | undefined,
): string | undefined {
  const labels = [...new Set(accounts.filter((a) => blockOf(a, app)).map((a) => clean(humanize(a.provider), 40)))];
  return labels.length > 0 ? `⛔ Blocked in ${providerList(labels)} by this app` : undefined;
}
