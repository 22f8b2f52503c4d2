/** Posts one message to a channel; the Slack adapter implementing it classifies failures as `SlackPostError`. */
export interface SlackPoster {
  post(message: {
    channel: string;
    text: string;
    blocks: unknown[];
    threadTs?: string;
    /** Slack message metadata, so a posted card can be traced back to its alert. */
    metadata?: { event_type: string; event_payload: Record<string, string | number> };
  }): Promise<{ ts: string }>;
}

export type SlackPostFailure =
  /** HTTP 429: wait at least `retryAfterMs` before posting to that channel again. */
  | { kind: 'rate_limited'; retryAfterMs: number }
  /** Slack refused for good (`channel_not_found`, `invalid_auth`, `invalid_blocks`, ...): never retried. */
  | { kind: 'permanent'; code: string }
  /** Network error, timeout, 5xx: retried with backoff. */
  | { kind: 'transient' };

export class SlackPostError extends Error {
  override readonly name = 'SlackPostError';
  readonly kind: SlackPostFailure['kind'];
  readonly retryAfterMs: number | undefined;
  readonly code: string | undefined;

  constructor(message: string, failure: SlackPostFailure, options?: { cause?: unknown }) {
    super(message, options);
    this.kind = failure.kind;
    this.retryAfterMs = failure.kind === 'rate_limited' ? failure.retryAfterMs : undefined;
    this.code = failure.kind === 'permanent' ? failure.code : undefined;
  }
}

/**
 * Permanent codes that mean the channel (or the whole install) cannot receive cards until someone acts:
 * the subscription is marked broken. Other permanent codes (e.g. `invalid_blocks`) fail only the card.
 */
export const SUBSCRIPTION_BREAKING_CODES: ReadonlySet<string> = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'invalid_auth',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'not_authed',
  'missing_scope',
  'restricted_action',
  'restricted_action_read_only_channel',
  'restricted_action_thread_only_channel',
  'restricted_action_non_threadable_channel',
  'team_access_not_granted',
  'ekm_access_denied',
]);
