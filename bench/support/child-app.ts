import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { readProcCpuMs, readProcMemory, type ProcMemory } from './proc-stats.ts';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The project's Node (the node@24 dev dependency), not whatever `node` is first on PATH. */
export const PROJECT_NODE = join(REPO_ROOT, 'node_modules/.bin/node');

export interface LaunchOptions {
  /** The app's whole environment (nothing is inherited but PATH); PORT and HOST are set by the launcher. */
  env: Record<string, string>;
  /** Extra Node flags, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
  /** What to run, from the repository root: the app unless a bare baseline is measured. */
  script?: string;
  /** How often /healthz is polled until it answers: the resolution of `readyMs`. */
  pollMs?: number;
  /** Where the app's stdout and stderr go. */
  logFile: string;
  readyTimeoutMs?: number;
  /** How long `stop()` waits after SIGTERM before SIGKILL. */
  stopTimeoutMs?: number;
}

export interface ChildApp {
  url: string;
  pid: number;
  /** From spawn to the first 200 from `/healthz`. */
  readyMs: number;
  memory(): ProcMemory;
  cpuMs(): number;
  /** SIGTERM (lets the app stop and flush a CPU profile), then SIGKILL if it lingers. */
  stop(): Promise<void>;
}

/** A loopback port free right now; the app binds it moments later. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen(0, '127.0.0.1', () => res());
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((res) => server.close(() => res()));
  return port;
}

function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Starts `node src/main.ts` (or `script`) as a child process and resolves once `/healthz` answers 200. */
export async function launchApp(options: LaunchOptions): Promise<ChildApp> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const log = openSync(options.logFile, 'w');
  const spawnedAt = performance.now();
  const child = spawn(PROJECT_NODE, [...(options.nodeArgs ?? []), options.script ?? 'src/main.ts'], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', ...options.env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not spawn the app');

  let exited: string | undefined;
  const exitedPromise = new Promise<void>((res) => {
    child.once('exit', (code, signal) => {
      exited = signal ?? `code ${code}`;
      res();
    });
  });
  // Whatever ends this process (an error, Ctrl-C, a deadline), the app must not outlive it.
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);

  const stop = async () => {
    if (exited === undefined) {
      child.kill('SIGTERM');
      const lingering = await Promise.race([
        exitedPromise.then(() => false),
        sleep(options.stopTimeoutMs ?? 5_000).then(() => true),
      ]);
      if (lingering) {
        child.kill('SIGKILL');
        await exitedPromise;
      }
    }
    process.off('exit', killOnExit);
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 15_000);
  for (;;) {
    if (exited !== undefined) {
      process.off('exit', killOnExit);
      throw new Error(`the app exited (${exited}) before it was ready:\n${tail(options.logFile)}`);
    }
    const healthy = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1_000) }).then(
      (res) => res.status === 200,
      () => false,
    );
    if (healthy) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the app was not healthy at ${url}/healthz in time:\n${tail(options.logFile)}`);
    }
    await sleep(options.pollMs ?? 100);
  }
  const readyMs = performance.now() - spawnedAt;

  return { url, pid, readyMs, memory: () => readProcMemory(pid), cpuMs: () => readProcCpuMs(pid), stop };
}
