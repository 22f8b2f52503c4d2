import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

/** The server side of RFC 6455 over an upgraded HTTP socket: text messages, ping/pong, the closing handshake. */

const ACCEPT_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const MAX_MESSAGE_BYTES = 1024 * 1024;
/** How long a closing handshake may take before the socket is destroyed. */
const CLOSE_TIMEOUT_MS = 1_000;

const OP_CONTINUATION = 0x0;
const OP_TEXT = 0x1;
const OP_BINARY = 0x2;
const OP_CLOSE = 0x8;
const OP_PING = 0x9;
const OP_PONG = 0xa;

export interface CloseInfo {
  code: number;
  reason: string;
  /** Who sent the first close frame; 'none' when the TCP connection ended without a handshake (code 1006). */
  by: 'client' | 'server' | 'none';
}

export interface WebSocketPeer {
  send(text: string): void;
  /** Starts the closing handshake; the socket is destroyed if the client does not answer within a second. */
  close(code?: number, reason?: string): void;
  /** Ends the TCP connection at once, with no closing handshake (the client sees code 1006), as a network cut does. */
  terminate(): void;
  /** Resolves once the TCP connection is gone. */
  readonly closed: Promise<CloseInfo>;
  isOpen(): boolean;
}

export interface WebSocketHandlers {
  onMessage(text: string): void;
}

interface Frame {
  fin: boolean;
  opcode: number;
  payload: Buffer;
}

class ProtocolError extends Error {
  readonly code: number;
  constructor(code: number, message: string) {
    super(message);
    this.code = code;
  }
}

function encodeFrame(opcode: number, payload: Buffer): Buffer {
  const first = 0x80 | opcode;
  if (payload.length < 126) return Buffer.concat([Buffer.from([first, payload.length]), payload]);
  if (payload.length < 0x10000) {
    const header = Buffer.alloc(4);
    header.writeUInt8(first, 0);
    header.writeUInt8(126, 1);
    header.writeUInt16BE(payload.length, 2);
    return Buffer.concat([header, payload]);
  }
  const header = Buffer.alloc(10);
  header.writeUInt8(first, 0);
  header.writeUInt8(127, 1);
  header.writeBigUInt64BE(BigInt(payload.length), 2);
  return Buffer.concat([header, payload]);
}

function closePayload(code: number, reason: string): Buffer {
  const payload = Buffer.alloc(2 + Buffer.byteLength(reason));
  payload.writeUInt16BE(code, 0);
  payload.write(reason, 2);
  return payload;
}

/** The first complete frame in `buffer` and its length, or undefined when more bytes are needed. */
function readFrame(buffer: Buffer): { frame: Frame; size: number } | undefined {
  if (buffer.length < 2) return undefined;
  const b0 = buffer.readUInt8(0);
  const b1 = buffer.readUInt8(1);
  if ((b1 & 0x80) === 0) throw new ProtocolError(1002, 'client frames must be masked');
  let length = b1 & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (buffer.length < 4) return undefined;
    length = buffer.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (buffer.length < 10) return undefined;
    const big = buffer.readBigUInt64BE(2);
    if (big > BigInt(MAX_MESSAGE_BYTES)) throw new ProtocolError(1009, 'message too big');
    length = Number(big);
    offset = 10;
  }
  if (length > MAX_MESSAGE_BYTES) throw new ProtocolError(1009, 'message too big');
  if (buffer.length < offset + 4 + length) return undefined;
  const mask = buffer.subarray(offset, offset + 4);
  const payload = Buffer.from(buffer.subarray(offset + 4, offset + 4 + length));
  for (let i = 0; i < payload.length; i += 1) payload[i] = payload[i]! ^ mask[i % 4]!;
  return { frame: { fin: (b0 & 0x80) !== 0, opcode: b0 & 0x0f, payload }, size: offset + 4 + length };
}

/** The client's key when the upgrade request is a WebSocket (version 13) handshake. */
function handshakeKey(req: IncomingMessage): string | undefined {
  const key = req.headers['sec-websocket-key'];
  const isUpgrade = req.headers.upgrade?.toLowerCase() === 'websocket';
  return isUpgrade && req.headers['sec-websocket-version'] === '13' && typeof key === 'string' && key !== ''
    ? key
    : undefined;
}

/** Refuses an upgrade request with a plain HTTP answer. */
export function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.on('error', () => socket.destroy());
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/** Completes the handshake of an `upgrade` request; undefined (after answering 400) when it is not a WebSocket one. */
export function acceptWebSocket(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  handlers: WebSocketHandlers,
): WebSocketPeer | undefined {
  const key = handshakeKey(req);
  if (key === undefined) {
    refuseUpgrade(socket, 400, 'Bad Request');
    return undefined;
  }
  const accept = createHash('sha1')
    .update(key + ACCEPT_GUID)
    .digest('base64');
  socket.write(
    `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
  );

  let state: 'open' | 'closing' | 'closed' = 'open';
  let closeInfo: CloseInfo = { code: 1006, reason: '', by: 'none' };
  let pending = Buffer.alloc(0);
  let fragments: Buffer[] = [];
  let closeTimer: NodeJS.Timeout | undefined;
  let resolveClosed: (info: CloseInfo) => void = () => {};
  const closed = new Promise<CloseInfo>((resolve) => {
    resolveClosed = resolve;
  });

  function write(opcode: number, payload: Buffer): void {
    if (socket.writable) socket.write(encodeFrame(opcode, payload));
  }

  function startClose(code: number, reason: string): void {
    if (state !== 'open') return;
    state = 'closing';
    closeInfo = { code, reason, by: 'server' };
    write(OP_CLOSE, closePayload(code, reason));
    closeTimer = setTimeout(() => socket.destroy(), CLOSE_TIMEOUT_MS);
  }

  function onClose(payload: Buffer): void {
    const code = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
    const reason = payload.subarray(2).toString('utf8');
    if (state === 'open') {
      closeInfo = { code, reason, by: 'client' };
      write(OP_CLOSE, payload.length >= 2 ? payload.subarray(0, 2) : Buffer.alloc(0));
    }
    state = 'closing';
    // The server closes the TCP connection first (RFC 6455 §7.1.1).
    socket.end();
  }

  function onFrame({ fin, opcode, payload }: Frame): void {
    switch (opcode) {
      case OP_PING:
        write(OP_PONG, payload);
        return;
      case OP_PONG:
        return;
      case OP_CLOSE:
        onClose(payload);
        return;
      case OP_TEXT:
      case OP_BINARY:
      case OP_CONTINUATION: {
        if (state !== 'open') return;
        fragments.push(payload);
        if (fragments.reduce((n, f) => n + f.length, 0) > MAX_MESSAGE_BYTES)
          throw new ProtocolError(1009, 'message too big');
        if (!fin) return;
        const message = Buffer.concat(fragments).toString('utf8');
        fragments = [];
        handlers.onMessage(message);
        return;
      }
      default:
        throw new ProtocolError(1002, `unknown opcode ${opcode}`);
    }
  }

  function consume(chunk: Buffer): void {
    pending = Buffer.concat([pending, chunk]);
    try {
      for (let read = readFrame(pending); read !== undefined; read = readFrame(pending)) {
        pending = pending.subarray(read.size);
        onFrame(read.frame);
      }
    } catch (err) {
      pending = Buffer.alloc(0);
      if (err instanceof ProtocolError) startClose(err.code, err.message);
      else socket.destroy(err as Error);
    }
  }

  socket.on('data', consume);
  socket.on('error', () => socket.destroy());
  socket.on('close', () => {
    clearTimeout(closeTimer);
    state = 'closed';
    resolveClosed(closeInfo);
  });
  socket.on('end', () => socket.end());

  // Frames the client sent right behind its handshake arrived with it.
  queueMicrotask(() => consume(Buffer.from(head)));

  return {
    send(text) {
      if (state === 'open') write(OP_TEXT, Buffer.from(text, 'utf8'));
    },
    close(code = 1000, reason = '') {
      startClose(code, reason);
    },
    terminate() {
      socket.destroy();
    },
    closed,
    isOpen: () => state === 'open',
  };
}
