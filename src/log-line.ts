const SKIPPED = new Set(['time', 'level', 'component', 'msg', 'pid', 'hostname']);

/** One readable line from a JSON log line: `12:00:01.234 INFO  component message key=value …`. */
export function formatLine(json: string): string {
  const entry = JSON.parse(json) as Record<string, unknown>;
  const time = typeof entry.time === 'string' ? entry.time.slice(11, 23) : '';
  const level =
    typeof entry.level === 'string' || typeof entry.level === 'number' ? String(entry.level).toUpperCase() : '';
  const extra = Object.entries(entry)
    .filter(([k]) => !SKIPPED.has(k))
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return [time, level.padEnd(5), entry.component, entry.msg, ...extra]
    .filter((p) => p !== '' && p !== undefined)
    .join(' ');
}
