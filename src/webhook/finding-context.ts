import type { FindingContext } from '../alerts/finding.ts';

// The newer payload fields are known by name only (parsers of other products): their types are read leniently,
// and a value of an unexpected shape is dropped rather than refused, since a refused finding is never resent.

const MAX_ITEMS = 100;
const MAX_TEXT = 1000;

const text = (value: string) => value.trim().slice(0, MAX_TEXT);

/** A label for one list item: a string as it is, a number or boolean spelled out, an object by its name. */
function itemText(item: unknown): string | undefined {
  if (typeof item === 'string') return text(item) || undefined;
  if (typeof item === 'number' || typeof item === 'boolean') return String(item);
  if (typeof item === 'object' && item !== null && !Array.isArray(item)) {
    const record = item as Record<string, unknown>;
    const named = ['name', 'title', 'label', 'id'].map((k) => record[k]).find((v) => typeof v === 'string');
    return typeof named === 'string' ? text(named) || undefined : text(JSON.stringify(item));
  }
  return undefined;
}

/** A string, or a list of strings (or of named objects), as a list of texts. */
function textList(value: unknown): string[] {
  const items = Array.isArray(value) ? value : value == null ? [] : [value];
  return items
    .map(itemText)
    .filter((t): t is string => t !== undefined)
    .slice(0, MAX_ITEMS);
}

/** `[{key, value}]` (or a plain object) as key/value texts; values that are not strings keep their JSON text. */
function keyValues(value: unknown): Array<{ key: string; value: string }> {
  const entries: Array<[unknown, unknown]> = Array.isArray(value)
    ? value.map((e) =>
        typeof e === 'object' && e !== null
          ? [(e as Record<string, unknown>).key, (e as Record<string, unknown>).value]
          : [undefined, undefined],
      )
    : typeof value === 'object' && value !== null
      ? Object.entries(value)
      : [];
  return entries
    .filter((entry): entry is [string, unknown] => typeof entry[0] === 'string' && entry[0].trim() !== '')
    .map(([key, v]) => ({ key: key.trim(), value: text(typeof v === 'string' ? v : (JSON.stringify(v) ?? '')) }))
    .slice(0, MAX_ITEMS);
}

/** `userTrustLevel`: a level word, or an object carrying `levelOfTrust` as CII's API spells it. */
export function trustLevelOf(value: unknown): string | undefined {
  const level = typeof value === 'object' && value !== null ? (value as Record<string, unknown>).levelOfTrust : value;
  return typeof level === 'string' && level.trim() !== '' ? text(level) : undefined;
}

/** The newer fields of a FAILED_CHECK detail; undefined when it has none of them. */
export function findingContextOf(detail: {
  checkTopics?: unknown;
  checkScope?: unknown;
  frameworks?: unknown;
  explainabilityEventIds?: unknown;
  explainabilityDetails?: unknown;
}): FindingContext | undefined {
  const scope = textList(detail.checkScope).join(', ');
  const context: FindingContext = {
    checkTopics: textList(detail.checkTopics),
    ...(scope ? { checkScope: scope } : {}),
    frameworks: textList(detail.frameworks),
    explainabilityEventIds: textList(detail.explainabilityEventIds),
    explainabilityDetails: keyValues(detail.explainabilityDetails),
  };
  const empty =
    context.checkScope === undefined &&
    [context.checkTopics, context.frameworks, context.explainabilityEventIds, context.explainabilityDetails].every(
      (list) => list.length === 0,
    );
  return empty ? undefined : context;
}
