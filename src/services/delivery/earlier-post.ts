import type { ClaimedDelivery } from '../../store/types.ts';
import { cardIdentity } from './compose.ts';
import { SlackPostError, type SlackPoster } from './poster.ts';

/**
 * Looks that may fail (Slack erring or rate-limiting `conversations.history`) before the card is posted anyway: past
 * this many, a possible duplicate is better than an alert that is never shown.
 */
const MAX_LOOKUP_FAILURES = 5;

/** Slack's clock and ours may differ: a look starts this long before the earlier attempt began. */
const CLOCK_MARGIN_MS = 60_000;

type EarlierPost =
  /** The earlier attempt reached Slack: record this ts instead of posting. */
  | { kind: 'found'; ts: string }
  /** Nothing of it in Slack: post. */
  | { kind: 'absent' }
  /** Slack will not say (no read access to the channel, or looks failed too often): post, a duplicate is possible. */
  | { kind: 'unknowable'; reason: string }
  /** Slack could not be asked now: ask again later (`error` says why: rate limit, refused token, network). */
  | { kind: 'ask_later'; error: unknown };

/**
 * Whether an earlier attempt of this delivery, whose answer never came (timeout, network error, crash), posted the
 * card: it is looked for by its metadata among the messages since that attempt began.
 */
export async function findEarlierPost(poster: SlackPoster, claimed: ClaimedDelivery): Promise<EarlierPost> {
  const { delivery } = claimed;
  const threadTs = claimed.kind === 'alert' ? claimed.threadTs : undefined;
  try {
    const found = await poster.findPosted({
      channel: delivery.channelId,
      ...(threadTs === undefined ? {} : { threadTs }),
      since: (delivery.postingSince ?? delivery.createdAt) - CLOCK_MARGIN_MS,
      metadata: cardIdentity(claimed),
    });
    return found ? { kind: 'found', ts: found.ts } : { kind: 'absent' };
  } catch (err) {
    const e = err instanceof SlackPostError ? err : undefined;
    // No read access to this channel (a missing history scope, not a member…): asking again cannot help.
    if (e?.kind === 'permanent' && e.scope !== 'app') return { kind: 'unknowable', reason: e.code ?? e.message };
    if (e?.kind !== 'permanent' && delivery.lookupsFailed + 1 >= MAX_LOOKUP_FAILURES) {
      return {
        kind: 'unknowable',
        reason: `${MAX_LOOKUP_FAILURES} looks failed, the last: ${e?.message ?? String(err)}`,
      };
    }
    return { kind: 'ask_later', error: err };
  }
}
