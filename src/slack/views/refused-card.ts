import type { Severity } from '../../alerts/finding.ts';
import { severityBadge, severityWord } from './format.ts';
import { buildMessage, clean, code, listWithMore, mrkdwn, type SlackMessage } from './limits.ts';

/** A card Slack refused for its content (a structural copy of the delivery service's). */
export interface RefusedCardView {
  severity: Severity;
  severityLabel: string;
  title: string;
  checkId: string;
  /** The alert's user, or the users of the summary's thread. */
  logins: readonly string[];
  /** Slack's error, e.g. `invalid_blocks`. */
  reason: string;
}

const SHOWN_LOGINS = 5;

/**
 * Posted where a card Slack refused for its content would have been: the finding is not missed, and the
 * analyst knows where its details are.
 */
export function refusedCardNotice(card: RefusedCardView): SlackMessage {
  const [only] = card.logins;
  const users = listWithMore(card.logins, SHOWN_LOGINS, (login) => code(login, 150));
  const where = card.logins.length === 1 && only !== undefined ? `/cii alerts ${only}` : '/cii alerts';
  const text = [
    `⚠️ ${severityBadge(card.severity, card.severityLabel)} · *${clean(card.title, 200)}* (${code(card.checkId, 100)}) for ${users}`,
    `Slack refused this alert's card (${code(card.reason, 100)}), so it is shown here in short. ${code(where, 200)} lists it; the app's log says what Slack objected to.`,
  ].join('\n');
  return buildMessage(
    `${severityWord(card.severity, card.severityLabel)} ${card.title}: Slack refused the card, see ${where}`,
    [{ type: 'section', text: mrkdwn(text) }],
  );
}
