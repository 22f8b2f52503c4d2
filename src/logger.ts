import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';

export type Level = 'debug' | 'info' | 'warn' | 'error';
const rank: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Structured JSON-lines logger; also satisfies Bolt's Logger so Bolt logs through it. */
export interface Logger extends BoltLogger {
  child(name: string): Logger;
}

const SECRET_KEY = /secret|token|password|authorization|signature|skey|api_?key/i;

/** Drops values under keys that look secret and turns errors into plain fields. */
function sanitize(value: unknown, depth = 0): unknown {
  if (value instanceof Error) {
    const cause = (value as { cause?: unknown }).cause;
    return { name: value.name, message: value.message, ...(cause ? { cause: sanitize(cause, depth + 1) } : {}) };
  }
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => sanitize(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key] = SECRET_KEY.test(key) ? '[redacted]' : sanitize(v, depth + 1);
  return out;
}

export function createLogger(options: { level?: Level; name?: string; write?: (line: string) => void } = {}): Logger {
  let level: Level = options.level ?? 'info';
  let name = options.name ?? 'cii-slack';
  const write = options.write ?? ((line: string) => process.stderr.write(line + '\n'));

  const log = (at: Level, args: unknown[]) => {
    if (rank[at] < rank[level]) return;
    const fields: Record<string, unknown> = {};
    const words: string[] = [];
    for (const arg of args) {
      if (typeof arg === 'string') words.push(arg);
      else if (arg instanceof Error) fields.err = sanitize(arg);
      else if (arg && typeof arg === 'object') Object.assign(fields, sanitize(arg));
      else words.push(String(arg));
    }
    write(JSON.stringify({ time: new Date().toISOString(), level: at, name, msg: words.join(' '), ...fields }));
  };

  const logger: Logger = {
    debug: (...args) => log('debug', args),
    info: (...args) => log('info', args),
    warn: (...args) => log('warn', args),
    error: (...args) => log('error', args),
    setLevel: (l) => {
      level = l as Level;
    },
    getLevel: () => level as LogLevel,
    setName: (n) => {
      name = n;
    },
    child: (child) => createLogger({ level, name: `${name}:${child}`, write }),
  };
  return logger;
}

/** A logger that writes nothing, for tests and library defaults. */
export const silentLogger: Logger = createLogger({ write: () => {} });
