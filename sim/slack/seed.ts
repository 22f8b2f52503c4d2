export interface FakeUser {
  id: string;
  name: string;
  realName?: string;
  email?: string;
  isAdmin?: boolean;
  /** A deactivated account: still found by email, marked `deleted`. */
  deleted?: boolean;
  isBot?: boolean;
}

export interface FakeChannel {
  id: string;
  name: string;
  isPrivate?: boolean;
  isArchived?: boolean;
  /** Default true. */
  botIsMember?: boolean;
  /** Human members; default: every seeded user. */
  members?: string[];
}

export interface FakeUsergroup {
  id: string;
  handle: string;
  users: string[];
}

export const DEFAULT_USERS: readonly FakeUser[] = [
  { id: 'UADMIN', name: 'alice', realName: 'Alice Admin', email: 'alice@example.com', isAdmin: true },
  { id: 'UANALYST', name: 'bob', realName: 'Bob Analyst', email: 'bob@example.com' },
  { id: 'UVIEWER', name: 'carol', realName: 'Carol Viewer', email: 'carol@example.com' },
];

export const DEFAULT_CHANNELS: readonly FakeChannel[] = [
  { id: 'C0SECALERT', name: 'sec-alerts' },
  { id: 'C0SOC', name: 'soc' },
  { id: 'C0NOTMEMBER', name: 'random', botIsMember: false },
  { id: 'G0PRIVATE', name: 'incident-private', isPrivate: true, botIsMember: false },
];

export const DEFAULT_USERGROUPS: readonly FakeUsergroup[] = [
  { id: 'S0RESPOND', handle: 'sec-responders', users: ['UANALYST'] },
];
