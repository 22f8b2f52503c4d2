/** Levenshtein distance between two strings (insertions, deletions, substitutions), case-sensitive. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The candidates closest to `word`, nearest first (ties in the candidates' order), at most `limit` of them, each
 * within `maxDistance` edits or containing `word` (or contained in it) when `word` has 3 characters or more.
 */
export function closest(
  word: string,
  candidates: readonly string[],
  options: { limit: number; maxDistance: number },
): string[] {
  const w = word.toLowerCase();
  return candidates
    .map((candidate, index) => {
      const c = candidate.toLowerCase();
      const distance = editDistance(w, c);
      const overlaps = w.length >= 3 && (c.includes(w) || w.includes(c));
      return { candidate, index, distance, near: distance <= options.maxDistance || overlaps };
    })
    .filter((c) => c.near && c.candidate.toLowerCase() !== w)
    .sort((x, y) => x.distance - y.distance || x.index - y.index)
    .slice(0, options.limit)
    .map((c) => c.candidate);
}
