import { toAuditEntry } from './rows.ts';
import { changesOf, type Executor, rowsOf } from './steps.ts';
import type { AuditStore } from './types.ts';

export function auditStore(db: Executor): AuditStore {
  return {
    recordAudit: async (e) => {
      await db.run(
        changesOf(
          `INSERT INTO audit_log (at, user_id, user_name, team_id, channel_id, alert_id, login, action, outcome, detail,
            reason)
          VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
          [
            e.at,
            e.userId,
            e.userName ?? null,
            e.teamId ?? null,
            e.channelId ?? null,
            e.alertId ?? null,
            e.login ?? null,
            e.action,
            e.outcome,
            e.detail ?? null,
            e.reason ?? null,
          ],
        ),
      );
    },
    listAudit: async ({ login, limit }) =>
      (
        await db.run(
          login === undefined
            ? rowsOf('SELECT * FROM audit_log ORDER BY id DESC LIMIT $1', [limit])
            : rowsOf('SELECT * FROM audit_log WHERE lower(login) = lower($1) ORDER BY id DESC LIMIT $2', [
                login,
                limit,
              ]),
        )
      ).map(toAuditEntry),
  };
}
