import { checkBlocks, checkHomeView, checkView, isMessageTooLong } from './block-rules.ts';
import type { FakeUser } from './seed.ts';
import type { Caller, ChannelState, FakeMessage, Json, Workspace } from './workspace.ts';

export interface MethodResult {
  body: Json;
  warnings?: string[];
}

export type MethodHandler = (args: Json, caller: Caller) => MethodResult;

const MAX_TEXT = 40_000;
const WORKSPACE_URL = 'https://fake.slack.com/';

function fail(error: string, extra: Json = {}): MethodResult {
  return { body: { ok: false, error, ...extra } };
}

function ok(body: Json, warnings: string[] = []): MethodResult {
  if (warnings.length === 0) return { body: { ok: true, ...body } };
  return { body: { ok: true, ...body, warning: warnings.join(','), response_metadata: { warnings } }, warnings };
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function truthy(v: unknown): boolean {
  return v === true || v === 'true' || v === '1' || v === 1;
}

function withoutUndefined(o: Json): Json {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

interface Content {
  text: string;
  blocks?: Json[];
  attachments?: Json[];
  metadata?: Json;
}

/** Validates text/blocks/attachments the way chat.postMessage and chat.update do. */
function readContent(args: Json): Content | MethodResult {
  const { blocks, attachments, metadata } = args;
  if (typeof blocks === 'string') return fail('invalid_blocks_format');
  if (blocks !== undefined) {
    const errors = checkBlocks(blocks);
    if (errors.length > 0) {
      return fail('invalid_blocks', { errors, response_metadata: { messages: errors.map((e) => `[ERROR] ${e}`) } });
    }
    if (isMessageTooLong(blocks)) return fail('msg_blocks_too_long');
  }
  if (attachments !== undefined && !Array.isArray(attachments)) return fail('invalid_attachments');
  if (metadata !== undefined && (typeof metadata !== 'object' || metadata === null))
    return fail('invalid_metadata_format');
  const text = typeof args.text === 'string' ? args.text : '';
  if (text.length > MAX_TEXT) return fail('msg_too_long');
  return {
    text,
    blocks: blocks as Json[] | undefined,
    attachments: attachments as Json[] | undefined,
    metadata: metadata as Json | undefined,
  };
}

function hasAny(list: unknown[] | undefined): boolean {
  return list !== undefined && list.length > 0;
}

export function createWebApiMethods(ws: Workspace): Record<string, MethodHandler> {
  const { seed } = ws;

  function userJson(u: FakeUser): Json {
    const realName = u.realName ?? u.name;
    return {
      id: u.id,
      team_id: seed.teamId,
      name: u.name,
      real_name: realName,
      deleted: u.deleted ?? false,
      is_admin: u.isAdmin ?? false,
      is_owner: false,
      is_bot: u.isBot ?? false,
      tz: 'Europe/Zurich',
      profile: withoutUndefined({ real_name: realName, display_name: u.name, email: u.email, team: seed.teamId }),
    };
  }

  function isMember(ch: ChannelState, caller: Caller): boolean {
    return caller.botId !== undefined ? ch.botIsMember : ch.members.includes(caller.userId);
  }

  function channelJson(ch: ChannelState, caller: Caller): Json {
    return {
      id: ch.id,
      name: ch.name,
      name_normalized: ch.name,
      is_channel: !ch.isPrivate && !ch.isIm,
      is_group: ch.isPrivate,
      is_im: ch.isIm,
      is_private: ch.isPrivate || ch.isIm,
      is_archived: ch.isArchived,
      is_general: false,
      is_member: isMember(ch, caller),
      context_team_id: seed.teamId,
      created: 1_700_000_000,
    };
  }

  /** Private channels the caller is not in are invisible, as in Slack. */
  function visibleChannel(id: unknown, caller: Caller): ChannelState | undefined {
    const ch = typeof id === 'string' ? ws.channels.get(id) : undefined;
    if (ch === undefined || (ch.isPrivate && !isMember(ch, caller))) return undefined;
    return ch;
  }

  /** The bot's DM with a user, created on first use. */
  function dmWith(userId: string): ChannelState {
    const dmId = `D${userId.slice(1)}`;
    let dm = ws.channels.get(dmId);
    if (dm === undefined) {
      dm = {
        id: dmId,
        name: userId,
        isPrivate: false,
        isArchived: false,
        isIm: true,
        botIsMember: true,
        members: [userId],
      };
      ws.channels.set(dmId, dm);
    }
    return dm;
  }

  /** Posting to a user id goes to the DM with that user. */
  function postTarget(id: unknown, caller: Caller): ChannelState | MethodResult {
    if (typeof id === 'string' && ws.users.has(id)) return dmWith(id);
    const ch = visibleChannel(id, caller);
    if (ch === undefined) return fail('channel_not_found');
    if (ch.isArchived) return fail('is_archived');
    const mayPostUninvited = caller.botId !== undefined && seed.chatWritePublic && !ch.isPrivate;
    if (!isMember(ch, caller) && !mayPostUninvited) return fail('not_in_channel');
    return ch;
  }

  function list(channel: string): FakeMessage[] {
    let msgs = ws.messages.get(channel);
    if (msgs === undefined) {
      msgs = [];
      ws.messages.set(channel, msgs);
    }
    return msgs;
  }

  function findMessage(channel: unknown, ts: unknown): FakeMessage | undefined {
    if (typeof channel !== 'string') return undefined;
    return ws.messages.get(channel)?.find((m) => m.ts === ts);
  }

  function messageJson(m: FakeMessage, extra: Json = {}): Json {
    return withoutUndefined({
      type: 'message',
      ts: m.ts,
      thread_ts: m.thread_ts,
      user: m.user,
      bot_id: m.bot_id,
      app_id: m.bot_id === undefined ? undefined : seed.appId,
      team: seed.teamId,
      text: m.text,
      blocks: m.blocks,
      attachments: m.attachments,
      metadata: m.metadata,
      edited: m.edited,
      ...extra,
    });
  }

  /** Where the caller may read history: a channel it can see and, for the bot, is in. */
  function readableChannel(id: unknown, caller: Caller): ChannelState | MethodResult {
    const ch = visibleChannel(id, caller);
    if (ch === undefined) return fail('channel_not_found');
    if (!isMember(ch, caller)) return fail('not_in_channel');
    return ch;
  }

  /**
   * One page of messages as `conversations.history`/`replies` give it: `oldest`/`latest` bound the ts (exclusive
   * unless `inclusive`), `limit` and `cursor` page through, metadata only with `include_all_metadata`.
   */
  function page(args: Json, messages: FakeMessage[], head?: { message: FakeMessage; extra: Json }): MethodResult {
    const inclusive = truthy(args.inclusive);
    const oldest = Number(str(args.oldest) ?? 0) || 0;
    const latest = Number(str(args.latest) ?? Infinity) || Infinity;
    const within = messages.filter((m) => {
      const ts = Number(m.ts);
      return (inclusive ? ts >= oldest : ts > oldest) && (inclusive ? ts <= latest : ts < latest);
    });
    const limit = Math.min(Math.max(1, Number(args.limit ?? 100) || 100), 999);
    const offset = Number(str(args.cursor) ?? 0) || 0;
    const shown = within.slice(offset, offset + limit);
    const hasMore = offset + limit < within.length;
    const strip = truthy(args.include_all_metadata) ? {} : { metadata: undefined };
    return ok({
      messages: [
        ...(head ? [messageJson(head.message, { ...strip, ...head.extra })] : []),
        ...shown.map((m) => messageJson(m, strip)),
      ],
      has_more: hasMore,
      response_metadata: { next_cursor: hasMore ? String(offset + limit) : '' },
    });
  }

  function isError(v: unknown): v is MethodResult {
    return typeof v === 'object' && v !== null && 'body' in v;
  }

  function viewJson(view: Json, id: string, rootId: string, previousId: string | null): Json {
    return {
      id,
      team_id: seed.teamId,
      type: view.type,
      blocks: view.blocks,
      private_metadata: view.private_metadata ?? '',
      callback_id: view.callback_id ?? '',
      external_id: view.external_id ?? '',
      state: { values: {} },
      hash: ws.nextId('h.'),
      title: view.title,
      submit: view.submit ?? null,
      close: view.close ?? null,
      clear_on_close: truthy(view.clear_on_close),
      notify_on_close: truthy(view.notify_on_close),
      previous_view_id: previousId,
      root_view_id: rootId,
      app_id: seed.appId,
      app_installed_team_id: seed.teamId,
      bot_id: seed.botId,
    };
  }

  function readView(args: Json): Json | MethodResult {
    const errors = checkView(args.view);
    if (errors.length > 0)
      return fail('invalid_arguments', { response_metadata: { messages: errors.map((e) => `[ERROR] ${e}`) } });
    return args.view as Json;
  }

  function openView(args: Json): MethodResult {
    if (str(args.trigger_id) === undefined) {
      return fail('invalid_arguments', {
        response_metadata: { messages: ['[ERROR] missing required field: trigger_id'] },
      });
    }
    const view = readView(args);
    if (isError(view)) return view;
    const id = ws.nextId('V');
    const stored = viewJson(view, id, id, null);
    ws.views.set(id, stored);
    return ok({ view: stored });
  }

  return {
    'auth.test': (_args, caller) =>
      ok(
        withoutUndefined({
          url: WORKSPACE_URL,
          team: 'Fake Workspace',
          user: caller.botId !== undefined ? 'cii' : ws.users.get(caller.userId)?.name,
          team_id: seed.teamId,
          user_id: caller.userId,
          bot_id: caller.botId,
          is_enterprise_install: false,
        }),
      ),

    'chat.postMessage': (args, caller) => {
      const ch = postTarget(args.channel, caller);
      if (isError(ch)) return ch;
      const content = readContent(args);
      if (isError(content)) return content;
      if (content.text === '' && !hasAny(content.blocks) && !hasAny(content.attachments)) return fail('no_text');
      const warnings = content.text === '' && hasAny(content.blocks) ? ['missing_text_or_fallback_or_attachments'] : [];
      const message: FakeMessage = {
        channel: ch.id,
        ts: ws.nextTs(),
        thread_ts: str(args.thread_ts),
        user: caller.userId,
        bot_id: caller.botId,
        token: caller.token,
        ...content,
      };
      list(ch.id).push(message);
      return ok({ channel: ch.id, ts: message.ts, message: messageJson(message) }, warnings);
    },

    'chat.update': (args, caller) => {
      if (visibleChannel(args.channel, caller) === undefined) return fail('channel_not_found');
      const message = findMessage(args.channel, args.ts);
      if (message === undefined) return fail('message_not_found');
      if (message.token !== caller.token) return fail('cant_update_message');
      const content = readContent(args);
      if (isError(content)) return content;
      // As in Slack: omitted blocks/attachments are kept, an empty array removes them.
      const blocks = args.blocks === undefined ? message.blocks : content.blocks;
      const attachments = args.attachments === undefined ? message.attachments : content.attachments;
      if (content.text === '' && !hasAny(blocks) && !hasAny(attachments)) return fail('no_text');
      message.text = content.text;
      message.blocks = hasAny(blocks) ? blocks : undefined;
      message.attachments = hasAny(attachments) ? attachments : undefined;
      if (content.metadata !== undefined) message.metadata = content.metadata;
      message.edited = { user: caller.userId, ts: ws.nextTs() };
      return ok({ channel: message.channel, ts: message.ts, text: message.text, message: messageJson(message) });
    },

    'chat.delete': (args, caller) => {
      if (visibleChannel(args.channel, caller) === undefined) return fail('channel_not_found');
      const message = findMessage(args.channel, args.ts);
      if (message === undefined) return fail('message_not_found');
      if (message.token !== caller.token) return fail('cant_delete_message');
      const msgs = list(message.channel);
      msgs.splice(msgs.indexOf(message), 1);
      return ok({ channel: message.channel, ts: message.ts });
    },

    'chat.postEphemeral': (args, caller) => {
      const ch = postTarget(args.channel, caller);
      if (isError(ch)) return ch;
      const user = typeof args.user === 'string' ? ws.users.get(args.user) : undefined;
      if (user === undefined) return fail('user_not_found');
      if (!ch.members.includes(user.id)) return fail('user_not_in_channel');
      const content = readContent(args);
      if (isError(content)) return content;
      if (content.text === '' && !hasAny(content.blocks) && !hasAny(content.attachments)) return fail('no_text');
      return ok({ message_ts: ws.nextTs() });
    },

    'chat.getPermalink': (args, caller) => {
      const ch = visibleChannel(args.channel, caller);
      if (ch === undefined) return fail('channel_not_found');
      const message = findMessage(ch.id, args.message_ts);
      if (message === undefined) return fail('message_not_found');
      const base = `${WORKSPACE_URL}archives/${ch.id}/p${message.ts.replace('.', '')}`;
      const thread = message.thread_ts === undefined ? '' : `?thread_ts=${message.thread_ts}&cid=${ch.id}`;
      return ok({ channel: ch.id, permalink: base + thread });
    },

    'conversations.info': (args, caller) => {
      const ch = visibleChannel(args.channel, caller);
      return ch === undefined ? fail('channel_not_found') : ok({ channel: channelJson(ch, caller) });
    },

    'conversations.open': (args, caller) => {
      const ids = (str(args.users) ?? '').split(',').filter(Boolean);
      if (ids.length === 0) return fail('users_list_not_supplied');
      if (ids.length > 1) return fail('not_implemented_in_fake: group DMs');
      const user = ws.users.get(ids[0]!);
      if (user === undefined) return fail('user_not_found');
      if (user.deleted) return fail('user_disabled');
      if (user.isBot) return fail('cannot_dm_bot');
      return ok({ channel: channelJson(dmWith(user.id), caller) });
    },

    'conversations.history': (args, caller) => {
      const ch = readableChannel(args.channel, caller);
      if (isError(ch)) return ch;
      const top = list(ch.id).filter((m) => m.thread_ts === undefined || m.thread_ts === m.ts);
      return page(args, [...top].reverse());
    },

    'conversations.join': (args, caller) => {
      const ch = typeof args.channel === 'string' ? ws.channels.get(args.channel) : undefined;
      if (ch === undefined) return fail('channel_not_found');
      if (ch.isPrivate || ch.isIm) return fail('method_not_supported_for_channel_type');
      if (ch.isArchived) return fail('is_archived');
      const already = isMember(ch, caller);
      if (caller.botId !== undefined) ch.botIsMember = true;
      else if (!already) ch.members.push(caller.userId);
      return ok({ channel: channelJson(ch, caller) }, already ? ['already_in_channel'] : []);
    },

    'conversations.members': (args, caller) => {
      const ch = visibleChannel(args.channel, caller);
      if (ch === undefined) return fail('channel_not_found');
      const all = ch.botIsMember ? [...ch.members, seed.botUserId] : [...ch.members];
      const limit = Math.max(1, Number(args.limit ?? 100) || 100);
      const offset = Number(str(args.cursor) ?? 0) || 0;
      const next = offset + limit < all.length ? String(offset + limit) : '';
      return ok({ members: all.slice(offset, offset + limit), response_metadata: { next_cursor: next } });
    },

    'conversations.replies': (args, caller) => {
      const ch = readableChannel(args.channel, caller);
      if (isError(ch)) return ch;
      const parent = findMessage(ch.id, args.ts);
      if (parent === undefined) return fail('thread_not_found');
      const replies = list(ch.id).filter((m) => m.thread_ts === parent.ts && m.ts !== parent.ts);
      // As in Slack: the parent comes first on every page, then the replies oldest first.
      const head = replies.length > 0 ? { thread_ts: parent.ts, reply_count: replies.length } : {};
      return page(args, replies, { message: parent, extra: head });
    },

    'users.info': (args) => {
      const user = typeof args.user === 'string' ? ws.users.get(args.user) : undefined;
      return user === undefined ? fail('user_not_found') : ok({ user: userJson(user) });
    },

    'users.lookupByEmail': (args) => {
      const email = str(args.email)?.toLowerCase();
      const user = [...ws.users.values()].find((u) => email !== undefined && u.email?.toLowerCase() === email);
      return user === undefined ? fail('users_not_found') : ok({ user: userJson(user) });
    },

    'usergroups.users.list': (args) => {
      const group = typeof args.usergroup === 'string' ? ws.usergroups.get(args.usergroup) : undefined;
      return group === undefined ? fail('no_such_subteam') : ok({ users: [...group.users] });
    },

    'usergroups.list': (args) =>
      ok({
        usergroups: [...ws.usergroups.values()].map((g) =>
          withoutUndefined({
            id: g.id,
            team_id: seed.teamId,
            handle: g.handle,
            name: g.handle,
            is_usergroup: true,
            user_count: g.users.length,
            users: truthy(args.include_users) ? [...g.users] : undefined,
          }),
        ),
      }),

    'views.publish': (args) => {
      const userId = str(args.user_id);
      if (userId === undefined || !ws.users.has(userId)) return fail('user_not_found');
      const errors = checkHomeView(args.view);
      if (errors.length > 0)
        return fail('invalid_arguments', { response_metadata: { messages: errors.map((e) => `[ERROR] ${e}`) } });
      const current = ws.homeViews.get(userId);
      if (str(args.hash) !== undefined && current !== undefined && args.hash !== current.hash)
        return fail('hash_conflict');
      const id = current === undefined ? ws.nextId('V') : String(current.id);
      const stored = viewJson(args.view as Json, id, id, null);
      ws.homeViews.set(userId, stored);
      return ok({ view: stored });
    },

    'views.open': (args) => openView(args),

    'views.push': (args) => openView(args),

    'views.update': (args) => {
      const id = str(args.view_id);
      const externalId = str(args.external_id);
      const current =
        id !== undefined
          ? ws.views.get(id)
          : [...ws.views.values()].find((v) => externalId !== undefined && v.external_id === externalId);
      if (current === undefined) return fail('not_found');
      if (str(args.hash) !== undefined && args.hash !== current.hash) return fail('hash_conflict');
      const view = readView(args);
      if (isError(view)) return view;
      const updated = viewJson(
        view,
        String(current.id),
        String(current.root_view_id),
        current.previous_view_id as string | null,
      );
      ws.views.set(String(current.id), updated);
      return ok({ view: updated });
    },
  };
}
