import type { LogLevel, Logger as BoltLogger } from '@slack/bolt';
import { pino, stdTimeFunctions, type DestinationStream, type Logger as Pino } from 'pino';
import { formatLine } from './log-line.ts';
import { MAX_REDACTED_DEPTH, redactSecrets } from './redact.ts';
import { currentRequestId } from './request-id.ts';

export type Level = 'debug' | 'info' | 'warn' | 'error';
/** `json`: one JSON object a line, for log pipelines; `line`: one readable line an entry, for people. */
export type LogFormat = 'json' | 'line';

/**
 * Structured logger over pino; also satisfies Bolt's Logger so Bolt logs through it. Call as
 * `logger.info('what happened', { field: value })` or `logger.error('what failed', err)`.
 */
export interface Logger extends BoltLogger {
  /** A logger whose lines carry `component: <parent>.<name>` (`<name>` under the root). */
  child(name: string): Logger;
}

export interface LoggerOptions {
  level?: Level;
  /** The `component` of this logger's lines (children extend it). */
  component?: string;
  format?: LogFormat;
  /** Receives each line without its newline (tests); by default lines go to stderr. */
  write?: (line: string) => void;
}

/** Fields the logger owns: a call site's field of the same name is renamed rather than allowed to shadow it. */
const OWN_FIELDS = new Set(['time', 'level', 'msg', 'component', 'reqId', 'pid', 'hostname']);

/** Errors as name, message, code and cause only: an HTTP client's error also holds its request, headers included. */
function serializeError(value: unknown, depth = 0): unknown {
  if (!(value instanceof Error)) return value;
  const { code, cause } = value as { code?: unknown; cause?: unknown };
  return {
    name: value.name,
    message: value.message,
    ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
    ...(cause !== undefined && depth < MAX_REDACTED_DEPTH ? { cause: serializeError(cause, depth + 1) } : {}),
  };
}

/**
 * JSON lines to stderr go through one asynchronous destination for the whole process: a line costs no system call
 * of its own on the event loop, lines logged together leave in one write. pino writes out what is left when the
 * process exits (process.exit, an uncaught exception, the end of the event loop).
 */
let stderrJson: ReturnType<typeof pino.destination> | undefined;

const LAST_LINE_WAIT_MS = 2_000;

/**
 * Writes `text` to stderr after every log line before it and resolves once it is out: what a process says just before
 * it exits. It queues behind the destination's own write in flight (a flush written beside that write could land
 * before it); a destination that does not drain within 2 s is given up on, and exit writes out what is left.
 */
export function writeLastLine(text: string): Promise<void> {
  const dest = stderrJson;
  if (!dest) {
    process.stderr.write(text);
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      dest.off('drain', done).off('error', done);
      resolve();
    };
    const timer = setTimeout(done, LAST_LINE_WAIT_MS);
    dest.once('drain', done).once('error', done);
    dest.write(text);
  });
}

function destination(options: LoggerOptions): DestinationStream {
  const format = options.format ?? 'json';
  const write = options.write;
  if (!write && format === 'json') return (stderrJson ??= pino.destination({ dest: 2, sync: false }));
  const out = write ?? ((line: string) => process.stderr.write(`${line}\n`));
  return {
    write: (json: string) => {
      const line = json.endsWith('\n') ? json.slice(0, -1) : json;
      out(format === 'line' ? formatLine(line) : line);
    },
  };
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const root = pino(
    {
      level: options.level ?? 'info',
      messageKey: 'msg',
      timestamp: stdTimeFunctions.isoTime,
      // Errors arrive serialized (see emit); this keeps pino's own error serializer off them.
      serializers: { err: serializeError },
      formatters: { level: (label) => ({ level: label }) },
      mixin: () => {
        const reqId = currentRequestId();
        return reqId ? { reqId } : {};
      },
    },
    destination(options),
  );
  return wrap(root, options.component ?? 'app');
}

function wrap(root: Pino, component: string): Logger {
  let sink = root.child({ component });
  const emit =
    (at: Level) =>
    (...args: unknown[]): void => {
      if (!sink.isLevelEnabled(at)) return;
      const fields: Record<string, unknown> = {};
      const words: string[] = [];
      for (const arg of args) {
        if (typeof arg === 'string') words.push(arg);
        else if (arg instanceof Error) fields.err = serializeError(arg);
        else if (arg && typeof arg === 'object') {
          for (const [k, v] of Object.entries(arg)) {
            fields[OWN_FIELDS.has(k) ? `${k}Field` : k] = serializeError(v);
          }
        } else words.push(String(arg));
      }
      sink[at](redactSecrets(fields), words.join(' '));
    };
  return {
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    setLevel: (level) => {
      sink.level = level;
    },
    getLevel: () => sink.level as LogLevel,
    setName: (name) => {
      const level = sink.level;
      sink = root.child({ component: name });
      sink.level = level;
    },
    child: (name) => {
      const child = wrap(root, component === 'app' ? name : `${component}.${name}`);
      child.setLevel(sink.level as LogLevel);
      return child;
    },
  };
}

/** A logger that writes nothing, for tests and library defaults. */
export const silentLogger: Logger = wrap(pino({ level: 'silent' }), 'app');
