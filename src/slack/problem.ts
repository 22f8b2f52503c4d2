import { CiiError } from '../cii/errors.ts';
import type { Logger } from '../logger.ts';
import { UserNotFoundError } from '../services/lookup.ts';
import { errorMessage } from './views/error-message.ts';
import type { SlackMessage } from './views/limits.ts';

/** Turns a failure into words for the analyst; the detail goes to the log, not to Slack. */
export function problemMessage(
  err: unknown,
  context: { login?: string; logger: Logger; action: string },
): SlackMessage {
  if (err instanceof CiiError) {
    switch (err.kind) {
      case 'not_found':
        if (context.login) {
          const alsoTried = err instanceof UserNotFoundError ? err.tried.slice(1) : [];
          return errorMessage({
            kind: 'unknown_user',
            login: context.login,
            ...(alsoTried.length ? { alsoTried } : {}),
          });
        }
        break;
      case 'credentials':
        context.logger.error(`${context.action}: CII rejected the API credentials`, { err });
        return errorMessage({ kind: 'credentials' });
      case 'unavailable':
        context.logger.warn(`${context.action}: CII unavailable`, { err });
        return errorMessage({ kind: 'unavailable' });
      case 'unexpected':
        context.logger.error(`${context.action}: unexpected CII response`, { err });
        return errorMessage({ kind: 'unexpected' });
    }
  }
  context.logger.error(`${context.action} failed`, { err });
  return errorMessage({ kind: 'internal' });
}
