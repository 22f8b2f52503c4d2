import type { AuthorizeResult } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Logger } from '../logger.ts';
import { StartupError } from '../startup-error.ts';
import type { BackoffOptions } from '../util/backoff.ts';
import { retryUntil } from '../util/retry-until.ts';
import { platformErrorOf, reasonOf, retryAfterMsOf } from './slack-errors.ts';

/** auth.test answers that mean the token itself is refused: no retry can mend them. */
const REJECTED_TOKEN = new Set(['invalid_auth', 'token_revoked', 'account_inactive', 'not_authed', 'token_expired']);

export interface SlackIdentity {
  botId: string;
  botUserId: string;
  teamId?: string;
}

/**
 * The app's own authorization of Slack requests, in place of Bolt's: Bolt 5 starts auth.test in its constructor
 * and keeps that promise for the life of the process, so a Slack unreachable at start-up left a replica
 * refusing every request until restarted. Here a failed auth.test is retried with backoff and never kept.
 */
export interface SlackAuthorization {
  /** Bolt's `authorize`: the bot's identity once Slack accepted the token (waits for an attempt under way). */
  authorize: () => Promise<AuthorizeResult>;
  isAuthorized(): boolean;
  /**
   * Tries auth.test until Slack accepts the token. Rejects with a StartupError naming SLACK_BOT_TOKEN when
   * Slack refuses it (invalid_auth, token_revoked, account_inactive…); anything else is retried.
   */
  untilAuthorized(): Promise<SlackIdentity>;
  /** Stops retrying (shutdown). */
  stop(): void;
}

export interface SlackAuthorizationDeps {
  client: Pick<WebClient, 'auth'>;
  botToken: string;
  logger: Logger;
  backoff?: BackoffOptions;
}

export function createSlackAuthorization(deps: SlackAuthorizationDeps): SlackAuthorization {
  const { client, botToken, logger } = deps;
  const abort = new AbortController();
  let identity: SlackIdentity | undefined;
  let attempt: Promise<SlackIdentity> | undefined;
  let running: Promise<SlackIdentity> | undefined;

  const test = async (): Promise<SlackIdentity> => {
    const answer = await client.auth.test({ token: botToken });
    if (typeof answer.bot_id !== 'string' || typeof answer.user_id !== 'string') {
      throw new StartupError('SLACK_BOT_TOKEN', 'SLACK_BOT_TOKEN is not a bot token: Slack names no bot for it');
    }
    return { botId: answer.bot_id, botUserId: answer.user_id, ...(answer.team_id ? { teamId: answer.team_id } : {}) };
  };

  const untilAuthorized = () => {
    running ??= retryUntil(
      () => {
        attempt = test();
        return attempt;
      },
      {
        backoff: deps.backoff ?? { baseMs: 1_000, maxMs: 30_000 },
        waitAtLeastMs: retryAfterMsOf,
        isFatal: (err) => err instanceof StartupError || REJECTED_TOKEN.has(platformErrorOf(err) ?? ''),
        onRetry: (err, n, delayMs) =>
          logger.warn(`Slack did not answer auth.test; trying again in ${(delayMs / 1000).toFixed(1)} s`, {
            attempt: n,
            reason: reasonOf(err),
          }),
        signal: abort.signal,
      },
    ).then(
      (found) => {
        identity = found;
        logger.info('Slack accepted the bot token', { botUserId: found.botUserId, teamId: found.teamId });
        return found;
      },
      (err: unknown) => {
        const code = platformErrorOf(err);
        if (code && REJECTED_TOKEN.has(code)) {
          throw new StartupError('SLACK_BOT_TOKEN', `Slack rejected SLACK_BOT_TOKEN (${code})`, { cause: err });
        }
        throw err;
      },
    );
    return running;
  };

  return {
    authorize: async () => {
      // A request that arrives while an attempt is under way waits for it rather than failing.
      if (!identity && attempt) await attempt.catch(() => undefined);
      if (!identity) throw new Error('Slack has not accepted the bot token yet');
      return { botToken, botId: identity.botId, botUserId: identity.botUserId, teamId: identity.teamId };
    },
    isAuthorized: () => identity !== undefined,
    untilAuthorized,
    stop: () => abort.abort(new Error('stopped')),
  };
}
