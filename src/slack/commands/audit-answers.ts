import type { Logger } from '../../logger.ts';
import type { AuditStore } from '../../store/types.ts';
import { problemMessage } from '../problem.ts';
import { auditList } from '../views/audit-list.ts';
import { errorMessage } from '../views/error-message.ts';
import type { ExtraAnswers } from './cii-command.ts';

export interface AuditAnswerDeps {
  listAudit: AuditStore['listAudit'];
  /** CII_RESPONDERS membership: only responders read the audit. */
  isResponder(userId: string): Promise<boolean>;
  responders: readonly string[];
  logger: Logger;
  /** How many entries an answer lists; default 20. */
  limit?: number;
}

/** `/cii audit [login]`: recent decisions overall or about one user, for responders. */
export function auditAnswers(deps: AuditAnswerDeps): ExtraAnswers {
  return {
    audit: async (command, context) => {
      try {
        if (!(await deps.isResponder(context.userId))) {
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
        const entries = await deps.listAudit({
          ...(command.login ? { login: command.login } : {}),
          limit: deps.limit ?? 20,
        });
        return auditList({
          ...(command.login ? { login: command.login } : {}),
          entries: entries.map((e) => ({ ...e, at: new Date(e.at) })),
        });
      } catch (err) {
        return problemMessage(err, { logger: deps.logger, action: 'audit' });
      }
    },
  };
}
