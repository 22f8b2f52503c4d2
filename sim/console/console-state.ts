import type { FakeMessage, FakeSlack, FakeSlackChange, RecordedCall } from '../slack/fake-slack.ts';

type Json = Record<string, unknown>;

/** A message only one user sees: from chat.postEphemeral, a response_url post or a command's ack. */
export interface ConsoleEphemeral {
  id: string;
  channel: string;
  user: string;
  ts: string;
  threadTs?: string;
  text: string;
  blocks?: Json[];
  attachments?: Json[];
  seq: number;
}

/** Where an interaction came from: what the app later posts to its response_url goes there. */
export interface InteractionOrigin {
  userId: string;
  channelId: string;
  /** A click in a channel message: the fake itself applies replace_original/delete_original to it. */
  messageTs?: string;
  /** A click in an ephemeral message: replace_original/delete_original act on it. */
  ephemeralId?: string;
}

export interface ConsoleItem {
  /** `m:<ts>` for a channel message, `e:<id>` for an ephemeral one: what /console/click takes. */
  ref: string;
  ts: string;
  threadTs?: string;
  user: string;
  userName: string;
  isBot: boolean;
  ephemeral: boolean;
  edited: boolean;
  text: string;
  blocks: Json[];
  attachments: Json[];
  replies: ConsoleItem[];
}

export interface ConsoleView {
  viewId: string;
  view: Json;
}

export interface Named {
  id: string;
  name: string;
}

export interface ConsoleSnapshot {
  viewer: string;
  /** `affected`: the employee alerts are about, who gets the app's "was this you?" DMs. */
  actors: { responder: Named; nonResponder: Named; affected?: Named };
  appName: string;
  channels: Named[];
  /** The viewer's direct messages with the app (its messages are under `messages` too). */
  dm: Named;
  /** Every user and channel the messages mention, for rendering `<@U…>` and `<#C…>`. */
  names: { users: Record<string, string>; channels: Record<string, string> };
  /** Per channel: top-level messages in order, each with its thread replies. */
  messages: Record<string, ConsoleItem[]>;
  /** The modal open for the viewer (top of its stack), if any. */
  modal: ConsoleView | null;
  /** The app's Home tab as last published for the viewer (`views.publish`), if ever. */
  home: Json | null;
}

export interface ConsoleStateDeps {
  fake: FakeSlack;
  channels: string[];
  actors: { responder: string; nonResponder: string; affected?: string };
  appName: string;
}

/** The fake's id of a user's DM with the app. */
const dmOf = (userId: string) => `D${userId.slice(1)}`;

export interface ConsoleState {
  noteOrigin(responseUrl: string, origin: InteractionOrigin): void;
  /** Slack ties a modal to the trigger_id of an interaction: the next views.open is shown to this user. */
  noteActor(userId: string): void;
  /** Applies a message posted to a response_url (or a command's ack body) the way Slack shows it. */
  applyResponse(responseUrl: string, payload: Json): void;
  apply(change: FakeSlackChange): void;
  ephemeral(id: string): ConsoleEphemeral | undefined;
  topView(userId: string): ConsoleView | undefined;
  /** Closes the top modal, or the whole stack with `all`. */
  closeView(userId: string, all?: boolean): void;
  /** Replaces the top modal (response_action `update`), or pushes one (`push`). */
  showView(userId: string, view: Json, mode: 'update' | 'push'): void;
  snapshot(viewer: string): ConsoleSnapshot;
  /** Called after anything the page shows changed. */
  onChange(listener: () => void): () => void;
}

function asJsonList(v: unknown): Json[] | undefined {
  return Array.isArray(v) ? (v as Json[]) : undefined;
}

function asJson(v: unknown): Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {};
}

function textOf(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

export function createConsoleState(deps: ConsoleStateDeps): ConsoleState {
  const { fake } = deps;
  const origins = new Map<string, InteractionOrigin & { lastEphemeralId?: string }>();
  const ephemerals = new Map<string, ConsoleEphemeral>();
  const views = new Map<string, ConsoleView[]>();
  /** Arrival order of channel messages, so ephemeral messages interleave as they came. */
  const order = new Map<string, number>();
  let seq = 0;
  let ephemeralIds = 0;
  let tsCount = 0;
  let actor: string | undefined;
  let listeners: Array<() => void> = [];

  const changed = () => {
    for (const listener of listeners) listener();
  };

  const actorIds = Object.values(deps.actors).filter((id): id is string => id !== undefined);
  const shown = [...deps.channels, ...actorIds.map(dmOf)];

  function catchUp(): void {
    for (const channel of shown) {
      for (const m of fake.messages(channel)) {
        const key = `${channel}/${m.ts}`;
        if (!order.has(key)) order.set(key, ++seq);
      }
    }
  }

  function ephemeralTs(): string {
    const now = Date.now();
    tsCount += 1;
    return `${Math.floor(now / 1000)}.${String(now % 1000).padStart(3, '0')}${String(tsCount % 1000).padStart(3, '0')}`;
  }

  function addEphemeral(input: Omit<ConsoleEphemeral, 'id' | 'seq'>): ConsoleEphemeral {
    catchUp();
    const e: ConsoleEphemeral = { ...input, id: `E${++ephemeralIds}`, seq: ++seq };
    ephemerals.set(e.id, e);
    return e;
  }

  function content(payload: Json): Pick<ConsoleEphemeral, 'text' | 'blocks' | 'attachments'> {
    return {
      text: textOf(payload.text),
      blocks: asJsonList(payload.blocks),
      attachments: asJsonList(payload.attachments),
    };
  }

  function applyResponse(responseUrl: string, payload: Json): void {
    const origin = origins.get(responseUrl);
    if (origin === undefined) return;
    const own = origin.ephemeralId ?? origin.lastEphemeralId;
    if (payload.delete_original === true) {
      if (own !== undefined) ephemerals.delete(own);
      return;
    }
    // The fake posts in_channel answers, and replaces the channel message a click came from.
    if (payload.response_type === 'in_channel') return;
    if (payload.replace_original === true && origin.messageTs !== undefined) return;
    const target = payload.replace_original === true && own !== undefined ? ephemerals.get(own) : undefined;
    if (target !== undefined) {
      Object.assign(target, content(payload));
      return;
    }
    const e = addEphemeral({ channel: origin.channelId, user: origin.userId, ts: ephemeralTs(), ...content(payload) });
    origin.lastEphemeralId = e.id;
  }

  function applyView(call: RecordedCall): void {
    const view = asJson(asJson(call.response).view);
    const viewId = textOf(view.id);
    if (viewId === '') return;
    if (call.method === 'views.update') {
      for (const stack of views.values()) {
        const i = stack.findIndex((v) => v.viewId === viewId);
        if (i >= 0) stack[i] = { viewId, view };
      }
      return;
    }
    if (actor === undefined) return;
    const stack = call.method === 'views.push' ? (views.get(actor) ?? []) : [];
    stack.push({ viewId, view });
    views.set(actor, stack);
  }

  function applyCall(call: RecordedCall): void {
    const okApi = call.status === 200 && asJson(call.response).ok === true;
    if (call.method === 'response_url') {
      if (call.status === 200 && call.url !== undefined) applyResponse(call.url, call.args);
    } else if (call.method === 'chat.postEphemeral' && okApi) {
      addEphemeral({
        channel: textOf(call.args.channel),
        user: textOf(call.args.user),
        ts: textOf(asJson(call.response).message_ts),
        threadTs: textOf(call.args.thread_ts) || undefined,
        ...content(call.args),
      });
    } else if (
      (call.method === 'views.open' || call.method === 'views.push' || call.method === 'views.update') &&
      okApi
    ) {
      applyView(call);
    }
    catchUp();
  }

  function userName(id: string): string {
    const u = fake.user(id);
    return u?.realName ?? u?.name ?? id;
  }

  function liveItem(m: FakeMessage): ConsoleItem {
    const isBot = m.bot_id !== undefined;
    return {
      ref: `m:${m.ts}`,
      ts: m.ts,
      ...(m.thread_ts === undefined || m.thread_ts === m.ts ? {} : { threadTs: m.thread_ts }),
      user: m.user,
      userName: isBot && m.user === fake.botUserId ? deps.appName : userName(m.user),
      isBot,
      ephemeral: false,
      edited: m.edited !== undefined,
      text: m.text,
      blocks: m.blocks ?? [],
      attachments: m.attachments ?? [],
      replies: [],
    };
  }

  function ephemeralItem(e: ConsoleEphemeral): ConsoleItem {
    return {
      ref: `e:${e.id}`,
      ts: e.ts,
      ...(e.threadTs === undefined ? {} : { threadTs: e.threadTs }),
      user: fake.botUserId,
      userName: deps.appName,
      isBot: true,
      ephemeral: true,
      edited: false,
      text: e.text,
      blocks: e.blocks ?? [],
      attachments: e.attachments ?? [],
      replies: [],
    };
  }

  function channelItems(channel: string, viewer: string): ConsoleItem[] {
    const live = fake.messages(channel).map((m) => ({ seq: order.get(`${channel}/${m.ts}`) ?? 0, item: liveItem(m) }));
    const own = [...ephemerals.values()]
      .filter((e) => e.channel === channel && e.user === viewer)
      .map((e) => ({ seq: e.seq, item: ephemeralItem(e) }));
    const items = [...live, ...own].sort((a, b) => a.seq - b.seq).map((x) => x.item);
    const parents = new Map(items.filter((i) => i.threadTs === undefined && !i.ephemeral).map((i) => [i.ts, i]));
    const top: ConsoleItem[] = [];
    for (const item of items) {
      const parent = item.threadTs === undefined ? undefined : parents.get(item.threadTs);
      if (parent === undefined) top.push(item);
      else parent.replies.push(item);
    }
    return top;
  }

  function names(shown: unknown, extraUsers: string[]): ConsoleSnapshot['names'] {
    const text = JSON.stringify(shown);
    const userIds = new Set([...extraUsers, ...[...text.matchAll(/<@([UW][A-Z0-9]+)/g)].map((m) => m[1] ?? '')]);
    const channelIds = new Set([...deps.channels, ...[...text.matchAll(/<#([CGD][A-Z0-9]+)/g)].map((m) => m[1] ?? '')]);
    const users: Record<string, string> = {};
    for (const id of userIds) if (fake.user(id) !== undefined) users[id] = userName(id);
    const channels: Record<string, string> = {};
    for (const id of channelIds) {
      const ch = fake.channel(id);
      if (ch !== undefined) channels[id] = ch.name;
    }
    return { users, channels };
  }

  return {
    noteOrigin(responseUrl, origin) {
      origins.set(responseUrl, { ...origin });
    },
    noteActor(userId) {
      actor = userId;
    },
    applyResponse(responseUrl, payload) {
      applyResponse(responseUrl, payload);
      changed();
    },
    apply(change) {
      if (change.kind === 'reset') {
        origins.clear();
        ephemerals.clear();
        views.clear();
        order.clear();
      } else {
        applyCall(change.call);
      }
      changed();
    },
    ephemeral: (id) => ephemerals.get(id),
    topView: (userId) => views.get(userId)?.at(-1),
    closeView(userId, all = false) {
      const stack = views.get(userId) ?? [];
      if (all) stack.length = 0;
      else stack.pop();
      changed();
    },
    showView(userId, view, mode) {
      const stack = views.get(userId) ?? [];
      // An update keeps the view's id (Slack's too), so a later views.update of it still finds it.
      const replaced = mode === 'update' ? stack.pop() : undefined;
      stack.push({ viewId: textOf(view.id) || replaced?.viewId || `V0CONSOLE${++seq}`, view });
      views.set(userId, stack);
      changed();
    },
    snapshot(viewer) {
      catchUp();
      const dm = dmOf(viewer);
      const messages = Object.fromEntries([...deps.channels, dm].map((c) => [c, channelItems(c, viewer)]));
      const { responder, nonResponder, affected } = deps.actors;
      const named = (id: string) => ({ id, name: userName(id) });
      const home = fake.homeView(viewer) ?? null;
      const modal = views.get(viewer)?.at(-1) ?? null;
      return {
        viewer,
        actors: {
          responder: named(responder),
          nonResponder: named(nonResponder),
          ...(affected === undefined ? {} : { affected: named(affected) }),
        },
        appName: deps.appName,
        channels: deps.channels.map((id) => ({ id, name: fake.channel(id)?.name ?? id })),
        dm: { id: dm, name: deps.appName },
        names: names({ messages, home, modal }, [responder, nonResponder, viewer]),
        messages,
        modal,
        home,
      };
    },
    onChange(listener) {
      listeners.push(listener);
      return () => {
        listeners = listeners.filter((l) => l !== listener);
      };
    },
  };
}
