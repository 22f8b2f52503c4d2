import type {
  AlertActionResult,
  AlertStore,
  AuditEntry,
  AuditStore,
  OutboxStore,
  PostedCopy,
  StoredAlert,
} from '../store/types.ts';

import { parseSummarizedResults, type SummarizedResults } from './responses/provider-results.ts';

export type { AuditEntry, PostedCopy, SummarizedResults };

/** Outcomes whose detail lists provider results (`summarizeResults`). */
const WITH_RESULTS = new Set(['blocked', 'unblocked', 'block_failed', 'unblock_failed']);

/** An alert as the app decided it: its provider results and where its cards are. */
export interface DecidedAlert {
  alert: StoredAlert;
  /** Every provider result of the alert, oldest first. */
  actions: AlertActionResult[];
  /** The posted copies of its card, oldest first. */
  copies: PostedCopy[];
}

/** A provider account the app blocked and did not unblock since. */
export interface BlockedAccount {
  provider: string;
  providerUserId: string;
  /** Slack user id of whoever blocked it, and when. */
  by: string;
  at: number;
  alertId: string;
}

/** What the app knows of one user from its own decisions, so a lookup never contradicts them. */
export interface UserDecisions {
  /** The user's alerts, newest first. */
  alerts: DecidedAlert[];
  /** The accounts blocked now, by the app's own record. */
  blocked: BlockedAccount[];
}

/** One audit entry with the alert it is about, when that alert is still kept. */
export interface ExplainedAuditEntry extends AuditEntry {
  alert?: Pick<StoredAlert, 'checkId' | 'title' | 'severity' | 'severityLabel' | 'login' | 'displayName'>;
  /** The posted copies of the alert's card, oldest first. */
  copies: PostedCopy[];
  /** A block or unblock: what each provider did, read from the detail. */
  results?: SummarizedResults;
}

/** Reads back what the app decided, for `/cii user`, `/cii audit` and the Home tab. */
export interface AuditService {
  /** The raw audit, newest first; about one alert user when `login` is given. */
  recent(filter: { login?: string; limit: number }): Promise<AuditEntry[]>;
  /** The same entries, each with its alert (check, severity, user) and its posted cards. */
  explained(filter: { login?: string; limit: number }): Promise<ExplainedAuditEntry[]>;
  /** The user's latest alerts (login compared case-insensitively) and the accounts the app holds blocked. */
  ofUser(login: string, limit: number): Promise<UserDecisions>;
}

export interface AuditServiceDeps {
  store: Pick<AuditStore, 'listAudit'> &
    Pick<AlertStore, 'getAlert' | 'listAlertsOfLogin' | 'listAlertActions'> &
    Pick<OutboxStore, 'postedCopiesOf'>;
}

/**
 * The accounts whose latest successful action, over every alert of the user, is a block: an account blocked for
 * one alert and unblocked for another is not blocked.
 */
export function blockedAcross(alerts: readonly DecidedAlert[]): BlockedAccount[] {
  const actions = alerts
    .flatMap((a) => a.actions)
    .sort((a, b) => a.at - b.at || a.id - b.id)
    .filter((a) => a.ok);
  const latest = new Map<string, AlertActionResult>();
  for (const a of actions) latest.set(`${a.provider}\u0000${a.providerUserId}`, a);
  return [...latest.values()]
    .filter((a) => a.action === 'block')
    .map((a) => ({
      provider: a.provider,
      providerUserId: a.providerUserId,
      by: a.actor,
      at: a.at,
      alertId: a.alertId,
    }));
}

export function createAuditService(deps: AuditServiceDeps): AuditService {
  const { store } = deps;
  return {
    recent: (filter) => store.listAudit(filter),
    async explained(filter) {
      const entries = await store.listAudit(filter);
      const ids = [...new Set(entries.flatMap((e) => (e.alertId ? [e.alertId] : [])))];
      const found = new Map(
        await Promise.all(
          ids.map(
            async (id) => [id, { alert: await store.getAlert(id), copies: await store.postedCopiesOf(id) }] as const,
          ),
        ),
      );
      return entries.map((e) => {
        const about = e.alertId ? found.get(e.alertId) : undefined;
        const alert = about?.alert;
        return {
          ...e,
          ...(alert
            ? {
                alert: {
                  checkId: alert.checkId,
                  title: alert.title,
                  severity: alert.severity,
                  severityLabel: alert.severityLabel,
                  login: alert.login,
                  ...(alert.displayName ? { displayName: alert.displayName } : {}),
                },
              }
            : {}),
          copies: about?.copies ?? [],
          ...(e.detail && WITH_RESULTS.has(e.outcome) ? { results: parseSummarizedResults(e.detail) } : {}),
        };
      });
    },
    async ofUser(login, limit) {
      const alerts = await Promise.all(
        (await store.listAlertsOfLogin({ login, limit })).map(async (alert) => ({
          alert,
          actions: await store.listAlertActions(alert.id),
          copies: await store.postedCopiesOf(alert.id),
        })),
      );
      return { alerts, blocked: blockedAcross(alerts) };
    },
  };
}
