import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';

const logger = join(import.meta.dirname, '..', 'src', 'logger.ts');

/** A child that logs `count` JSON lines to stderr (the asynchronous destination), then ends as `how` says. */
function logThenEnd(how: 'exit' | 'throw' | 'natural' | 'last-line' | 'last-line-behind-busy-pool', count = 5_000) {
  const script = `
    import { createLogger, writeLastLine } from ${JSON.stringify(logger)};
    const log = createLogger();
    for (let i = 0; i < ${count}; i++) log.info('line', { i, padding: 'x'.repeat(100) });
    log.error('last line');
    const how = ${JSON.stringify(how)};
    if (how === 'exit') process.exit(1);
    if (how === 'throw') throw new Error('crash');
    if (how === 'last-line') { await writeLastLine('cannot start: the one line\\n'); process.exit(1); }
    if (how === 'last-line-behind-busy-pool') {
      // One thread in the pool (UV_THREADPOOL_SIZE=1), busy: the log line's asynchronous write waits for it.
      (await import('node:crypto')).pbkdf2(Buffer.alloc(1), Buffer.alloc(1), 300_000, 32, 'sha256', () => {});
      log.error('one more line');
      await writeLastLine('cannot start: the one line\\n');
      process.exit(1);
    }
  `;
  return spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, UV_THREADPOOL_SIZE: '1' },
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

  test('writeLastLine writes its line after them all, last', () => {
    const run = logThenEnd('last-line', 2_000);
    expect(run.status).toBe(1);
    expect(jsonLines(run.stderr)).toHaveLength(2_001);
    expect(run.stderr.trimEnd().split('\n').at(-1)).toBe('cannot start: the one line');
  });

  test('writeLastLine waits for a log line whose write has not happened yet, and stays last', () => {
    const run = logThenEnd('last-line-behind-busy-pool', 0);
    expect(run.status).toBe(1);
    expect(run.stderr.trimEnd().split('\n').slice(-2)).toEqual([
      expect.stringContaining('"msg":"one more line"'),
      'cannot start: the one line',
    ]);
  });
});
