import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { checks } from '../cii/checks.ts';
import { seedUsers, type SimUser } from '../cii/seed.ts';
import type { CiiSimulator } from '../cii/server.ts';
import type { IdpSimulators } from '../idp/simulators.ts';
import { BodyTooLargeError, readBody } from '../slack/decode-request.ts';
import { ClickTargetGoneError, createSlackDriver } from '../slack/driver.ts';
import type { FakeSlack, RecordedCall } from '../slack/fake-slack.ts';
import { createConsoleState, type InteractionOrigin } from './console-state.ts';
import { idpActivity } from './idp-activity.ts';
import { phoneOf } from './phone.ts';

export type { ConsoleItem, ConsoleSnapshot } from './console-state.ts';
export type { IdpActivity } from './idp-activity.ts';
export type { Phone } from './phone.ts';

export interface ConsoleOptions {
  fake: FakeSlack;
  /** Base URL of the app: commands and clicks go, signed, to `${appUrl}/slack/events`. */
  appUrl: string;
  signingSecret: string;
  cii: CiiSimulator;
  /** The users the page can act as; `affected` is the employee the app asks "was this you?". */
  users: { responder: string; nonResponder: string; affected?: string };
  /** Channel ids shown, in order; default #sec-alerts and #soc. */
  channels?: string[];
  /** Name shown on the app's messages; default 'CII'. */
  appName?: string;
  /** Users the CII panel offers; default the simulator's seed. */
  ciiUsers?: readonly SimUser[];
  /** The identity-provider simulators the app calls: their requests show in the page's panel. */
  idp?: IdpSimulators;
}

export interface ConsoleHandle {
  /** The page: the fake Slack's own URL. */
  url: string;
  /** Removes the routes and ends the live update streams. */
  close(): void;
}

type Json = Record<string, unknown>;

const MAX_BODY_BYTES = 256 * 1024;
const SEVERITIES = ['critical', 'high', 'medium', 'moderate', 'low'] as const;
const PUBLIC_DIR = new URL('./public/', import.meta.url);
const STATIC_FILES: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/console/assets/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/console/assets/render.js': { file: 'render.js', type: 'text/javascript; charset=utf-8' },
  '/console/assets/idp-panel.js': { file: 'idp-panel.js', type: 'text/javascript; charset=utf-8' },
  '/console/assets/phone-panel.js': { file: 'phone-panel.js', type: 'text/javascript; charset=utf-8' },
  '/console/assets/style.css': { file: 'style.css', type: 'text/css; charset=utf-8' },
  '/console/assets/favicon.svg': { file: 'favicon.svg', type: 'image/svg+xml' },
};

const userId = z.string().regex(/^[UW][A-Z0-9]+$/);
const channelId = z.string().regex(/^[CGD][A-Z0-9]+$/);
const commandInput = z.object({ channelId, userId, text: z.string().max(4000) });
const clickInput = z.object({
  channelId,
  userId,
  messageRef: z.string().regex(/^[me]:[\w.]+$/),
  actionId: z.string().min(1).max(255),
  /** The value of the option picked in a menu. */
  option: z.string().min(1).max(150).optional(),
});
const viewSubmitInput = z.object({
  userId,
  viewId: z.string().min(1),
  values: z.record(z.string(), z.record(z.string(), z.record(z.string(), z.unknown()))),
});
const viewCloseInput = z.object({ userId, viewId: z.string().min(1) });
const pushInput = z.object({ userId, txid: z.string().min(1).max(100), answer: z.enum(['allow', 'deny']) });
const viewActionInput = viewSubmitInput.extend({ actionId: z.string().min(1).max(255) });
const homeInput = z.object({ userId });
const detectionInput = z.object({
  checkId: z.string().refine((id) => checks.some((c) => c.id === id), 'unknown check'),
  severity: z.enum(SEVERITIES).optional(),
  logins: z.array(z.string().min(1).max(320)).min(1).max(50),
  shape: z.enum(['batched', 'single']).optional(),
});

class BadRequest extends Error {}
/** What the page clicked in is gone (updated or deleted meanwhile): as in Slack, the click does nothing. */
class Gone extends Error {}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

async function readInput<T>(req: IncomingMessage, schema: z.ZodType<T>): Promise<T> {
  // A JSON content type keeps plain cross-site form posts out.
  if (!req.headers['content-type']?.startsWith('application/json')) throw new BadRequest('expected application/json');
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readBody(req, MAX_BODY_BYTES));
  } catch (err) {
    if (err instanceof BodyTooLargeError) throw new BadRequest('body too large');
    throw new BadRequest('invalid JSON');
  }
  const result = schema.safeParse(parsed);
  if (!result.success)
    throw new BadRequest(result.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
  return result.data;
}

function parseObject(text: string): Json | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined;
  } catch {
    return undefined;
  }
}

/** Serves the demo console on the fake Slack's own server: `GET /` and `/console/*`. */
export function mountConsole(opts: ConsoleOptions): ConsoleHandle {
  const { fake, cii } = opts;
  const channels = opts.channels ?? ['C0SECALERT', 'C0SOC'];
  const ciiUsers = opts.ciiUsers ?? seedUsers;
  const state = createConsoleState({ fake, channels, actors: opts.users, appName: opts.appName ?? 'CII' });
  const phone = (userId: string) => phoneOf({ fake, ciiUsers, ...(opts.idp ? { idp: opts.idp } : {}) }, userId);

  // The driver makes the response_url of a command itself: note its origin before any answer can use it.
  let nextOrigin: InteractionOrigin | undefined;
  const originTrackingFake: FakeSlack = {
    ...fake,
    newResponseUrl(source) {
      const url = fake.newResponseUrl(source);
      if (nextOrigin !== undefined) state.noteOrigin(url, nextOrigin);
      nextOrigin = undefined;
      return url;
    },
  };
  const driver = createSlackDriver({
    appUrl: opts.appUrl,
    signingSecret: opts.signingSecret,
    fake: originTrackingFake,
  });

  const streams = new Set<ServerResponse>();
  let version = 0;
  const stopWatchingFake = fake.subscribe((change) => state.apply(change));
  const notify = () => {
    version += 1;
    for (const res of streams) res.write(`event: change\ndata: ${version}\n\n`);
  };
  const stopWatchingState = state.onChange(notify);
  const stopWatchingIdp = opts.idp?.onRequest(notify);

  async function command(req: IncomingMessage): Promise<Json> {
    const input = await readInput(req, commandInput);
    const text = input.text.replace(/^\s*\/cii\b\s*/, '');
    state.noteActor(input.userId);
    nextOrigin = { userId: input.userId, channelId: input.channelId };
    const answer = await driver.command(text, { userId: input.userId, channelId: input.channelId });
    const body = answer.body.trim();
    if (answer.status === 200 && body !== '') {
      const payload = parseObject(body) ?? { text: body };
      // Slack posts an in_channel ack in the channel; the fake does that for a response_url post.
      if (payload.response_type === 'in_channel') {
        await fetch(answer.responseUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(payload),
        });
      } else {
        state.applyResponse(answer.responseUrl, payload);
      }
    }
    return {
      ok: answer.status === 200,
      status: answer.status,
      ...(answer.status === 200 ? {} : { body: answer.body }),
    };
  }

  function clickTarget(input: z.infer<typeof clickInput>): {
    message: Parameters<typeof driver.click>[0]['message'];
    origin: InteractionOrigin;
    ts?: string;
  } {
    const id = input.messageRef.slice(2);
    if (input.messageRef.startsWith('m:')) {
      const message = fake.message(input.channelId, id);
      if (message === undefined) throw new Gone(`no message ${id} in ${input.channelId}`);
      return { message, origin: { userId: input.userId, channelId: input.channelId, messageTs: id }, ts: id };
    }
    const e = state.ephemeral(id);
    if (e === undefined) throw new Gone(`no ephemeral message ${id}`);
    if (e.user !== input.userId || e.channel !== input.channelId)
      throw new BadRequest(`no ephemeral message ${id} for ${input.userId}`);
    // The driver clicks in ephemeral messages given as the call that produced them.
    const message: RecordedCall = {
      method: 'chat.postEphemeral',
      args: { channel: e.channel, user: e.user, text: e.text, ...(e.blocks === undefined ? {} : { blocks: e.blocks }) },
      at: Date.now(),
      status: 200,
      response: { ok: true, message_ts: e.ts },
      warnings: [],
    };
    return { message, origin: { userId: input.userId, channelId: input.channelId, ephemeralId: e.id } };
  }

  async function click(req: IncomingMessage): Promise<Json> {
    const input = await readInput(req, clickInput);
    try {
      return await deliverClick(input);
    } catch (err) {
      // A second click of a double click, or a click racing the app's update: the button is gone.
      if (err instanceof Gone || err instanceof ClickTargetGoneError) return { ok: true, ignored: err.message };
      if (err instanceof Error && err.message.startsWith('click:')) throw new BadRequest(err.message);
      throw err;
    }
  }

  async function deliverClick(input: z.infer<typeof clickInput>): Promise<Json> {
    const target = clickTarget(input);
    const responseUrl = fake.newResponseUrl({
      channel: input.channelId,
      ...(target.ts === undefined ? {} : { ts: target.ts }),
    });
    state.noteOrigin(responseUrl, target.origin);
    state.noteActor(input.userId);
    const answer = await driver.click({
      userId: input.userId,
      channelId: input.channelId,
      message: target.message,
      actionId: input.actionId,
      ...(input.option === undefined ? {} : { option: input.option }),
      responseUrl,
    });
    return { ok: answer.status === 200, status: answer.status };
  }

  async function submitView(req: IncomingMessage): Promise<Json> {
    const input = await readInput(req, viewSubmitInput);
    const top = state.topView(input.userId);
    if (top === undefined || top.viewId !== input.viewId)
      throw new BadRequest(`view ${input.viewId} is not open for ${input.userId}`);
    state.noteActor(input.userId);
    const answer = await driver.submitView({ userId: input.userId, view: top.view, values: input.values });
    if (answer.status !== 200) return { ok: false, status: answer.status };
    const reply = parseObject(answer.body) ?? {};
    const view = typeof reply.view === 'object' && reply.view !== null ? (reply.view as Json) : undefined;
    if (reply.response_action === 'errors') return { ok: true, status: answer.status, errors: reply.errors ?? {} };
    if (reply.response_action === 'clear') state.closeView(input.userId, true);
    else if ((reply.response_action === 'update' || reply.response_action === 'push') && view !== undefined)
      state.showView(input.userId, view, reply.response_action);
    else state.closeView(input.userId);
    return { ok: true, status: answer.status };
  }

  /** A change in a modal's `dispatch_action` input: a block_actions from the view, as Slack sends it. */
  async function viewAction(req: IncomingMessage): Promise<Json> {
    const input = await readInput(req, viewActionInput);
    const top = state.topView(input.userId);
    if (top === undefined || top.viewId !== input.viewId)
      throw new BadRequest(`view ${input.viewId} is not open for ${input.userId}`);
    const answer = await driver.viewAction({
      userId: input.userId,
      view: top.view,
      values: input.values,
      actionId: input.actionId,
    });
    return { ok: answer.status === 200, status: answer.status };
  }

  /** The user opens the app's Home tab: Slack sends app_home_opened, the app publishes the view. */
  async function openHome(req: IncomingMessage): Promise<Json> {
    const input = await readInput(req, homeInput);
    const answer = await driver.event({
      type: 'app_home_opened',
      user: input.userId,
      tab: 'home',
      channel: `D${input.userId.slice(1)}`,
      event_ts: (Date.now() / 1000).toFixed(6),
    });
    return { ok: answer.status === 200, status: answer.status };
  }

  async function closeView(req: IncomingMessage): Promise<Json> {
    const input = await readInput(req, viewCloseInput);
    if (state.topView(input.userId)?.viewId === input.viewId) state.closeView(input.userId);
    return { ok: true };
  }

  /** The viewer's phone: a Duo Push waiting for them is approved or denied here, as they would in Duo Mobile. */
  async function answerPush(req: IncomingMessage): Promise<Json> {
    const input = await readInput(req, pushInput);
    const waiting = phone(input.userId).pushes;
    if (!waiting.some((p) => p.txid === input.txid))
      throw new BadRequest(`no Duo Push ${input.txid} waiting for ${input.userId}`);
    opts.idp?.duoAuth.answer(input.txid, input.answer);
    notify();
    return { ok: true };
  }

  async function detection(req: IncomingMessage): Promise<Json> {
    const input = await readInput(req, detectionInput);
    const deliveries = await cii.deliverFailedCheck({
      checkId: input.checkId,
      logins: input.logins,
      ...(input.severity === undefined ? {} : { severity: input.severity }),
      ...(input.shape === undefined ? {} : { shape: input.shape }),
    });
    return { ok: deliveries.length > 0 && deliveries.every((d) => d.status >= 200 && d.status < 300), deliveries };
  }

  /** CII's "Test Connectivity": a WebhookTest envelope to every registered webhook. */
  async function webhookTest(req: IncomingMessage): Promise<Json> {
    await readInput(req, z.object({}));
    const deliveries = await cii.deliverTest();
    return { ok: deliveries.length > 0 && deliveries.every((d) => d.status >= 200 && d.status < 300), deliveries };
  }

  function catalogue(): Json {
    return {
      checks: checks.map((c) => ({ id: c.id, title: c.title, severity: c.severity })),
      severities: SEVERITIES,
      users: ciiUsers.map((u) => ({ login: u.login, displayName: u.displayName, department: u.department })),
      webhooks: cii.webhooks().map((w) => ({ name: w.name, endpoint: w.endpoint, checkIds: w.checkIds })),
    };
  }

  function openStream(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    res.write(`retry: 1000\nevent: change\ndata: ${version}\n\n`);
    streams.add(res);
    req.on('close', () => streams.delete(res));
  }

  const posts: Record<string, (req: IncomingMessage) => Promise<Json>> = {
    '/console/command': command,
    '/console/click': click,
    '/console/view-submit': submitView,
    '/console/view-close': closeView,
    '/console/push': answerPush,
    '/console/view-action': viewAction,
    '/console/home': openHome,
    '/console/detection': detection,
    '/console/webhook-test': webhookTest,
  };

  async function route(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    const post = posts[path];
    if (req.method === 'POST' && post !== undefined) {
      try {
        sendJson(res, 200, await post(req));
      } catch (err) {
        if (!(err instanceof BadRequest)) throw err;
        sendJson(res, 400, { ok: false, error: err.message });
      }
      return true;
    }
    if (req.method !== 'GET') return false;
    if (path === '/favicon.ico') {
      res.writeHead(301, { location: '/console/assets/favicon.svg' }).end();
      return true;
    }
    const file = STATIC_FILES[path];
    if (file !== undefined) {
      const body = await readFile(new URL(file.file, PUBLIC_DIR));
      res.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store' });
      res.end(body);
      return true;
    }
    if (path === '/console/state') {
      const viewer = url.searchParams.get('user') || opts.users.responder;
      sendJson(res, 200, { ...state.snapshot(viewer), phone: phone(viewer) });
      return true;
    }
    if (path === '/console/cii') {
      sendJson(res, 200, catalogue());
      return true;
    }
    if (path === '/console/idp') {
      sendJson(res, 200, idpActivity(opts.idp, ciiUsers));
      return true;
    }
    if (path === '/console/events') {
      openStream(req, res);
      return true;
    }
    return false;
  }

  const removeRoute = fake.addRoute(route);
  return {
    url: `${fake.url}/`,
    close() {
      removeRoute();
      stopWatchingFake();
      stopWatchingState();
      stopWatchingIdp?.();
      for (const res of streams) res.end();
      streams.clear();
    },
  };
}
