import type { QuestionContent } from './types.ts';

/** Duo Mobile shows each pair on one line: short values keep it readable (Duo's own limit is 20,000 bytes in all). */
const MAX_VALUE = 200;
const SHOWN_TITLES = 3;

const short = (text: string) => (text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text);

function utc(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const text = date.toISOString();
  return `${text.slice(0, 10)} ${text.slice(11, 16)} UTC`;
}

function seen(content: QuestionContent): string {
  const titles = content.alerts.slice(0, SHOWN_TITLES).map((a) => a.title.trim());
  const more = content.alerts.length - titles.length;
  return more > 0 ? `${titles.join('; ')} and ${more} more` : titles.join('; ');
}

/**
 * What the Duo Push that proves a "Yes, it was me" says on the user's phone (`pushinfo`): what they are confirming,
 * in the words of their DM (check titles, when, where and the IP when known), without internal ids.
 */
export function verifyPushInfo(content: QuestionContent): Record<string, string> {
  const info: Record<string, string> = { action: 'Confirm it was you', seen: seen(content) };
  const first = content.alerts[0];
  if (first) info.reported = utc(first.published);
  const signIn = content.lastSignIn;
  if (signIn) {
    info['last sign-in'] = utc(signIn.at);
    const { city, state, country } = signIn.location ?? {};
    const place = [city, state, country].map((p) => p?.trim()).filter((p): p is string => !!p);
    if (place.length > 0) info.from = place.join(', ');
    if (signIn.ip?.trim()) info.IP = signIn.ip.trim();
  }
  return Object.fromEntries(Object.entries(info).map(([key, value]) => [key, short(value)]));
}
