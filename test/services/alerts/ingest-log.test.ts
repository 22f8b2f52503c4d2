import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { createLogger } from '../../../src/logger.ts';
import { createIngestLog, type RecordedFinding } from '../../../src/services/alerts/ingest-log.ts';
import { withRequestId } from '../../../src/request-id.ts';

const finding = (n: number, overrides: Partial<RecordedFinding> = {}): RecordedFinding => ({
  envelopeId: `env-${n}`,
  findingId: `f-${n}`,
  checkId: 'no-mfa',
  routed: true,
  users: 2,
  duplicate: false,
  alertsCreated: 2,
  deliveriesCreated: 2,
  ...overrides,
});

describe('ingest log', () => {
  let lines: Array<Record<string, unknown>>;
  let clock: number;
  const logOf = (level: 'info' | 'debug', intervalMs = 10_000) =>
    createIngestLog({
      logger: createLogger({ level, write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) }),
      now: () => clock,
      intervalMs,
    });
  const said = () => lines.map(({ level, msg, ...rest }) => ({ level, msg, ...pick(rest) }));
  const pick = (r: Record<string, unknown>) =>
    Object.fromEntries(
      ['envelopeId', 'findings', 'users', 'alertsCreated', 'deliveriesCreated', 'unrouted'].flatMap((k) =>
        k in r ? [[k, r[k]]] : [],
      ),
    );

  beforeEach(() => {
    vi.useFakeTimers();
    lines = [];
    clock = Date.UTC(2026, 0, 1);
  });
  afterEach(() => vi.useRealTimers());

  test('says a finding after a quiet interval at once, then sums the rest of the interval in one line at its end', () => {
    const log = logOf('info');
    log.recorded(finding(1));
    expect(said()).toEqual([
      { level: 'info', msg: 'finding recorded', envelopeId: 'env-1', users: 2, alertsCreated: 2, deliveriesCreated: 2 },
    ]);
    for (let n = 2; n <= 500; n++) {
      clock += 10;
      vi.advanceTimersByTime(10);
      log.recorded(finding(n, n % 2 === 0 ? { routed: false, deliveriesCreated: 0 } : {}));
    }
    // Duplicates and findings that brought nothing new are not counted.
    log.recorded(finding(501, { duplicate: true, alertsCreated: 0, deliveriesCreated: 0 }));
    expect(lines).toHaveLength(1);
    vi.advanceTimersByTime(10_000 - 4_990 - 1);
    clock += 10_000 - 4_990;
    expect(lines).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(said()[1]).toEqual({
      level: 'info',
      msg: 'findings recorded',
      findings: 499,
      users: 998,
      alertsCreated: 998,
      deliveriesCreated: 498,
      unrouted: 250,
    });
    // Quiet since that line: the next finding, once an interval has passed, is said at once again.
    clock += 10_000;
    log.recorded(finding(502));
    expect(said()[2]).toMatchObject({ msg: 'finding recorded', envelopeId: 'env-502' });
  });

  test('says what is summed at once when flushed (shutdown), with a debug line for each finding it sums', () => {
    const log = logOf('debug');
    log.recorded(finding(1));
    log.recorded(finding(2));
    log.recorded(finding(3, { duplicate: true, alertsCreated: 0, deliveriesCreated: 0 }));
    log.flush();
    expect(said().map((l) => `${String(l.level)} ${String(l.msg)}`)).toEqual([
      'info finding recorded',
      'debug finding recorded',
      'debug finding brought nothing new',
      'info findings recorded',
    ]);
    log.flush();
    vi.advanceTimersByTime(60_000);
    expect(lines).toHaveLength(4);
  });

  test("gives a finding's line its request id, and the sum of many requests none", async () => {
    // Real timers: a timer carries the request context it was armed in only when Node runs it.
    vi.useRealTimers();
    const log = logOf('info', 20);
    withRequestId('req-1', () => log.recorded(finding(1)));
    withRequestId('req-2', () => log.recorded(finding(2)));
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(lines.map((l) => [l.msg, l.reqId])).toEqual([
      ['finding recorded', 'req-1'],
      ['findings recorded', undefined],
    ]);
  });
});
