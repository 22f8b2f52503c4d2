import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CiiSimulator } from '../../sim/cii/server.ts';
import { DemoStartError, startDemo } from '../../sim/demo/start-demo.ts';
import { silentLogger } from '../../src/logger.ts';

const MAIN = fileURLToPath(new URL('../../sim/demo/main.ts', import.meta.url));

const failing = vi.hoisted(() => ({ idp: false, app: false, ciiStarted: [] as CiiSimulator[] }));
vi.mock('../../sim/idp/simulators.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../sim/idp/simulators.ts')>();
  return {
    ...real,
    startIdpSimulators: (...args: Parameters<typeof real.startIdpSimulators>) =>
      failing.idp ? Promise.reject(new Error('listen EMFILE: too many open files')) : real.startIdpSimulators(...args),
  };
});
vi.mock('../../src/app.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/app.ts')>();
  return {
    ...real,
    startApp: (...args: Parameters<typeof real.startApp>) =>
      failing.app ? Promise.reject(new Error('database is locked')) : real.startApp(...args),
  };
});
vi.mock('../../sim/cii/server.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../sim/cii/server.ts')>();
  return {
    ...real,
    startCiiSimulator: async (...args: Parameters<typeof real.startCiiSimulator>) => {
      const sim = await real.startCiiSimulator(...args);
      failing.ciiStarted.push(sim);
      return sim;
    },
  };
});

function listen(port = 0): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}
const portOf = (server: Server) => (server.address() as { port: number }).port;
const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));
async function freePort(): Promise<number> {
  const server = await listen();
  const port = portOf(server);
  await close(server);
  return port;
}

function runDemo(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [MAIN],
      { env: { ...process.env, ...env }, timeout: 20_000 },
      (error, stdout, stderr) => resolve({ code: child.exitCode ?? (error ? 1 : 0), stdout, stderr }),
    );
  });
}

describe('the demo when it cannot start', () => {
  let tmp: string;
  let savedTmp: string | undefined;
  beforeEach(() => {
    tmp = mkdtempSync(join(tmpdir(), 'cii-slack-demo-test-'));
    savedTmp = process.env.TMPDIR;
    process.env.TMPDIR = tmp;
    failing.idp = false;
    failing.app = false;
    failing.ciiStarted.length = 0;
  });
  afterEach(() => {
    if (savedTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmp;
    rmSync(tmp, { recursive: true, force: true });
  });

  it('on a busy DEMO_PORT prints one line naming a free DEMO_PORT, exits 1 and leaves no temporary folder', async () => {
    const busy = await listen();
    try {
      const run = await runDemo({ DEMO_PORT: String(portOf(busy)), TMPDIR: tmp });
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      const lines = run.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        new RegExp(`^cii-slack demo: Port ${portOf(busy)} is already in use.*: DEMO_PORT=\\d+ npm run demo$`),
      );
      expect(readdirSync(tmp)).toEqual([]);
    } finally {
      await close(busy);
    }
  });

  it('on a DEMO_PORT that is not a port prints how to set it and exits 1', async () => {
    const run = await runDemo({ DEMO_PORT: 'eighty', TMPDIR: tmp });
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(
      'cii-slack demo: DEMO_PORT must be a port number from 0 to 65535 (0 picks a free one), for example: DEMO_PORT=3030 npm run demo',
    );
  });

  it('when a simulator cannot start, says which and stops what had started', async () => {
    failing.idp = true;
    const port = await freePort();
    const error = await startDemo({ port, logger: silentLogger }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DemoStartError);
    expect((error as Error).message).toMatch(
      /^The identity-provider simulators \(Duo, Okta, Entra ID\) could not start \(listen EMFILE: too many open files\)\. Nothing was left running/,
    );
    expect((error as Error).message).not.toContain('\n');
    await close(await listen(port)); // the console's port is free again
    expect(failing.ciiStarted).toHaveLength(1);
    await expect(fetch(failing.ciiStarted[0]!.apiUrl, { method: 'POST' })).rejects.toThrow();
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('when the app cannot start, removes its temporary folder and releases every port', async () => {
    failing.app = true;
    const port = await freePort();
    const error = await startDemo({ port, logger: silentLogger }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DemoStartError);
    expect((error as Error).message).toMatch(/^The app could not start \(database is locked\)/);
    await close(await listen(port));
    await expect(fetch(failing.ciiStarted[0]!.apiUrl, { method: 'POST' })).rejects.toThrow();
    expect(readdirSync(tmp)).toEqual([]);
  });
});
