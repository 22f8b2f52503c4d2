import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';

const logger = join(import.meta.dirname, '..', 'src', 'logger.ts');

/** A child that logs `count` JSON lines to stderr (the asynchronous destination), then ends as `how` says. */
function logThenEnd(how: 'exit' | 'throw' | 'natural' | 'flush-then-write', count = 5_000) {
  const script = `
    import { createLogger, flushLogs } from ${JSON.stringify(logger)};
    const log = createLogger();
    for (let i = 0; i < ${count}; i++) log.info('line', { i, padding: 'x'.repeat(100) });
    log.error('last line');
    const how = ${JSON.stringify(how)};
    if (how === 'exit') process.exit(1);
    if (how === 'throw') throw new Error('crash');
    if (how === 'flush-then-write') { flushLogs(); process.stderr.write('cannot start: the one line\\n'); process.exit(1); }
  `;
  return spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    timeout: 30_000,
    maxBuffer: 64 * 2 ** 20,
  });
}

function jsonLines(stderr: string): Array<Record<string, unknown>> {
  return stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('log lines written asynchronously to stderr', () => {
  test.each(['exit', 'throw', 'natural'] as const)('are all written, in order, when the process ends by %s', (how) => {
    const run = logThenEnd(how);
    const lines = jsonLines(run.stderr);
    expect(run.status).toBe(how === 'natural' ? 0 : 1);
    expect(lines).toHaveLength(5_001);
    expect(lines.slice(0, -1).every((l, i) => l.i === i)).toBe(true);
    expect(lines.at(-1)).toMatchObject({ msg: 'last line' });
  });

  test('flushLogs writes them out before a line written to stderr directly, which stays last', () => {
    const run = logThenEnd('flush-then-write', 2_000);
    expect(jsonLines(run.stderr)).toHaveLength(2_001);
    expect(run.stderr.trimEnd().split('\n').at(-1)).toBe('cannot start: the one line');
  });
});
