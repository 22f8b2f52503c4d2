import { formatWhen, humanize, parseDate } from './format.ts';
import { clean } from './limits.ts';

/** CII sometimes sends templates unrendered ("in the last {{numberOfDays}} days"): show "…" instead of braces. */
export function hidePlaceholders(text: string): string {
  return text.replace(/\{\{[^{}]*\}\}/g, '…');
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
