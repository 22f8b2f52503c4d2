/** Posts one message to a channel; the Slack adapter implementing it classifies failures as `SlackPostError`. */
export interface SlackPoster {
  post(message: {
    channel: string;
    text: string;
    blocks: unknown[];
    threadTs?: string;
    /** Slack message metadata, so a posted card can be traced back to its alert and its delivery. */
    metadata?: CardMetadata;
  }): Promise<{ ts: string }>;
  /** Resolves when Slack accepts the app's token again (`auth.test`); throws a `SlackPostError` otherwise. */
  checkAccess(): Promise<void>;
  /**
   * Looks in the channel (or the thread) for a message posted since `since` (epoch ms) whose metadata has the
   * given event type and every given payload value: a card an earlier attempt posted without learning its ts.
   * Throws a `SlackPostError` when Slack cannot be asked, or when too many messages came since to look through.
   */
  findPosted(query: {
    channel: string;
    threadTs?: string;
    since: number;
    metadata: CardMetadata;
  }): Promise<{ ts: string } | undefined>;
}

/** What a card carries as Slack message metadata. */
export interface CardMetadata {
  event_type: string;
  event_payload: Record<string, string | number>;
}

export type SlackPostFailure =
  /** HTTP 429: wait at least `retryAfterMs` before posting to that channel again. */
  | { kind: 'rate_limited'; retryAfterMs: number }
  /**
   * Slack refused for good (`channel_not_found`, `invalid_auth`, `invalid_blocks`, ...): never retried as it is.
   * `scope`: what is refused: this `message` only, every message to this `channel` until someone acts there, or
   * every call of the `app` (its token) until an admin acts.
   */
  | { kind: 'permanent'; code: string; scope: 'message' | 'channel' | 'app' }
  /** Network error, timeout, 5xx: retried with backoff. */
  | { kind: 'transient' };

export class SlackPostError extends Error {
  override readonly name = 'SlackPostError';
  readonly kind: SlackPostFailure['kind'];
  readonly retryAfterMs: number | undefined;
  readonly code: string | undefined;
  readonly scope: 'message' | 'channel' | 'app' | undefined;

  constructor(message: string, failure: SlackPostFailure, options?: { cause?: unknown }) {
    super(message, options);
    this.kind = failure.kind;
    this.retryAfterMs = failure.kind === 'rate_limited' ? failure.retryAfterMs : undefined;
    this.code = failure.kind === 'permanent' ? failure.code : undefined;
    this.scope = failure.kind === 'permanent' ? failure.scope : undefined;
  }
}
