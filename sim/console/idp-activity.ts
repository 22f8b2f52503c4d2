import type { SimUser } from '../cii/seed.ts';
import type { IdpSimulators, RecordedRequest, SimProvider } from '../idp/simulators.ts';

export interface IdpRequestView {
  /** Position in the simulators' log, from 1. */
  seq: number;
  provider: SimProvider;
  method: string;
  path: string;
  status: number;
  /** Epoch milliseconds. */
  at: number;
  /** The CII user whose account the call was about, when it is one of the known users. */
  login?: string;
  /** What the call asked to change, from the body's `status` / `accountEnabled` only (never credentials). */
  change?: string;
}

export interface IdpAccountState {
  provider: SimProvider;
  accountId: string;
  /** Duo `active`/`disabled`/`bypass`, Okta `ACTIVE`/`SUSPENDED`, Entra ID `enabled`/`disabled`. */
  state: string;
}

export interface IdpAccountView {
  login: string;
  displayName: string;
  states: IdpAccountState[];
}

export interface IdpActivity {
  /** False when the console runs without identity-provider simulators. */
  available: boolean;
  /** Total requests so far. */
  total: number;
  /** The most recent requests, newest first. */
  requests: IdpRequestView[];
  /** Users whose accounts were called, most recently called first, with their state now. */
  accounts: IdpAccountView[];
}

const CHANGE_FIELDS = ['status', 'accountEnabled'] as const;

/** The provider's id of the user a call is about: the path segment after `users`. */
function accountIdOf(path: string): string | undefined {
  const segments = path.split('/').filter(Boolean);
  const i = segments.indexOf('users');
  const raw = i < 0 ? undefined : segments[i + 1];
  if (raw === undefined) return undefined;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

function bodyFields(request: RecordedRequest): Record<string, unknown> {
  if (request.body === '') return {};
  try {
    const parsed: unknown = JSON.parse(request.body);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // Duo's older signing sends form-encoded parameters.
  }
  return Object.fromEntries(new URLSearchParams(request.body));
}

function changeOf(request: RecordedRequest): string | undefined {
  if (accountIdOf(request.path) === undefined) return undefined;
  const fields = bodyFields(request);
  const parts = CHANGE_FIELDS.filter((f) => ['string', 'boolean'].includes(typeof fields[f])).map(
    (f) => `${f}=${String(fields[f])}`,
  );
  return parts.length === 0 ? undefined : parts.join(' ');
}

function stateOf(idp: IdpSimulators, provider: SimProvider, accountId: string): string | undefined {
  if (provider === 'DUO') return idp.duo.users.get(accountId)?.status;
  if (provider === 'OKTA') return idp.okta.users.get(accountId)?.status;
  const user = idp.entra.users.get(accountId);
  return user === undefined ? undefined : user.accountEnabled ? 'enabled' : 'disabled';
}

/** What the console's identity-provider panel shows: recent calls to the simulators and the state they left. */
export function idpActivity(idp: IdpSimulators | undefined, users: readonly SimUser[], limit = 40): IdpActivity {
  if (idp === undefined) return { available: false, total: 0, requests: [], accounts: [] };
  const owners = new Map<string, SimUser>();
  for (const user of users)
    for (const account of user.accounts) owners.set(`${account.provider}/${account.userId}`, user);

  const requests: IdpRequestView[] = [];
  const touched: SimUser[] = [];
  for (let i = idp.requests.length - 1; i >= 0; i--) {
    const r = idp.requests[i]!;
    const accountId = accountIdOf(r.path);
    const owner = accountId === undefined ? undefined : owners.get(`${r.provider}/${accountId}`);
    if (owner !== undefined && !touched.includes(owner)) touched.push(owner);
    if (requests.length >= limit) continue;
    const change = changeOf(r);
    requests.push({
      seq: i + 1,
      provider: r.provider,
      method: r.method,
      path: r.path,
      status: r.status,
      at: r.at,
      ...(owner === undefined ? {} : { login: owner.login }),
      ...(change === undefined ? {} : { change }),
    });
  }

  const accounts = touched.map((user) => ({
    login: user.login,
    displayName: user.displayName,
    states: user.accounts.flatMap((a) => {
      const state = stateOf(idp, a.provider, a.userId);
      return state === undefined ? [] : [{ provider: a.provider, accountId: a.userId, state }];
    }),
  }));
  return { available: true, total: idp.requests.length, requests, accounts };
}
