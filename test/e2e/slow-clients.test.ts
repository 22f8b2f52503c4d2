import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startStack, WEBHOOK_SECRET, type Stack } from '../support/stack.ts';

const ANALYST = { userId: 'UANALYST', channelId: 'C0SOC' };
// Node cuts a request past its timeout at the next check: the limits are short so the test is quick.
const LIMITS = { headersTimeoutMs: 400, requestTimeoutMs: 600, keepAliveTimeoutMs: 300, checkIntervalMs: 100 };

interface Held {
  socket: Socket;
  /** What the server wrote before closing, and after how many milliseconds it closed. */
  closed: Promise<{ answer: string; afterMs: number }>;
}

function open(url: string): Promise<Held> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      const started = Date.now();
      let answer = '';
      socket.on('data', (chunk) => (answer += chunk.toString()));
      const closed = new Promise<{ answer: string; afterMs: number }>((done) =>
        socket.on('close', () => done({ answer, afterMs: Date.now() - started })),
      );
      resolve({ socket, closed });
    });
    socket.on('error', reject);
  });
}

describe('slow clients', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ app: { server: { ...LIMITS, maxConnections: 4 } } });
  });
  afterAll(() => stack.stop());

  test('cuts a client trickling its body with 408, while other clients are answered meanwhile', async () => {
    const slow = await open(stack.app.url);
    slow.socket.write(
      `POST /cii/webhook HTTP/1.1\r\nhost: app\r\ncontent-type: application/json\r\n` +
        `x-api-client-token: ${WEBHOOK_SECRET}\r\ncontent-length: 1000\r\n\r\n{`,
    );
    const trickle = setInterval(() => slow.socket.writable && slow.socket.write(' '), 50);
    try {
      // A signed slash command and a health check while the slow body is held.
      const [command, health] = await Promise.all([
        stack.driver.command('help', ANALYST),
        fetch(`${stack.app.url}/healthz`),
      ]);
      expect(command.status).toBe(200);
      expect(health.status).toBe(200);

      const { answer, afterMs } = await slow.closed;
      expect(answer).toMatch(/^HTTP\/1\.1 408/);
      expect(afterMs).toBeLessThan(5_000);
    } finally {
      clearInterval(trickle);
    }
  });

  test('cuts a client that never finishes its headers', async () => {
    const slow = await open(stack.app.url);
    slow.socket.write('POST /slack/events HTTP/1.1\r\nhost: app\r\n');
    const { answer, afterMs } = await slow.closed;
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(afterMs).toBeLessThan(5_000);
  });

  test('closes idle keep-alive connections', async () => {
    const idle = await open(stack.app.url);
    idle.socket.write('GET /healthz HTTP/1.1\r\nhost: app\r\n\r\n');
    const { answer, afterMs } = await idle.closed;
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
    expect(afterMs).toBeLessThan(5_000);
  });

  test('closes connections past the cap as they arrive, and serves again once one is gone', async () => {
    const held = await Promise.all([1, 2, 3, 4].map(() => open(stack.app.url)));
    for (const h of held) h.socket.write('GET /healthz HTTP/1.1\r\nhost: app\r\n'); // unfinished: holds the socket
    const extra = await open(stack.app.url);
    const { answer } = await extra.closed;
    expect(answer).toBe('');
    for (const h of held) h.socket.destroy();
    await Promise.all(held.map((h) => h.closed));
    expect((await fetch(`${stack.app.url}/healthz`)).status).toBe(200);
  });
});
