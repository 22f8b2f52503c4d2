import { isIP } from 'node:net';
import type { SimIntegrationStatus, SimUser } from './seed.ts';
import type { WebhookRegistry } from './webhook-registry.ts';

/** A resolver failure as AppSync reports it: `errorType` next to `message`. */
export class SimGraphqlError extends Error {
  readonly errorType: string;
  constructor(errorType: string, message: string) {
    super(message);
    this.name = 'SimGraphqlError';
    this.errorType = errorType;
  }
}

const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 500;
/** listEndUsers shows at most this many groups and flags the rest with hasMoreGroups. */
const LISTED_GROUPS = 10;

function paginate<T>(items: T[], scope: string, pageSize?: number | null, pageToken?: string | null) {
  const size = pageSize ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw new SimGraphqlError('BadRequest', `pageSize must be between 1 and ${MAX_PAGE_SIZE}`);
  }
  let offset = 0;
  if (pageToken) {
    let decoded: unknown;
    try {
      decoded = JSON.parse(Buffer.from(pageToken, 'base64url').toString('utf8'));
    } catch {
      decoded = undefined;
    }
    const token = decoded as { s?: unknown; o?: unknown } | undefined;
    if (token?.s !== scope || typeof token.o !== 'number') throw new SimGraphqlError('BadRequest', 'Invalid pageToken');
    offset = token.o;
  }
  const next = offset + size;
  return {
    items: items.slice(offset, next),
    pageToken: next < items.length ? Buffer.from(JSON.stringify({ s: scope, o: next })).toString('base64url') : null,
  };
}

const ipAddressesOf = (user: SimUser) => {
  const seen = new Map<string, SimUser['signIns'][number]['location']>();
  for (const signIn of user.signIns) if (!seen.has(signIn.ipAddress)) seen.set(signIn.ipAddress, signIn.location);
  return [...seen].map(([ipAddress, location]) => ({ ipAddress, location }));
};

const ref = (user: SimUser) => ({
  id: user.id,
  displayName: user.displayName,
  login: user.login,
  referenceUrl: user.referenceUrl,
});

const endUserState = (user: SimUser) => ({
  ...ref(user),
  employeeId: user.employeeId ? [user.employeeId] : null,
  status: user.status,
  userTypeClassification: user.userTypeClassification,
  managerLogin: user.managerLogin,
  ipAddresses: ipAddressesOf(user),
  phoneNumber: user.phoneNumber,
  usedApplications: user.usedApplications,
  unusedApplications: user.unusedApplications,
  usedFactors: user.usedFactors,
  registeredLocationDetails: user.registeredLocation,
  workingLocationDetails: user.workingLocations,
});

const endUser = (user: SimUser) => ({
  endUserDetails: {
    ...ref(user),
    status: user.status,
    userIds: user.accounts.map((a) => a.userId),
    emails: user.emails,
    company: user.company,
    department: user.department,
    title: user.title,
    userTypeClassification: user.userTypeClassification,
    employeeIds: user.employeeId ? [user.employeeId] : [],
    linkedEndUserLogins: user.linkedEndUserLogins ?? [],
    groupNames: user.groupNames,
    phoneNumbers: user.phoneNumber ? [user.phoneNumber] : [],
    managerLogin: user.managerLogin,
    devices: user.devices,
    mfaEnabled: user.accounts.some((a) => a.mfaEnabled),
    lastSignIn: user.signIns[0] ?? null,
    lastActive: user.lastActive,
    firstCreatedDate: user.firstCreatedDate,
    failingChecks: user.failingChecks,
  },
  providerEndUserDetails: user.accounts,
});

const publicEndUser = (user: SimUser) => ({
  ...ref(user),
  status: user.status,
  userTypeClassification: user.userTypeClassification,
  department: user.department,
  title: user.title,
  managerLogin: user.managerLogin,
  groupNames: user.groupNames.slice(0, LISTED_GROUPS),
  hasMoreGroups: user.groupNames.length > LISTED_GROUPS,
  providers: [...new Set(user.accounts.map((a) => a.provider))],
  endUserTrustScore: { levelOfTrust: user.levelOfTrust, scoreExplainabilitySummary: null },
  lastActive: user.lastActive,
  failingChecks: user.failingChecks,
});

const SORTABLE = [
  'login',
  'displayName',
  'status',
  'department',
  'title',
  'lastActive',
  'userTypeClassification',
  'managerLogin',
];
type OrderBy = { name: string; order: 'asc' | 'desc' };

function sortUsers(users: readonly SimUser[], orderBy: readonly OrderBy[]): SimUser[] {
  for (const { name } of orderBy) {
    if (!SORTABLE.includes(name)) throw new SimGraphqlError('BadRequest', `Cannot order by ${name}`);
  }
  const keys: OrderBy[] = [...orderBy, { name: 'login', order: 'asc' }];
  // Every sortable field is a string or absent.
  const valueOf = (user: SimUser, name: string) => {
    const value = (user as unknown as Record<string, unknown>)[name];
    return typeof value === 'string' ? value : '';
  };
  return [...users].sort((a, b) => {
    for (const { name, order } of keys) {
      const diff = valueOf(a, name).localeCompare(valueOf(b, name));
      if (diff !== 0) return order === 'desc' ? -diff : diff;
    }
    return 0;
  });
}

function checkEndpoint(endpoint: string): void {
  let protocol: string;
  try {
    protocol = new URL(endpoint).protocol;
  } catch {
    protocol = '';
  }
  if (protocol !== 'https:' && protocol !== 'http:') {
    throw new SimGraphqlError('BadRequest', 'endpoint must be an absolute http(s) URL');
  }
}

function checkCheckIds(checkIds: string[]): void {
  if (checkIds.length === 0) throw new SimGraphqlError('BadRequest', 'checkIds must not be empty');
}

export interface CiiResolverDeps {
  users: readonly SimUser[];
  integrations: readonly SimIntegrationStatus[];
  webhooks: WebhookRegistry;
}

/** Root value for graphql's `execute`: the default field resolver calls these with the field arguments. */
export function createCiiRootValue(deps: CiiResolverDeps) {
  const byLogin = new Map(deps.users.map((user) => [user.login.toLowerCase(), user]));
  const find = (login: string): SimUser => {
    const user = byLogin.get(login.trim().toLowerCase());
    if (!user) throw new SimGraphqlError('NotFound', 'End user not found');
    return user;
  };
  const byLoginOrder = [...deps.users].sort((a, b) => a.login.localeCompare(b.login));

  return {
    ping: () => true,
    // The login comes in whatever the schema calls its one argument (see CiiSchemaOptions.endUserStateArgument).
    getEndUserState: (args: Record<string, string>) => endUserState(find(Object.values(args)[0] ?? '')),
    getEndUser: ({ login }: { login: string }) => endUser(find(login)),
    getEndUsersByIp: (args: { ipAddress: string; pageSize?: number | null; pageToken?: string | null }) => {
      if (isIP(args.ipAddress) === 0) throw new SimGraphqlError('BadRequest', 'Invalid IP address');
      const ip = args.ipAddress.toLowerCase();
      const users = byLoginOrder.filter((u) => u.signIns.some((s) => s.ipAddress.toLowerCase() === ip));
      return paginate(users.map(ref), `ip:${ip}`, args.pageSize, args.pageToken);
    },
    listEndUsers: (args: {
      input: { orderBy?: OrderBy[] | null };
      pageSize?: number | null;
      pageToken?: string | null;
    }) => {
      const orderBy = args.input.orderBy ?? [];
      const users = sortUsers(deps.users, orderBy);
      return paginate(users.map(publicEndUser), `list:${JSON.stringify(orderBy)}`, args.pageSize, args.pageToken);
    },
    getIntegrationsStatus: () => deps.integrations,
    registerWebhookWithApiKey: ({
      input,
    }: {
      input: { name: string; endpoint: string; apiKeyName: string; apiKey: string; checkIds: string[] };
    }) => {
      checkEndpoint(input.endpoint);
      checkCheckIds(input.checkIds);
      return deps.webhooks.registerApiKey(input);
    },
    registerWebhookWithDuoSecurityClient: ({
      input,
    }: {
      input: { name: string; duoIntegrationInstanceId: string; checkIds: string[] };
    }) => {
      checkCheckIds(input.checkIds);
      return deps.webhooks.registerDuo(input);
    },
    unregisterWebhook: ({ id }: { id: string }) => deps.webhooks.unregister(id),
  };
}
