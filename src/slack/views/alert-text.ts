import { formatWhen, humanize, parseDate } from './format.ts';
import { clean } from './limits.ts';

/**
 * CII sometimes sends templates unrendered ("in the last {{numberOfDays}} days"): a placeholder whose name is a
 * key of `values` (CII's explainabilityDetails; exact, else ignoring case) shows that value, any other "…".
 */
export function fillPlaceholders(text: string, values: ReadonlyArray<{ key: string; value: string }> = []): string {
  return text.replace(/\{\{([^{}]*)\}\}/g, (_, raw: string) => {
    const name = raw.trim();
    const entry = values.find((v) => v.key === name) ?? values.find((v) => v.key.toLowerCase() === name.toLowerCase());
    return entry && entry.value.trim() !== '' ? entry.value : '…';
  });
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
