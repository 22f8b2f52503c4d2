import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { acceptWebSocket, refuseUpgrade, type CloseInfo, type WebSocketPeer } from './websocket-server.ts';
import type { Json } from './workspace.ts';

export type { CloseInfo } from './websocket-server.ts';

export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

/** What Slack sends over a Socket Mode connection for each request an HTTP app would get at its request URL. */
export interface SocketEnvelope {
  envelope_id: string;
  type: EnvelopeType;
  payload: Json;
  accepts_response_payload: boolean;
  retry_attempt?: number;
  retry_reason?: string;
}

export interface SocketAck {
  envelopeId: string;
  /** What the app acknowledged with (Bolt sends `{}` for an empty ack, the message when it answers in the ack). */
  payload?: Json;
  at: number;
  /** Time from sending the envelope to its acknowledgement. */
  afterMs: number;
  /** Slack gives up on an envelope not acknowledged within 3 s. */
  late: boolean;
}

export interface SocketConnection {
  id: number;
  openedAt: number;
  /** Set once the TCP connection is gone: who closed it, with which code. */
  close?: CloseInfo;
}

export type DisconnectReason = 'refresh_requested' | 'warning' | 'link_disabled';

export interface SendOptions {
  /** Default: true for slash commands, false otherwise (as Slack sets it for block_actions and events). */
  acceptsResponsePayload?: boolean;
  retryAttempt?: number;
  retryReason?: string;
  /** How long to wait for the ack; default 10 s. */
  timeoutMs?: number;
}

/** The fake's Socket Mode side, as tests see it. */
export interface SocketModeFake {
  appToken?: string;
  /** Every envelope sent, in order. */
  envelopes: SocketEnvelope[];
  /** Every ack received for an envelope the fake sent, in order. */
  acks: SocketAck[];
  /** Every WebSocket connection accepted, open or closed. */
  connections: SocketConnection[];
  openConnections(): SocketConnection[];
  /** Resolves once at least `count` connections are open (hello sent); default timeout 5 s. */
  waitForConnections(count: number, timeoutMs?: number): Promise<SocketConnection[]>;
  /** Resolves once no connection is open; default timeout 5 s. */
  waitForNoConnections(timeoutMs?: number): Promise<void>;
  /** Sends an envelope on the newest open connection; resolves with the app's ack. */
  send(type: EnvelopeType, payload: Json, opts?: SendOptions): Promise<SocketAck>;
  /** Sends Slack's `disconnect` message on every open connection: the app is expected to reconnect. */
  disconnect(reason?: DisconnectReason): void;
  /** Cuts every open connection without a closing handshake, as when Slack's side goes away; resolves once they are gone. */
  drop(): Promise<void>;
}

/** What the fake Slack server itself needs on top. */
export interface SocketModeServer extends SocketModeFake {
  /** The answer to apps.connections.open, or to any method called with the app token; undefined for other calls. */
  answer(method: string, token: string | undefined): Json | undefined;
  /** Handles the server's `upgrade` event. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Forgets envelopes and acks. */
  reset(): void;
  /** Closes every open connection (close code 1001) and waits until they are gone. */
  close(): Promise<void>;
}

export interface SocketModeDeps {
  /** The app-level token (xapp-…) that may open connections; none means every apps.connections.open fails. */
  appToken?: string;
  appId: string;
  /** Whether a token is one of the workspace's bot or user tokens (they may not open connections). */
  isKnownToken(token: string): boolean;
  /** `http://127.0.0.1:<port>` of the fake's server. */
  baseUrl(): string;
}

const SOCKET_PATH = '/socket';
const ACK_DEADLINE_MS = 3_000;
const FAKE_HOST = 'fake-applink-1';

interface Pending {
  connectionId: number;
  resolve(ack: SocketAck): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

interface Live {
  connection: SocketConnection;
  peer: WebSocketPeer;
}

export function createSocketMode(deps: SocketModeDeps): SocketModeServer {
  const tickets = new Set<string>();
  const envelopes: SocketEnvelope[] = [];
  const acks: SocketAck[] = [];
  const connections: SocketConnection[] = [];
  const live = new Map<number, Live>();
  const sentAt = new Map<string, number>();
  const pending = new Map<string, Pending>();
  let listeners: Array<() => void> = [];
  let nextConnectionId = 1;

  function changed(): void {
    for (const listener of listeners) listener();
  }

  function waitUntil<T>(check: () => T | undefined, timeoutMs: number, what: () => string): Promise<T> {
    const now = check();
    if (now !== undefined) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      const listener = () => {
        const found = check();
        if (found === undefined) return;
        clearTimeout(timer);
        listeners = listeners.filter((l) => l !== listener);
        resolve(found);
      };
      const timer = setTimeout(() => {
        listeners = listeners.filter((l) => l !== listener);
        reject(new Error(`fake Slack Socket Mode: waited ${timeoutMs} ms ${what()}`));
      }, timeoutMs);
      listeners.push(listener);
    });
  }

  const openConnections = () => [...live.values()].map((l) => l.connection);

  function onMessage(text: string): void {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (typeof message !== 'object' || message === null) return;
    const { envelope_id: envelopeId, payload } = message as { envelope_id?: unknown; payload?: unknown };
    if (typeof envelopeId !== 'string') return;
    const sent = sentAt.get(envelopeId);
    if (sent === undefined) return;
    const at = Date.now();
    const ack: SocketAck = {
      envelopeId,
      ...(typeof payload === 'object' && payload !== null && !Array.isArray(payload)
        ? { payload: payload as Json }
        : {}),
      at,
      afterMs: at - sent,
      late: at - sent > ACK_DEADLINE_MS,
    };
    acks.push(ack);
    const waiting = pending.get(envelopeId);
    if (waiting !== undefined) {
      pending.delete(envelopeId);
      clearTimeout(waiting.timer);
      waiting.resolve(ack);
    }
    changed();
  }

  function onClosed(connection: SocketConnection, info: CloseInfo): void {
    connection.close = info;
    live.delete(connection.id);
    for (const [id, waiting] of pending) {
      if (waiting.connectionId !== connection.id) continue;
      pending.delete(id);
      clearTimeout(waiting.timer);
      waiting.reject(
        new Error(
          `fake Slack Socket Mode: the connection closed (code ${info.code}) before envelope ${id} was acknowledged`,
        ),
      );
    }
    changed();
  }

  function accept(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const connection: SocketConnection = { id: nextConnectionId, openedAt: Date.now() };
    const peer = acceptWebSocket(req, socket, head, { onMessage });
    if (peer === undefined) return;
    nextConnectionId += 1;
    connections.push(connection);
    live.set(connection.id, { connection, peer });
    void peer.closed.then((info) => onClosed(connection, info));
    peer.send(
      JSON.stringify({
        type: 'hello',
        num_connections: live.size,
        debug_info: { host: FAKE_HOST, build_number: 1, approximate_connection_time: 18_060 },
        connection_info: { app_id: deps.appId },
      }),
    );
    changed();
  }

  function fail(error: string): Json {
    return { ok: false, error };
  }

  return {
    appToken: deps.appToken,
    envelopes,
    acks,
    connections,
    openConnections,

    waitForConnections(count, timeoutMs = 5_000) {
      return waitUntil(
        () => (live.size >= count ? openConnections() : undefined),
        timeoutMs,
        () => `for ${count} open connection(s), got ${live.size}`,
      );
    },

    async waitForNoConnections(timeoutMs = 5_000) {
      await waitUntil(
        () => (live.size === 0 ? true : undefined),
        timeoutMs,
        () => `for every connection to close, ${live.size} open`,
      );
    },

    send(type, payload, opts = {}) {
      const target = [...live.values()].at(-1);
      if (target === undefined)
        return Promise.reject(new Error(`fake Slack Socket Mode: no open connection to send a ${type} envelope on`));
      const envelope: SocketEnvelope = {
        envelope_id: randomUUID(),
        type,
        payload,
        accepts_response_payload: opts.acceptsResponsePayload ?? type === 'slash_commands',
        ...(type === 'events_api'
          ? { retry_attempt: opts.retryAttempt ?? 0, retry_reason: opts.retryReason ?? '' }
          : {}),
      };
      const timeoutMs = opts.timeoutMs ?? 10_000;
      envelopes.push(envelope);
      sentAt.set(envelope.envelope_id, Date.now());
      const acked = new Promise<SocketAck>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(envelope.envelope_id);
          reject(
            new Error(
              `fake Slack Socket Mode: ${type} envelope ${envelope.envelope_id} not acknowledged within ${timeoutMs} ms`,
            ),
          );
        }, timeoutMs);
        pending.set(envelope.envelope_id, { connectionId: target.connection.id, resolve, reject, timer });
      });
      target.peer.send(JSON.stringify(envelope));
      return acked;
    },

    disconnect(reason = 'refresh_requested') {
      for (const { peer } of live.values())
        peer.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: FAKE_HOST } }));
    },

    async drop() {
      const dropping = [...live.values()].map(({ peer }) => {
        peer.terminate();
        return peer.closed;
      });
      await Promise.all(dropping);
    },

    answer(method, token) {
      const isAppToken = deps.appToken !== undefined && token === deps.appToken;
      if (method !== 'apps.connections.open') return isAppToken ? fail('not_allowed_token_type') : undefined;
      if (token === undefined) return fail('not_authed');
      if (!isAppToken) return fail(deps.isKnownToken(token) ? 'not_allowed_token_type' : 'invalid_auth');
      const ticket = randomBytes(16).toString('hex');
      tickets.add(ticket);
      const url = `${deps.baseUrl().replace(/^http/, 'ws')}${SOCKET_PATH}?ticket=${ticket}&app_id=${deps.appId}`;
      return { ok: true, url };
    },

    upgrade(req, socket, head) {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (url.pathname !== SOCKET_PATH) {
        refuseUpgrade(socket, 404, 'Not Found');
        return;
      }
      // A ticket opens one connection: a reconnecting client asks apps.connections.open for a new URL.
      const ticket = url.searchParams.get('ticket') ?? '';
      if (!tickets.delete(ticket)) {
        refuseUpgrade(socket, 401, 'Unauthorized');
        return;
      }
      accept(req, socket, head);
    },

    reset() {
      envelopes.length = 0;
      acks.length = 0;
      for (const id of sentAt.keys()) if (!pending.has(id)) sentAt.delete(id);
    },

    async close() {
      const closing = [...live.values()].map(({ peer }) => {
        peer.close(1001, 'fake Slack is shutting down');
        return peer.closed;
      });
      await Promise.all(closing);
    },
  };
}
