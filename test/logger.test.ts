import { describe, expect, test } from 'vitest';
import { createLogger } from '../src/logger.ts';
import { SECRET_KEYS } from '../src/redact.ts';
import { withRequestId } from '../src/request-id.ts';
import { openStore } from '../src/store/open-store.ts';

function capture(options: Parameters<typeof createLogger>[0] = {}) {
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', ...options, write: (line) => lines.push(line) });
  const entries = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  return { logger, lines, entries };
}

describe('structured logs', () => {
  test('each line is one JSON object with time, level, component and message', () => {
    const { logger, entries } = capture();
    logger.info('started', { port: 3000 });
    expect(entries()).toEqual([
      expect.objectContaining({
        level: 'info',
        component: 'app',
        msg: 'started',
        port: 3000,
        time: expect.any(String) as string,
      }),
    ]);
    expect(Number.isNaN(Date.parse(entries()[0]!.time as string))).toBe(false);
  });

  test('children name their component, nested ones by path, and a field cannot replace it', () => {
    const { logger, lines, entries } = capture();
    logger.child('store').info('applied migration', { version: 2, name: 'alerts and the outbox', component: 'x' });
    logger.child('idp').child('duo').warn('slow');
    expect(entries().map((e) => e.component)).toEqual(['store', 'idp.duo']);
    expect(entries()[0]).toMatchObject({ name: 'alerts and the outbox', componentField: 'x' });
    // One `component` key per line: JSON.parse keeps the last of duplicates, so count them in the text.
    expect(lines[0]!.match(/"component":/g)).toHaveLength(1);
  });

  test('every store line says component "store", whatever the migration is called', async () => {
    const { logger, entries } = capture();
    const store = await openStore('sqlite::memory:', { logger: logger.child('store') });
    await store.close();
    expect(entries().length).toBeGreaterThan(1);
    for (const entry of entries()) expect(entry.component).toBe('store');
    expect(entries().find((e) => e.msg === 'applied migration')).toMatchObject({
      version: 1,
      migration: expect.any(String) as string,
    });
  });

  test('drops lines below the level, children included', () => {
    const { logger, entries } = capture({ level: 'warn' });
    logger.info('no');
    logger.child('lookup').debug('no');
    logger.child('lookup').warn('yes');
    expect(entries().map((e) => e.msg)).toEqual(['yes']);
  });

  test('redacts every secret-bearing key at the top level and nested, and keeps other fields', () => {
    const { logger, lines } = capture();
    const keys = [...SECRET_KEYS];
    expect(keys.length).toBeGreaterThan(15);
    keys.forEach((key, i) => {
      const secret = `SECRET-${i}`;
      logger.info('top', { [key]: secret, kept: 'visible' });
      logger.info('nested', { request: { headers: { [key]: `${secret}-deep` } } });
      logger.info('deeper', { a: { b: { c: { [key]: `${secret}-deeper` } } } });
      logger.info('listed', { calls: [{ headers: { [key]: `${secret}-listed` } }] });
    });
    const all = lines.join('\n');
    expect(all).not.toMatch(/SECRET-\d/);
    expect(all).toContain('"kept":"visible"');
    expect(all).toContain('[redacted]');
  });

  test('leaves the objects it was given as they were, and censors nothing deeper than four levels', () => {
    const { logger, entries } = capture();
    const headers = { authorization: 'Bearer tok', accept: 'application/json' };
    logger.info('call', { request: { headers } });
    logger.info('deep', { a: { b: { c: { d: { token: 'beyond' } } } } });
    expect(headers.authorization).toBe('Bearer tok');
    expect(entries()[0]).toMatchObject({
      request: { headers: { authorization: '[redacted]', accept: 'application/json' } },
    });
    expect(entries()[1]).toMatchObject({ a: { b: { c: { d: { token: 'beyond' } } } } });
  });

  test('logs errors by name, message, code and cause, never the request an HTTP error carries', () => {
    const { logger, entries, lines } = capture();
    const err = Object.assign(new Error('connect failed', { cause: new Error('ECONNREFUSED 127.0.0.1:9') }), {
      code: 'ECONNREFUSED',
      config: { headers: { Authorization: 'Bearer tok-SECRET' }, data: 'client_secret=SECRET' },
    });
    logger.error('CII unreachable', err);
    logger.warn('retrying', { attempt: 2, err });
    expect(entries()[0]!.err).toEqual({
      name: 'Error',
      message: 'connect failed',
      code: 'ECONNREFUSED',
      cause: { name: 'Error', message: 'ECONNREFUSED 127.0.0.1:9' },
    });
    expect(entries()[1]).toMatchObject({ attempt: 2, err: { message: 'connect failed' } });
    expect(lines.join('\n')).not.toContain('SECRET');
  });

  test('lines logged while handling a request carry its id, across awaits; others carry none', async () => {
    const { logger, entries } = capture();
    await withRequestId('req-1', async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      logger.child('webhook').info('inside');
    });
    logger.info('outside');
    expect(entries().map((e) => [e.msg, e.reqId])).toEqual([
      ['inside', 'req-1'],
      ['outside', undefined],
    ]);
  });

  test('the line format prints one readable line per entry, still redacted', () => {
    const { logger, lines } = capture({ format: 'line' });
    logger.child('lookup').warn('CII slow', { ms: 812, token: 'xoxb-SECRET' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} WARN  lookup CII slow ms=812 token=\[redacted\]$/);
  });
});
