import type { FakeChannel, FakeUser, FakeUsergroup } from './seed.ts';

export type Json = Record<string, unknown>;

/** A message as it currently stands in a channel (after updates and deletes). */
export interface FakeMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  /** Poster: the bot user id for the bot token, else the user of a user token. */
  user: string;
  bot_id?: string;
  text: string;
  blocks?: Json[];
  attachments?: Json[];
  metadata?: Json;
  /** Token the message was posted with: only that token may update or delete it. */
  token: string;
  edited?: { user: string; ts: string };
}

export interface ChannelState {
  id: string;
  name: string;
  isPrivate: boolean;
  isArchived: boolean;
  isIm: boolean;
  botIsMember: boolean;
  members: string[];
}

export interface Caller {
  token: string;
  userId: string;
  /** Set when the caller is the bot. */
  botId?: string;
}

export interface WorkspaceSeed {
  teamId: string;
  botToken: string;
  botUserId: string;
  botId: string;
  appId: string;
  userTokens: Record<string, string>;
  chatWritePublic: boolean;
  users: FakeUser[];
  channels: FakeChannel[];
  usergroups: FakeUsergroup[];
}

export interface Workspace {
  seed: WorkspaceSeed;
  users: Map<string, FakeUser>;
  channels: Map<string, ChannelState>;
  usergroups: Map<string, FakeUsergroup>;
  messages: Map<string, FakeMessage[]>;
  views: Map<string, Json>;
  /** The Home tab each user sees (`views.publish`), by user id. */
  homeViews: Map<string, Json>;
  identify(token: string | undefined): Caller | undefined;
  nextTs(): string;
  nextId(prefix: string): string;
  /** Back to the seed: channels, membership, messages and views; ts and ids keep increasing. */
  reset(): void;
}

function channelState(c: FakeChannel, users: FakeUser[]): ChannelState {
  return {
    id: c.id,
    name: c.name,
    isPrivate: c.isPrivate ?? false,
    isArchived: c.isArchived ?? false,
    isIm: false,
    botIsMember: c.botIsMember ?? true,
    members: [...(c.members ?? users.map((u) => u.id))],
  };
}

export function createWorkspace(seed: WorkspaceSeed): Workspace {
  let lastTsMicros = 0;
  let idCounter = 0;
  const ws: Workspace = {
    seed,
    users: new Map(seed.users.map((u) => [u.id, u])),
    channels: new Map(),
    usergroups: new Map(seed.usergroups.map((g) => [g.id, g])),
    messages: new Map(),
    views: new Map(),
    homeViews: new Map(),
    identify(token) {
      if (token === undefined) return undefined;
      if (token === seed.botToken) return { token, userId: seed.botUserId, botId: seed.botId };
      const userId = seed.userTokens[token];
      return userId === undefined ? undefined : { token, userId };
    },
    // Like Slack's: the posting time in microseconds, unique and increasing within the workspace.
    nextTs() {
      lastTsMicros = Math.max(Date.now() * 1000, lastTsMicros + 100);
      return `${Math.floor(lastTsMicros / 1_000_000)}.${String(lastTsMicros % 1_000_000).padStart(6, '0')}`;
    },
    nextId(prefix) {
      idCounter += 1;
      return `${prefix}${String(idCounter).padStart(8, '0')}`;
    },
    reset() {
      ws.channels = new Map(seed.channels.map((c) => [c.id, channelState(c, seed.users)]));
      ws.messages = new Map();
      ws.views = new Map();
      ws.homeViews = new Map();
    },
  };
  ws.reset();
  return ws;
}
