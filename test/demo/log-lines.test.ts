import { describe, expect, it } from 'vitest';
import { createDemoLogger, readableLogLine } from '../../sim/demo/log-lines.ts';

describe("the demo's readable log lines", () => {
  it("turns the app's JSON entries into one line with the time, level, logger, message and fields", () => {
    const lines: string[] = [];
    const logger = createDemoLogger('info', (line) => lines.push(line)).child('lookup');
    const err = new Error('CII has no user ghost', { cause: new Error('HTTP 404') });
    logger.warn('CII user digest unavailable', { err, login: 'ghost', attempt: 2 });
    logger.debug('not shown below the level');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^\d\d:\d\d:\d\d warn  lookup {2}CII user digest unavailable · Error: CII has no user ghost \(cause: Error: HTTP 404\) · login=ghost · attempt=2$/,
    );
  });

  it("reads pino's numeric levels and epoch times, drops pid and hostname, and keeps each entry on one line", () => {
    const line = readableLogLine(
      JSON.stringify({ level: 50, time: 0, pid: 7, hostname: 'h', name: 'cii-slack', msg: 'first\nsecond' }),
    );
    expect(line).toMatch(/^\d\d:\d\d:\d\d error first second$/);
  });

  it('passes text that is not a JSON object through unchanged, and shortens very long entries', () => {
    expect(readableLogLine('plain words')).toBe('plain words');
    expect(readableLogLine('[1,2]')).toBe('[1,2]');
    const long = readableLogLine(JSON.stringify({ level: 'info', msg: 'x'.repeat(1000) }));
    expect(long.length).toBe(400);
    expect(long.endsWith('…')).toBe(true);
  });
});
