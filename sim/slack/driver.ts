import type { FakeMessage, FakeSlack, RecordedCall } from './fake-slack.ts';
import type { SocketAck } from './socket-mode.ts';
import {
  FORM_CONTENT_TYPE,
  JSON_CONTENT_TYPE,
  blockActionsPayload,
  eventCallbackBody,
  signSlackRequest,
  slashCommandBody,
  viewBlockActionsPayload,
  viewSubmissionPayload,
} from './signer.ts';

/** The message clicked in, or the element clicked, is no longer there (the message was updated or deleted). */
export class ClickTargetGoneError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClickTargetGoneError';
  }
}

export interface SlackDriverDeps {
  /** Base URL of the app; requests go to `${appUrl}/slack/events`. */
  appUrl: string;
  signingSecret: string;
  fake: FakeSlack;
}

export interface AppAnswer {
  status: number;
  body: string;
}

export interface InteractionAnswer extends AppAnswer {
  /** The response_url sent with the request (posts to it are recorded by the fake). */
  responseUrl: string;
}

export interface ClickOptions {
  userId: string;
  channelId: string;
  /** A live message, or the recorded call that produced it (chat.postMessage/update/postEphemeral, response_url). */
  message: FakeMessage | RecordedCall;
  actionId: string;
  /** Default: the button's own value. */
  value?: string;
  /** For a select or overflow menu: the value of the option picked (it must be one of the menu's). */
  option?: string;
  responseUrl?: string;
}

export interface CommandOptions {
  userId: string;
  channelId: string;
  /** Default '/cii'. */
  command?: string;
}

export interface SlackDriver {
  /** Sends a signed slash command; resolves with the app's HTTP answer (its ack). */
  command(text: string, opts: CommandOptions): Promise<InteractionAnswer>;
  /** Clicks the element with this action_id in the message, as a signed block_actions interaction. */
  click(opts: ClickOptions): Promise<InteractionAnswer>;
  /** Submits a modal (the `view` of a views.open answer, or the recorded views.open call) with these state values. */
  submitView(opts: {
    userId: string;
    view: Record<string, unknown> | RecordedCall;
    values: Record<string, Record<string, unknown>>;
  }): Promise<AppAnswer>;
  /**
   * Changes an element inside an open modal (a `dispatch_action` input): a signed block_actions whose `view` carries
   * `values` (the whole state) and whose action is the state of `actionId`.
   */
  viewAction(opts: {
    userId: string;
    view: Record<string, unknown> | RecordedCall;
    values: Record<string, Record<string, unknown>>;
    actionId: string;
  }): Promise<AppAnswer>;
  /** Delivers an Events API event; `retryNum` adds Slack's retry headers. */
  event(
    event: Record<string, unknown>,
    opts?: { eventId?: string; retryNum?: number; retryReason?: string },
  ): Promise<AppAnswer>;
  /** Posts any body, signed (timestamp default now), to the app. */
  post(
    body: string,
    contentType: string,
    opts?: { headers?: Record<string, string>; timestampSeconds?: number },
  ): Promise<AppAnswer>;
}

export interface SocketModeDriverDeps {
  /** A fake started with an `appToken`, the app connected to it in Socket Mode. */
  fake: FakeSlack;
}

export interface SocketAnswer {
  /** The app's ack payload: the message when it answered in the ack, `{}` for an empty ack. */
  payload?: Record<string, unknown>;
  ack: SocketAck;
  /** The response_url sent in the payload (posts to it are recorded by the fake). */
  responseUrl: string;
}

/** The same requests as SlackDriver's, sent over the app's Socket Mode connection instead of to its request URL. */
export interface SocketModeDriver {
  /** Sends a `slash_commands` envelope; resolves with the app's ack. */
  socketCommand(text: string, opts: CommandOptions): Promise<SocketAnswer>;
  /** Clicks the element with this action_id in the message, as an `interactive` block_actions envelope. */
  socketClick(opts: ClickOptions): Promise<SocketAnswer>;
}

type Json = Record<string, unknown>;

/** A request as Slack would POST it (form-encoded), with the response_url it carries. */
interface SlackRequest {
  body: string;
  responseUrl: string;
}

interface ClickSource {
  ts: string;
  isEphemeral: boolean;
  message: Json;
  blocks: Json[];
}

function isRecordedCall(m: object): m is RecordedCall {
  return 'method' in m && 'args' in m;
}

/** A view, or the one a recorded views.open/update answered with. */
function viewOf(view: Json | RecordedCall): Json {
  return isRecordedCall(view)
    ? (((view.response as Json | undefined)?.view as Json | undefined) ?? (view.args.view as Json))
    : view;
}

function asBlocks(v: unknown): Json[] {
  return Array.isArray(v) ? (v as Json[]) : [];
}

/** Slack gives blocks without a block_id a generated one, and sends it back in interactions. */
function withBlockIds(blocks: Json[]): Json[] {
  return blocks.map((b, i) => (typeof b.block_id === 'string' ? b : { ...b, block_id: `fake-block-${i}` }));
}

/** An ephemeral message has no ts of its own in a response_url call: derive a stable one from its arrival. */
function tsFromTime(ms: number): string {
  return `${Math.floor(ms / 1000)}.${String(ms % 1000).padStart(3, '0')}000`;
}

function findElement(blocks: Json[], actionId: string): { element: Json; blockId: string } | undefined {
  for (const block of blocks) {
    const candidates = [...asBlocks(block.elements), block.accessory, block.element];
    const element = candidates.find(
      (el): el is Json => typeof el === 'object' && el !== null && (el as Json).action_id === actionId,
    );
    if (element !== undefined) return { element, blockId: String(block.block_id) };
  }
  return undefined;
}

/** The option of a menu with this value, as Slack sends it back; a value the menu does not offer is an error. */
function pickOption(element: Json, value: string): Json {
  const groups = asBlocks(element.option_groups).flatMap((g) => asBlocks(g.options));
  const options = [...asBlocks(element.options), ...groups];
  const found = options.find((o) => o.value === value);
  if (found === undefined) {
    throw new Error(
      `click: no option '${value}' in '${String(element.action_id)}'; options: ${options.map((o) => String(o.value)).join(', ') || 'none'}`,
    );
  }
  return { text: found.text, value: found.value };
}

function listActionIds(blocks: Json[]): string {
  const ids = blocks.flatMap((b) =>
    [...asBlocks(b.elements), b.accessory, b.element].flatMap((el) =>
      typeof el === 'object' && el !== null && typeof (el as Json).action_id === 'string'
        ? [String((el as Json).action_id)]
        : [],
    ),
  );
  return ids.length > 0 ? ids.join(', ') : 'none';
}

/** Builds slash commands and clicks from the fake's live state, for either transport. */
function createRequests(fake: FakeSlack) {
  function liveMessageJson(m: FakeMessage): Json {
    return {
      type: 'message',
      user: m.user,
      ...(m.bot_id === undefined ? {} : { bot_id: m.bot_id, app_id: fake.appId }),
      team: fake.teamId,
      text: m.text,
      ts: m.ts,
      ...(m.thread_ts === undefined ? {} : { thread_ts: m.thread_ts }),
      ...(m.blocks === undefined ? {} : { blocks: withBlockIds(m.blocks) }),
      ...(m.attachments === undefined ? {} : { attachments: m.attachments }),
    };
  }

  function fromLive(m: FakeMessage): ClickSource {
    return { ts: m.ts, isEphemeral: false, message: liveMessageJson(m), blocks: withBlockIds(m.blocks ?? []) };
  }

  function ephemeral(ts: string, args: Json): ClickSource {
    const blocks = withBlockIds(asBlocks(args.blocks));
    return { ts, isEphemeral: true, message: { type: 'message', text: args.text ?? '', ts, blocks }, blocks };
  }

  function clickSource(m: FakeMessage | RecordedCall): ClickSource {
    if (!isRecordedCall(m)) return fromLive(fake.message(m.channel, m.ts) ?? m);
    const response = (typeof m.response === 'object' && m.response !== null ? m.response : {}) as Json;
    switch (m.method) {
      case 'chat.postMessage':
      case 'chat.update': {
        const channel = String(response.channel ?? m.args.channel);
        const ts = String(response.ts ?? m.args.ts);
        const live = fake.message(channel, ts);
        if (live === undefined)
          throw new ClickTargetGoneError(`click: message ${channel}/${ts} is not (or no longer) in the fake Slack`);
        return fromLive(live);
      }
      case 'chat.postEphemeral':
        return ephemeral(String(response.message_ts), m.args);
      case 'response_url':
        return ephemeral(tsFromTime(m.at), m.args);
      default:
        throw new Error(`click: cannot click in a message from ${m.method}`);
    }
  }

  return {
    command(text: string, opts: CommandOptions): SlackRequest {
      const responseUrl = fake.newResponseUrl({ channel: opts.channelId });
      const body = slashCommandBody({
        command: opts.command ?? '/cii',
        text,
        userId: opts.userId,
        userName: fake.user(opts.userId)?.name,
        channelId: opts.channelId,
        channelName: fake.channel(opts.channelId)?.name,
        teamId: fake.teamId,
        apiAppId: fake.appId,
        responseUrl,
      });
      return { body, responseUrl };
    },

    click(opts: ClickOptions): SlackRequest {
      const source = clickSource(opts.message);
      const found = findElement(source.blocks, opts.actionId);
      if (found === undefined) {
        throw new ClickTargetGoneError(
          `click: no element with action_id '${opts.actionId}' in the message; action_ids: ${listActionIds(source.blocks)}`,
        );
      }
      const { element, blockId } = found;
      const responseUrl =
        opts.responseUrl ??
        fake.newResponseUrl({ channel: opts.channelId, ...(source.isEphemeral ? {} : { ts: source.ts }) });
      const value = opts.value ?? (typeof element.value === 'string' ? element.value : undefined);
      const selectedOption = opts.option === undefined ? undefined : pickOption(element, opts.option);
      const body = blockActionsPayload({
        userId: opts.userId,
        userName: fake.user(opts.userId)?.name,
        teamId: fake.teamId,
        apiAppId: fake.appId,
        channelId: opts.channelId,
        channelName: fake.channel(opts.channelId)?.name,
        messageTs: source.ts,
        isEphemeral: source.isEphemeral,
        message: source.message,
        actions: [
          {
            actionId: opts.actionId,
            blockId,
            value,
            type: typeof element.type === 'string' ? element.type : 'button',
            text: element.text,
            style: typeof element.style === 'string' ? element.style : undefined,
            ...(selectedOption === undefined ? {} : { selectedOption }),
          },
        ],
        responseUrl,
      });
      return { body, responseUrl };
    },
  };
}

export function createSlackDriver(deps: SlackDriverDeps): SlackDriver {
  const { fake, signingSecret } = deps;
  const endpoint = `${deps.appUrl.replace(/\/+$/, '')}/slack/events`;
  const requests = createRequests(fake);

  async function post(
    body: string,
    contentType: string,
    opts: { headers?: Record<string, string>; timestampSeconds?: number } = {},
  ): Promise<AppAnswer> {
    const res = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'content-type': contentType,
        ...signSlackRequest(signingSecret, body, opts.timestampSeconds),
        ...opts.headers,
      },
      body,
    });
    return { status: res.status, body: await res.text() };
  }

  return {
    post,

    async command(text, opts) {
      const { body, responseUrl } = requests.command(text, opts);
      return { ...(await post(body, FORM_CONTENT_TYPE)), responseUrl };
    },

    async click(opts) {
      const { body, responseUrl } = requests.click(opts);
      return { ...(await post(body, FORM_CONTENT_TYPE)), responseUrl };
    },

    async viewAction(opts) {
      const view = viewOf(opts.view);
      const blockId = Object.keys(opts.values).find((b) => opts.values[b]?.[opts.actionId] !== undefined);
      if (blockId === undefined) throw new Error(`viewAction: no state for '${opts.actionId}' in the values given`);
      const body = viewBlockActionsPayload({
        userId: opts.userId,
        userName: fake.user(opts.userId)?.name,
        teamId: fake.teamId,
        apiAppId: fake.appId,
        view,
        values: opts.values,
        action: { blockId, actionId: opts.actionId, state: opts.values[blockId]![opts.actionId] as Json },
      });
      return post(body, FORM_CONTENT_TYPE);
    },

    submitView(opts) {
      const view = viewOf(opts.view);
      const body = viewSubmissionPayload({
        userId: opts.userId,
        userName: fake.user(opts.userId)?.name,
        teamId: fake.teamId,
        apiAppId: fake.appId,
        view,
        values: opts.values,
      });
      return post(body, FORM_CONTENT_TYPE);
    },

    event(event, opts = {}) {
      const body = eventCallbackBody(event, {
        eventId: opts.eventId,
        teamId: fake.teamId,
        apiAppId: fake.appId,
        botUserId: fake.botUserId,
      });
      const headers: Record<string, string> =
        opts.retryNum === undefined
          ? {}
          : { 'x-slack-retry-num': String(opts.retryNum), 'x-slack-retry-reason': opts.retryReason ?? 'http_timeout' };
      return post(body, JSON_CONTENT_TYPE, { headers });
    },
  };
}

/** In Socket Mode Slack sends the same fields as objects: a slash command's form fields, an interaction's `payload`. */
export function createSocketModeDriver(deps: SocketModeDriverDeps): SocketModeDriver {
  const { fake } = deps;
  const requests = createRequests(fake);

  function answer(ack: SocketAck, responseUrl: string): SocketAnswer {
    return { ...(ack.payload === undefined ? {} : { payload: ack.payload }), ack, responseUrl };
  }

  return {
    async socketCommand(text, opts) {
      const { body, responseUrl } = requests.command(text, opts);
      const ack = await fake.socketMode.send('slash_commands', Object.fromEntries(new URLSearchParams(body)));
      return answer(ack, responseUrl);
    },

    async socketClick(opts) {
      const { body, responseUrl } = requests.click(opts);
      const payload = JSON.parse(new URLSearchParams(body).get('payload') ?? '{}') as Json;
      const ack = await fake.socketMode.send('interactive', payload);
      return answer(ack, responseUrl);
    },
  };
}
