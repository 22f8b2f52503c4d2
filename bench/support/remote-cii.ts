import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { CiiSimulator, SimRequest } from '../../sim/cii/server.ts';
import { PROJECT_NODE, REPO_ROOT } from './child-app.ts';
import { readProcCpuMs } from './proc-stats.ts';

export type CiiParentMessage = { kind: 'requests'; id: number; from: number };
export type CiiChildMessage =
  | ({ kind: 'ready' } & Pick<CiiSimulator, 'tokenUrl' | 'apiUrl' | 'credentials'>)
  | { kind: 'requests'; id: number; requests: SimRequest[]; total: number };

/**
 * The CII simulator run by bench/support/cii-child.ts. In the bench's own process, its work (a GraphQL execution per
 * call, as much CPU as the app's whole lookup) delayed the load generator's reading of answers by up to 12 ms (event
 * loop delay p99), which counted as the measured app's overhead; in its own process it runs on the other core.
 */
export interface RemoteCii extends Pick<CiiSimulator, 'tokenUrl' | 'apiUrl' | 'credentials'> {
  /** How many requests the simulator has served so far. */
  requestCount(): Promise<number>;
  /** The simulator's requests from index `from` on, as its `requests` holds them. */
  requestsFrom(from: number): Promise<SimRequest[]>;
  cpuMs(): number;
  close(): Promise<void>;
}

export async function startRemoteCii(opts: { users: number; latencyMs: number }): Promise<RemoteCii> {
  const child: ChildProcess = spawn(
    PROJECT_NODE,
    [join(REPO_ROOT, 'bench/support/cii-child.ts'), String(opts.users), String(opts.latencyMs)],
    { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  type Answer = Extract<CiiChildMessage, { kind: 'requests' }>;
  const pending = new Map<number, { resolve: (answer: Answer) => void; reject: (err: Error) => void }>();
  let nextId = 0;
  const ready = await new Promise<Extract<CiiChildMessage, { kind: 'ready' }>>((resolve, reject) => {
    child.once('exit', (code) => {
      const err = new Error(`the CII simulator's process exited (${code})`);
      reject(err);
      for (const waiting of pending.values()) waiting.reject(err);
    });
    child.on('message', (message: CiiChildMessage) => {
      if (message.kind === 'ready') resolve(message);
      else pending.get(message.id)?.resolve(message);
    });
  });
  const ask = (from: number) => {
    const id = nextId++;
    return new Promise<Answer>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      child.send({ kind: 'requests', id, from } satisfies CiiParentMessage);
    }).finally(() => pending.delete(id));
  };
  return {
    tokenUrl: ready.tokenUrl,
    apiUrl: ready.apiUrl,
    credentials: ready.credentials,
    requestCount: async () => (await ask(Number.MAX_SAFE_INTEGER)).total,
    requestsFrom: async (from) => (await ask(from)).requests,
    cpuMs: () => readProcCpuMs(child.pid!),
    close: async () => {
      if (child.exitCode === null && child.signalCode === null) child.disconnect();
      await exited;
    },
  };
}
