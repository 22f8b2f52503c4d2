import { WebClient, type WebClientOptions } from '@slack/web-api';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { createSlackAuthorization, type SlackAuthorization } from '../slack/slack-auth.ts';
import type { BackoffOptions } from '../util/backoff.ts';

export interface SlackClient {
  /** Bolt's client uses the same options. */
  options: WebClientOptions;
  client: WebClient;
  auth: SlackAuthorization;
}

/** The Web API client the writers share, and the app's own authorization of the bot token. */
export function createSlackClient(config: Config, logger: Logger, startupBackoff?: BackoffOptions): SlackClient {
  const options: WebClientOptions = {
    ...(config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {}),
    // Callers own retries: the delivery worker paces and backs off per channel; interactive calls fail fast.
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: config.slack.timeoutMs,
    logger: logger.child('slack'),
  };
  const client = new WebClient(config.slack.botToken, options);
  const auth = createSlackAuthorization({
    client,
    botToken: config.slack.botToken,
    logger: logger.child('slack'),
    ...(startupBackoff ? { backoff: startupBackoff } : {}),
  });
  return { options, client, auth };
}
