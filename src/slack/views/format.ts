import { isKnownSeverity, type Severity } from '../../alerts/finding.ts';
import type { GeoLocation } from './identity.ts';

// Everything here returns raw text: views escape external parts with `clean()` before putting them in mrkdwn.

/** A valid Date from an ISO string or Date, or undefined for absent or unparseable values. */
export function parseDate(value: string | Date | null | undefined): Date | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

const UNITS: ReadonlyArray<readonly [string, number]> = [
  ['year', 365 * 86_400],
  ['month', 30 * 86_400],
  ['day', 86_400],
  ['hour', 3_600],
  ['minute', 60],
];

/** "5 minutes ago", "3 days ago", "in 2 hours", "just now". */
export function formatRelative(date: Date, now: Date): string {
  const seconds = Math.round((date.getTime() - now.getTime()) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 45) return 'just now';
  const [unit, size] = UNITS.find(([, s]) => abs >= s) ?? ['minute', 60];
  const n = Math.max(1, Math.floor(abs / size));
  const amount = `${n} ${unit}${n === 1 ? '' : 's'}`;
  return seconds < 0 ? `${amount} ago` : `in ${amount}`;
}

const twoDigits = (n: number) => (n < 10 ? `0${n}` : String(n));

/** "2026-11-24 16:30 UTC" (from the UTC fields: a third of what toISOString and slicing its answer cost). */
export function formatUtc(date: Date): string {
  return `${date.getUTCFullYear()}-${twoDigits(date.getUTCMonth() + 1)}-${twoDigits(date.getUTCDate())} ${twoDigits(date.getUTCHours())}:${twoDigits(date.getUTCMinutes())} UTC`;
}

/** "5 minutes ago · 2026-11-24 16:30 UTC". */
export function formatWhen(date: Date, now: Date): string {
  return `${formatRelative(date, now)} · ${formatUtc(date)}`;
}

/**
 * `compute` answered once per key: for the few words and codes that recur on every card. Bounded (emptied past 512
 * keys) for text that is not one of them.
 */
function remembered<T>(compute: (key: string) => T): (key: string) => T {
  const answers = new Map<string, T>();
  return (key) => {
    const known = answers.get(key);
    if (known !== undefined || answers.has(key)) return known as T;
    if (answers.size >= 512) answers.clear();
    const answer = compute(key);
    answers.set(key, answer);
    return answer;
  };
}

/** A country code's flag (a card shows several places, mostly in a few countries). */
const flagEmoji = remembered((country): string | undefined =>
  /^[A-Za-z]{2}$/.test(country)
    ? String.fromCodePoint(0x1f1e6 + (country.charCodeAt(0) & 0xdf) - 65, 0x1f1e6 + (country.charCodeAt(1) & 0xdf) - 65)
    : undefined,
);

/**
 * "Lisbon, PT" (with the state when CII has one, unless it is named like the city: "New York, US"; "🇵🇹 Lisbon, PT"
 * with `flag`); undefined when empty.
 */
export function formatLocation(
  location: GeoLocation | null | undefined,
  options: { flag?: boolean } = {},
): string | undefined {
  if (!location) return undefined;
  const city = location.city?.trim() ?? '';
  const state = location.state?.trim() ?? '';
  const country = location.country?.trim() ?? '';
  let text = city;
  if (state !== '' && state.toLowerCase() !== city.toLowerCase()) text = text === '' ? state : `${text}, ${state}`;
  if (country !== '') text = text === '' ? country : `${text}, ${country}`;
  if (text === '') return undefined;
  const flag = options.flag && country !== '' ? flagEmoji(country) : undefined;
  return flag ? `${flag} ${text}` : text;
}

const WORDS: Record<string, string> = {
  AZURE_AD: 'Entra ID',
  ENTRA: 'Entra ID',
  ENTRA_ID: 'Entra ID',
  DUO: 'Duo',
  OKTA: 'Okta',
  AUTH0: 'Auth0',
  AWS: 'AWS',
  HRIS: 'HRIS',
  G_SUITE: 'Google Workspace',
  GIT_HUB: 'GitHub',
  ISE: 'ISE',
  WEBEX_CI: 'Webex CI',
  MACOS: 'macOS',
  IOS: 'iOS',
  CHROME_OS: 'ChromeOS',
  SMS: 'SMS',
  TOTP: 'TOTP',
  U2F: 'U2F',
  WEBAUTHN: 'WebAuthn',
  MFA: 'MFA',
};

/** Enum words for people: `SERVICE_ACCOUNT` → "Service account", `AZURE_AD` → "Entra ID"; other text unchanged. */
export const humanize: (word: string) => string = remembered(rewrite);

function rewrite(word: string): string {
  const trimmed = word.trim();
  const known = WORDS[trimmed.toUpperCase()];
  if (known) return known;
  const enumLike = /^[A-Z0-9_]+$/.test(trimmed) || /^[a-z0-9_]+$/.test(trimmed);
  if (!enumLike) return trimmed;
  const spaced = trimmed.toLowerCase().replace(/_+/g, ' ').trim();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

const GOOD_STATUSES = new Set(['ACTIVE', 'ENABLED']);
const BAD_STATUSES = new Set([
  'SUSPENDED',
  'DISABLED',
  'BLOCKED',
  'LOCKED_OUT',
  'DEPROVISIONED',
  'DELETED',
  'DEACTIVATED',
]);

/** An `EndUserStatus` as marker and word, readable without colour: "✅ Active", "⛔ Suspended", "⚪ Staged". */
export function statusMarker(status: string | null | undefined): string {
  const key = (status ?? '').trim().toUpperCase();
  if (key === '') return '⚪ Unknown';
  const word = humanize(key);
  if (GOOD_STATUSES.has(key)) return `✅ ${word}`;
  if (BAD_STATUSES.has(key)) return `⛔ ${word}`;
  return `⚪ ${word}`;
}

export function yesNoUnknown(value: boolean | null | undefined): string {
  return value === true ? 'Yes' : value === false ? 'No' : 'Unknown';
}

const SEVERITY_EMOJI: Record<Severity, string> = { critical: '🔴', high: '🟠', medium: '🟡', low: '🔵' };

/** "Critical", "High", "Medium", "Low"; a severity CII sent that we do not know, as CII wrote it. */
export function severityWord(severity: Severity, label?: string): string {
  const raw = label?.trim();
  if (raw && !isKnownSeverity(raw)) return raw;
  return severity.charAt(0).toUpperCase() + severity.slice(1);
}

/**
 * "🔴 Critical"; CII's own word is added when it differs ("🟡 Medium (moderate)"); a severity we do not know is
 * shown as CII sent it ("❔ urgent").
 */
export function severityBadge(severity: Severity, label?: string): string {
  const raw = label?.trim();
  if (raw && !isKnownSeverity(raw)) return `❔ ${raw}`;
  const badge = `${SEVERITY_EMOJI[severity]} ${severityWord(severity)}`;
  return raw && raw.toLowerCase() !== severity ? `${badge} (${raw.toLowerCase()})` : badge;
}

const TRUST_EMOJI: Record<string, string> = {
  TRUSTED: '🟢',
  FAVORABLE: '🟢',
  NEUTRAL: '⚪',
  QUESTIONABLE: '🟠',
  UNTRUSTED: '🔴',
  UNKNOWN: '❔',
};

/** CII's trust level of a user: "🔴 Untrusted"; a level we do not know keeps CII's word. */
export function trustBadge(level: string): string {
  const key = level.trim().toUpperCase();
  return `${TRUST_EMOJI[key] ?? '❔'} ${humanize(level)}`;
}

/** "*Label*\nvalue" for a section field, or undefined when there is no value; `value` must be escaped mrkdwn. */
export function labeled(label: string, value: string | undefined): string | undefined {
  return value && value.trim() !== '' ? `*${label}*\n${value}` : undefined;
}
