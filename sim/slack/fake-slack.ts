import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { BodyTooLargeError, bearerToken, decodeApiArgs, readBody } from './decode-request.ts';
import { createResponseUrls, type ResponseUrlSource } from './response-urls.ts';
import { createScriptedBehaviours, type ScriptedBehaviour } from './scripted-behaviours.ts';
import { createSocketMode, type SocketModeFake } from './socket-mode.ts';
import {
  DEFAULT_CHANNELS,
  DEFAULT_USERGROUPS,
  DEFAULT_USERS,
  type FakeChannel,
  type FakeUser,
  type FakeUsergroup,
} from './seed.ts';
import { createWebApiMethods } from './web-api-methods.ts';
import { createWorkspace, type FakeMessage, type Json } from './workspace.ts';

export type { FakeChannel, FakeUser, FakeUsergroup } from './seed.ts';
export type { FakeMessage } from './workspace.ts';
export type { ScriptedBehaviour } from './scripted-behaviours.ts';
export type { ResponseUrlSource } from './response-urls.ts';
export type { SocketModeFake } from './socket-mode.ts';

export interface FakeSlackOptions {
  port?: number;
  /** Default 'xoxb-fake-token'. */
  botToken?: string;
  /** Default 'T0FAKE'. */
  teamId?: string;
  /** Default 'UBOT'. */
  botUserId?: string;
  /** Default 'BBOT'. */
  botId?: string;
  /** Default 'A0FAKEAPP'. */
  appId?: string;
  /** An app-level token (xapp-…): with it the app may call apps.connections.open and connect in Socket Mode. */
  appToken?: string;
  /** Extra user tokens (token → user id), e.g. to post a message the bot may not update. */
  userTokens?: Record<string, string>;
  /** With the chat:write.public scope the bot may post in public channels it is not in. Default false. */
  chatWritePublic?: boolean;
  users?: FakeUser[];
  channels?: FakeChannel[];
  usergroups?: FakeUsergroup[];
}

export interface RecordedCall {
  /** Web API method, or 'response_url'. */
  method: string;
  /** Decoded arguments (JSON-in-form fields parsed), without the token. */
  args: Json;
  token?: string;
  /** The response_url posted to, for method 'response_url'. */
  url?: string;
  /** Arrival time (ms since epoch). */
  at: number;
  status: number;
  response: unknown;
  warnings: string[];
}

/** What changed in the fake: a call was recorded, or everything was reset. */
export type FakeSlackChange = { kind: 'call'; call: RecordedCall } | { kind: 'reset' };

/** An extra HTTP route on the fake's server (e.g. the demo console); resolves true when it answered the request. */
export type ExtraRoute = (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;

export interface FakeSlack {
  url: string;
  /** `${url}/api/`: what the app passes as slackApiUrl. */
  apiUrl: string;
  botToken: string;
  teamId: string;
  botUserId: string;
  botId: string;
  appId: string;
  appToken?: string;
  /** Socket Mode: connections, envelopes sent to the app and its acks (see also createSocketModeDriver). */
  socketMode: SocketModeFake;
  /** Every Web API call and every response_url post, in the order they were answered. */
  calls: RecordedCall[];
  callsTo(method: string): RecordedCall[];
  /** Resolves once at least `count` calls to `method` are recorded; default timeout 5 s. */
  waitForCalls(method: string, count: number, timeoutMs?: number): Promise<RecordedCall[]>;
  /** `${url}/response/<id>`; a source channel/ts lets replace_original, delete_original and in_channel act on messages. */
  newResponseUrl(source?: ResponseUrlSource): string;
  script(method: string, behaviour: ScriptedBehaviour): void;
  clearScripts(): void;
  messages(channel: string): FakeMessage[];
  message(channel: string, ts: string): FakeMessage | undefined;
  /** The Home tab the app last published for a user (`views.publish`). */
  homeView(userId: string): Json | undefined;
  user(id: string): FakeUser | undefined;
  /** Live state of a channel (membership after conversations.join). */
  channel(id: string): FakeChannel | undefined;
  /** Clears calls, messages, views, response URLs, channel-membership changes and Socket Mode envelopes and acks; keeps the seed and scripts. */
  reset(): void;
  /** Calls the listener after every recorded call and every reset; returns the unsubscribe function. */
  subscribe(listener: (change: FakeSlackChange) => void): () => void;
  /** Serves more routes beside /api and /response (tried in order); returns the function that removes the route. */
  addRoute(route: ExtraRoute): () => void;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 2 * 1024 * 1024;

interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  warnings?: string[];
}

function parseJsonObject(text: string): Json | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Json) : undefined;
  } catch {
    return undefined;
  }
}

interface Waiter {
  method: string;
  count: number;
  resolve: (calls: RecordedCall[]) => void;
}

export async function startFakeSlack(opts: FakeSlackOptions = {}): Promise<FakeSlack> {
  const users = opts.users ?? [...DEFAULT_USERS];
  const ws = createWorkspace({
    teamId: opts.teamId ?? 'T0FAKE',
    botToken: opts.botToken ?? 'xoxb-fake-token',
    botUserId: opts.botUserId ?? 'UBOT',
    botId: opts.botId ?? 'BBOT',
    appId: opts.appId ?? 'A0FAKEAPP',
    userTokens: opts.userTokens ?? {},
    chatWritePublic: opts.chatWritePublic ?? false,
    users,
    channels: opts.channels ?? [...DEFAULT_CHANNELS],
    usergroups: opts.usergroups ?? [...DEFAULT_USERGROUPS],
  });
  const methods = createWebApiMethods(ws);
  const scripts = createScriptedBehaviours();
  const responseUrls = createResponseUrls(ws);
  const socketMode = createSocketMode({
    appToken: opts.appToken,
    appId: ws.seed.appId,
    isKnownToken: (token) => ws.identify(token) !== undefined,
    baseUrl: () => fake.url,
  });
  const calls: RecordedCall[] = [];
  let waiters: Waiter[] = [];
  let listeners: Array<(change: FakeSlackChange) => void> = [];
  let routes: ExtraRoute[] = [];

  function notify(change: FakeSlackChange): void {
    for (const listener of listeners) listener(change);
  }

  const callsTo = (method: string) => calls.filter((c) => c.method === method);

  function record(call: RecordedCall): void {
    calls.push(call);
    const done = waiters.filter((w) => callsTo(w.method).length >= w.count);
    waiters = waiters.filter((w) => !done.includes(w));
    for (const w of done) w.resolve(callsTo(w.method));
    notify({ kind: 'call', call });
  }

  /** The scripted answer, if any, after its delay; undefined to go on normally. */
  async function scripted(method: string, b: ScriptedBehaviour | undefined): Promise<Answer | undefined> {
    if (b === undefined) return undefined;
    if (b.delayMs !== undefined) await sleep(b.delayMs);
    if (b.status === 429) {
      return {
        status: 429,
        body: { ok: false, error: b.error ?? 'ratelimited' },
        headers: { 'retry-after': String(b.retryAfterSeconds ?? 1) },
      };
    }
    if (b.status === undefined && b.error === undefined) return undefined;
    if (method === 'response_url') return { status: b.status ?? 404, body: b.error ?? 'error' };
    return { status: b.status ?? 200, body: { ok: false, error: b.error ?? 'fatal_error' } };
  }

  async function webApi(
    method: string,
    args: Json,
    token: string | undefined,
    behaviour: ScriptedBehaviour | undefined,
  ): Promise<Answer> {
    const forced = await scripted(method, behaviour);
    if (forced !== undefined) return forced;
    const appLevel = socketMode.answer(method, token);
    if (appLevel !== undefined) return { status: 200, body: appLevel };
    const handler = methods[method];
    if (handler === undefined) return { status: 200, body: { ok: false, error: 'unknown_method', req_method: method } };
    if (token === undefined) return { status: 200, body: { ok: false, error: 'not_authed' } };
    const caller = ws.identify(token);
    if (caller === undefined) return { status: 200, body: { ok: false, error: 'invalid_auth' } };
    const result = handler(args, caller);
    return { status: 200, body: result.body, warnings: result.warnings };
  }

  async function responseUrl(id: string, payload: Json): Promise<Answer> {
    const forced = await scripted('response_url', scripts.take('response_url', undefined));
    if (forced !== undefined) return forced;
    return responseUrls.post(id, payload);
  }

  function send(res: ServerResponse, answer: Answer): void {
    const isText = typeof answer.body === 'string';
    res.writeHead(answer.status, {
      'content-type': isText ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
      ...answer.headers,
    });
    res.end(isText ? answer.body : JSON.stringify(answer.body));
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = Date.now();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const apiMatch = /^\/api\/([\w.]+)$/.exec(url.pathname);
    const responseMatch = /^\/response\/(\w+)$/.exec(url.pathname);
    if (apiMatch === null && responseMatch === null) {
      for (const route of routes) {
        if (await route(req, res)) return;
      }
    }
    if ((apiMatch === null && responseMatch === null) || (req.method !== 'POST' && req.method !== 'GET')) {
      send(res, { status: 404, body: 'not_found' });
      return;
    }
    const body = await readBody(req, MAX_BODY_BYTES);
    if (apiMatch?.[1] !== undefined) {
      const method = apiMatch[1];
      const { token: bodyToken, ...args } = decodeApiArgs(req.headers['content-type'], body, url.searchParams);
      const token = bearerToken(req.headers.authorization) ?? (typeof bodyToken === 'string' ? bodyToken : undefined);
      const behaviour = scripts.take(method, typeof args.channel === 'string' ? args.channel : undefined);
      const answer = await webApi(method, args, token, behaviour);
      record({
        method,
        args,
        token,
        at,
        status: answer.status,
        response: answer.body,
        warnings: answer.warnings ?? [],
      });
      if (behaviour?.answerAfterMs !== undefined) await sleep(behaviour.answerAfterMs);
      // The client may have given up meanwhile: there is nobody left to answer.
      if (!res.destroyed) send(res, answer);
      return;
    }
    const id = responseMatch?.[1] ?? '';
    const payload = parseJsonObject(body);
    const answer: Answer =
      payload !== undefined ? await responseUrl(id, payload) : { status: 400, body: 'invalid_payload' };
    record({
      method: 'response_url',
      args: payload ?? { raw: body },
      url: `${fake.url}/response/${id}`,
      at,
      status: answer.status,
      response: answer.body,
      warnings: [],
    });
    send(res, answer);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const tooLarge = err instanceof BodyTooLargeError;
      send(res, {
        status: tooLarge ? 413 : 500,
        body: tooLarge ? 'request_too_large' : `fake slack error: ${String(err)}`,
      });
    });
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => socketMode.upgrade(req, socket, head));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;

  const fake: FakeSlack = {
    url: base,
    apiUrl: `${base}/api/`,
    botToken: ws.seed.botToken,
    teamId: ws.seed.teamId,
    botUserId: ws.seed.botUserId,
    botId: ws.seed.botId,
    appId: ws.seed.appId,
    appToken: opts.appToken,
    socketMode,
    calls,
    callsTo,
    waitForCalls(method, count, timeoutMs = 5000) {
      const already = callsTo(method);
      if (already.length >= count) return Promise.resolve(already);
      return new Promise((resolve, reject) => {
        const waiter: Waiter = {
          method,
          count,
          resolve: (found) => {
            clearTimeout(timer);
            resolve(found);
          },
        };
        const timer = setTimeout(() => {
          waiters = waiters.filter((w) => w !== waiter);
          const seen = calls.map((c) => `${c.method}(${c.status})`).join(', ') || 'none';
          reject(
            new Error(
              `fake Slack: waited ${timeoutMs} ms for ${count} call(s) to ${method}, got ${callsTo(method).length}; recorded: ${seen}`,
            ),
          );
        }, timeoutMs);
        waiters.push(waiter);
      });
    },
    newResponseUrl(source) {
      return `${base}/response/${responseUrls.issue(source)}`;
    },
    script(method, behaviour) {
      scripts.add(method, behaviour);
    },
    clearScripts() {
      scripts.clear();
    },
    messages(channel) {
      return [...(ws.messages.get(channel) ?? [])];
    },
    message(channel, ts) {
      return ws.messages.get(channel)?.find((m) => m.ts === ts);
    },
    homeView(userId) {
      return ws.homeViews.get(userId);
    },
    user(id) {
      return ws.users.get(id);
    },
    channel(id) {
      const ch = ws.channels.get(id);
      if (ch === undefined) return undefined;
      const { isIm: _isIm, ...live } = ch;
      return { ...live, members: [...ch.members] };
    },
    reset() {
      calls.length = 0;
      ws.reset();
      responseUrls.clear();
      socketMode.reset();
      notify({ kind: 'reset' });
    },
    subscribe(listener) {
      listeners.push(listener);
      return () => {
        listeners = listeners.filter((l) => l !== listener);
      };
    },
    addRoute(route) {
      routes.push(route);
      return () => {
        routes = routes.filter((r) => r !== route);
      };
    },
    async close() {
      // Upgraded sockets are no longer the HTTP server's: close them first.
      await socketMode.close();
      return new Promise((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
    },
  };
  return fake;
}
