import { formatWhen, humanize, parseDate } from './format.ts';
import { clean } from './limits.ts';

/** One key-value pair CII sent with a finding (`loginDetails[].details`, `explainabilityDetails`). */
export interface DetailView {
  key: string;
  value: string;
}

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

const normalKey = (key: string) => key.trim().toLowerCase();

/**
 * A detail's value for people: a JSON-encoded list of strings (`["DUO","OKTA"]`) as "Duo, Okta", a number with
 * thousands separators, anything else as sent.
 */
export function detailValue(value: string): string {
  const trimmed = value.trim();
  if (trimmed.startsWith('[')) {
    try {
      const list: unknown = JSON.parse(trimmed);
      if (Array.isArray(list) && list.every((v) => typeof v === 'string' || typeof v === 'number'))
        return list.map((v) => humanize(String(v))).join(', ') || 'none';
    } catch {
      // Not JSON after all: shown as sent.
    }
  }
  if (/^-?\d{4,}(\.\d+)?$/.test(trimmed)) return Number(trimmed).toLocaleString('en-US');
  return trimmed;
}

const ACRONYMS = new Set(['ip', 'mfa', 'id', 'url', 'os', 'vpn', 'ua', 'sso', 'api', 'km']);

/**
 * A detail's key for people: `previousIpAddress` → "Previous IP address", `number_of_days` → "Number of days";
 * a key that already has spaces is kept as sent.
 */
export function detailKey(key: string): string {
  const trimmed = key.trim();
  if (/\s/.test(trimmed) || trimmed === '') return trimmed;
  const words = trimmed
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[\s_-]+/)
    .filter(Boolean)
    .map((w) => (ACRONYMS.has(w.toLowerCase()) ? w.toUpperCase() : w.toLowerCase()));
  const sentence = words.join(' ');
  return sentence.charAt(0).toUpperCase() + sentence.slice(1);
}

export interface ExplainedText {
  /** The lines with every placeholder filled from the details; a line with a value CII did not send is left out. */
  lines: string[];
  /** Which of the lines had placeholders (they say something about this user). */
  personal: boolean[];
  /** Details no placeholder used, in the order CII sent them, each key once. */
  unused: DetailView[];
}

/**
 * Fills CII's `{{placeholders}}` from the finding's own details when the keys match (case-insensitively). A line
 * with a placeholder no detail fills is left out rather than shown with a gap. Raw text, not yet escaped.
 */
export function explain(lines: readonly string[], details: readonly DetailView[]): ExplainedText {
  const byKey = new Map<string, DetailView>();
  for (const d of details) if (!byKey.has(normalKey(d.key))) byKey.set(normalKey(d.key), d);
  const used = new Set<string>();
  const out: ExplainedText = { lines: [], personal: [], unused: [] };
  for (const line of lines) {
    let missing = false;
    const wanted: DetailView[] = [];
    const filled = line.replace(PLACEHOLDER, (_, key: string) => {
      const detail = byKey.get(normalKey(key));
      if (!detail || detail.value.trim() === '') {
        missing = true;
        return '';
      }
      wanted.push(detail);
      return detailValue(detail.value);
    });
    if (missing || filled.trim() === '') continue;
    for (const d of wanted) used.add(normalKey(d.key));
    out.lines.push(filled);
    out.personal.push(wanted.length > 0);
  }
  // A key sent twice (per user and in explainabilityDetails) is listed once, as first sent.
  out.unused = [...byKey.values()].filter((d) => !used.has(normalKey(d.key)) && d.value.trim() !== '');
  return out;
}

/** When CII published an alert, relative and UTC; CII's own text (escaped) when it is not a date. */
export function publishedText(published: string, now: Date): string {
  const date = parseDate(published);
  return date ? formatWhen(date, now) : clean(published, 60) || 'unknown';
}

/** "Duo, Okta and Entra ID". */
export function providerList(providers: readonly string[]): string {
  const names = providers.map(humanize);
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}
