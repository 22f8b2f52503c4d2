import { createServer } from 'node:net';

/** Why the demo could not start, in one line that says what to do; nothing it started is left running. */
export class DemoStartError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DemoStartError';
  }
}

const code = (err: unknown) => (err as { code?: unknown } | null)?.code;

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** The first free port after `port` (a few tries), to suggest in place of a busy one. */
async function freePortAfter(port: number): Promise<number | undefined> {
  for (let candidate = port + 1; candidate <= Math.min(port + 20, 65_535); candidate++)
    if (await isFree(candidate)) return candidate;
  return undefined;
}

/** The one-line explanation of a listen error on the demo's port, or undefined for other errors. */
export async function portProblem(err: unknown, port: number): Promise<string | undefined> {
  if (code(err) === 'EADDRINUSE') {
    const other = await freePortAfter(port);
    return `Port ${port} is already in use (another demo still running?). Stop what uses it, or pick another port: DEMO_PORT=${other ?? 0} npm run demo`;
  }
  if (code(err) === 'EACCES')
    return `This user may not listen on port ${port}. Pick a port above 1023: DEMO_PORT=3030 npm run demo`;
  return undefined;
}

/** DEMO_PORT as a port number, or a DemoStartError saying how to set it. */
export function demoPort(value: string | undefined, fallback: number): number {
  if (value === undefined || value.trim() === '') return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new DemoStartError(
      `DEMO_PORT must be a port number from 0 to 65535 (0 picks a free one), for example: DEMO_PORT=${fallback} npm run demo`,
    );
  return port;
}
