/** Deepest nesting of objects and arrays an accepted webhook body may have (real envelopes stay under 10). */
export const MAX_JSON_DEPTH = 64;

/** Segments of a too-deep path kept when naming the field (the rest is the hostile nesting itself). */
const NAMED_SEGMENTS = 8;

/**
 * The field holding a value nested deeper than `maxDepth` objects/arrays (its path, cut after the last key
 * among the first few segments), or undefined. Walks with its own stack, so a body nested thousands of levels
 * deep is measured without recursion.
 */
export function pathTooDeep(json: unknown, maxDepth: number = MAX_JSON_DEPTH): PropertyKey[] | undefined {
  const stack: { value: unknown; path: PropertyKey[] }[] = [{ value: json, path: [] }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (path.length >= maxDepth) return fieldOf(path);
    const entries: [PropertyKey, unknown][] = Array.isArray(value)
      ? value.map((v, i) => [i, v])
      : Object.entries(value as Record<string, unknown>);
    for (const [key, child] of entries) stack.push({ value: child, path: [...path, key] });
  }
  return undefined;
}

function fieldOf(path: PropertyKey[]): PropertyKey[] {
  const head = path.slice(0, NAMED_SEGMENTS);
  const lastKey = head.findLastIndex((segment) => typeof segment === 'string');
  return lastKey < 0 ? head : head.slice(0, lastKey + 1);
}
