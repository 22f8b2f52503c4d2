import { clean, escapeMrkdwn, LIMITS } from './limits.ts';

/** Longest URL we put inside mrkdwn text: longer ones would eat the message's text budget. */
const MAX_URL_IN_TEXT = 500;

/** The URL when it is an absolute http(s) URL of at most `max` chars; anything else (`javascript:`, junk) is refused. */
export function safeUrl(url: string | null | undefined, max: number = LIMITS.buttonUrl): string | undefined {
  if (!url) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return undefined;
  // `|` would end the URL part of `<url|label>`; URL.href already encodes `<`, `>` and spaces.
  const href = parsed.href.replace(/\|/g, '%7C');
  return href.length <= max ? href : undefined;
}

/** `<url|label>` when the URL is usable, else just the label; `label` must already be escaped mrkdwn. */
export function mrkdwnLink(url: string | null | undefined, label: string): string {
  const safe = safeUrl(url, MAX_URL_IN_TEXT);
  return safe ? `<${escapeMrkdwn(safe)}|${label}>` : label;
}

const SLACK_ID = /^[A-Z0-9]{2,40}$/;

/** `<@U…>` for a Slack user id; anything that is not an id is shown as escaped text instead. */
export function userMention(userId: string): string {
  return SLACK_ID.test(userId) ? `<@${userId}>` : clean(userId, 40);
}

/** A mention of a Slack user (`U…`/`W…`) or user group (`S…`), for lists of who may do something. */
export function principalMention(id: string): string {
  return /^S[A-Z0-9]{2,40}$/.test(id) ? `<!subteam^${id}>` : userMention(id);
}

/** `<#C…>` for a Slack channel id; anything else as escaped text. */
export function channelMention(channelId: string): string {
  return SLACK_ID.test(channelId) ? `<#${channelId}>` : clean(channelId, 40);
}
