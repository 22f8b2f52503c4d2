import { createLogger, type Level, type Logger } from '../../src/logger.ts';

// pino's numeric levels, in case the app's logger writes them.
const LEVEL_NAMES: Record<number, string> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};
const OMITTED = new Set(['time', 'level', 'component', 'name', 'msg', 'pid', 'hostname', 'v']);
const MAX_LINE = 400;

function clock(time: unknown): string {
  const date = new Date(typeof time === 'number' || typeof time === 'string' ? time : Date.now());
  return Number.isNaN(date.getTime()) ? '--:--:--' : date.toTimeString().slice(0, 8);
}

function describeError(value: unknown): string {
  if (value === null || typeof value !== 'object') return String(value);
  const err = value as { name?: unknown; type?: unknown; message?: unknown; cause?: unknown };
  const name = typeof err.name === 'string' ? err.name : typeof err.type === 'string' ? err.type : 'Error';
  const own = `${name}: ${String(err.message ?? '')}`;
  return err.cause === undefined ? own : `${own} (cause: ${describeError(err.cause)})`;
}

function field(key: string, value: unknown): string {
  if (key === 'err' || key === 'error') return describeError(value);
  return `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`;
}

/**
 * One JSON log line as a person reads it: `12:04:05 warn  lookup  CII user digest unavailable · err: …`.
 * Lines that are not JSON objects pass through unchanged.
 */
export function readableLogLine(jsonLine: string): string {
  let entry: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(jsonLine);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return jsonLine;
    entry = parsed as Record<string, unknown>;
  } catch {
    return jsonLine;
  }
  const level = typeof entry.level === 'number' ? (LEVEL_NAMES[entry.level] ?? String(entry.level)) : entry.level;
  const component = entry.component ?? entry.name;
  const name = typeof component === 'string' ? component.replace(/^cii-slack:?/, '') : '';
  const extras = Object.entries(entry)
    .filter(([key]) => !OMITTED.has(key))
    .map(([key, value]) => field(key, value));
  const text = [String(entry.msg ?? ''), ...extras].filter(Boolean).join(' · ');
  const line = `${clock(entry.time)} ${String(level ?? 'info').padEnd(5)} ${name ? `${name}  ` : ''}${text}`;
  const flat = line.replace(/\s*\n\s*/g, ' ');
  return flat.length > MAX_LINE ? `${flat.slice(0, MAX_LINE - 1)}…` : flat;
}

/** The app's logger, printing readable one-line entries to stderr: for a person watching the demo's terminal. */
export function createDemoLogger(
  level: Level,
  write: (line: string) => unknown = (line) => process.stderr.write(line + '\n'),
): Logger {
  return createLogger({ level, write: (line) => write(readableLogLine(line)) });
}
