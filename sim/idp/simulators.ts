import { createDuoAuthSim, type DuoAuthSim } from './duo-auth-sim.ts';
import { createDuoSim, type DuoSimUser } from './duo-sim.ts';
import { createEntraSim, newEntraUser, type EntraSimUser } from './entra-sim.ts';
import {
  startProviderServer,
  type ProviderServer,
  type RecordedRequest,
  type ScriptedDelay,
  type ScriptedFailure,
  type SimProvider,
} from './http-server.ts';
import { createOktaSim, newOktaUser, type OktaSimUser } from './okta-sim.ts';

export {
  CALLER_GONE,
  type RecordedRequest,
  type ScriptedDelay,
  type ScriptedFailure,
  type SimProvider,
} from './http-server.ts';

export interface IdpSimulatorOptions {
  /** Users each provider knows from the start, all active. */
  users?: { duo?: string[]; okta?: string[]; entra?: string[] };
  /** Unknown user ids are created active on first use instead of answering 404 (handy for a demo). */
  autoCreateUsers?: boolean;
  entraTokenTtlSeconds?: number;
  /** Duo usernames with a push device (Auth API preauth); default everyone. */
  duoPushEnrolled?: (username: string) => boolean;
  /** Clock of Okta's rate-limit reset and Entra's token expiry, epoch milliseconds. */
  now?: () => number;
}

export interface IdpSimulators {
  duo: { apiUrl: string; ikey: string; skey: string; users: Map<string, DuoSimUser> };
  /** The Duo Auth API (same host, its own application keys) and the pushes sent through it. */
  duoAuth: { apiUrl: string; ikey: string; skey: string; pushes: DuoAuthSim['pushes']; answer: DuoAuthSim['answer'] };
  okta: { orgUrl: string; apiToken: string; users: Map<string, OktaSimUser> };
  entra: {
    tenantId: string;
    clientId: string;
    clientSecret: string;
    loginUrl: string;
    graphUrl: string;
    users: Map<string, EntraSimUser>;
    /** Expires every token issued so far. */
    expireTokens(): void;
    tokensIssued(): number;
  };
  /** Options for the app's identity-provider clients (`createIdentityProviders`), pointing here. */
  config: {
    duo: { apiUrl: string; ikey: string; skey: string };
    okta: { orgUrl: string; apiToken: string };
    entra: { tenantId: string; clientId: string; clientSecret: string; loginUrl: string; graphUrl: string };
  };
  /** Every request, in arrival order, with the status it got. */
  requests: RecordedRequest[];
  requestsTo(provider: SimProvider): RecordedRequest[];
  /** Calls `listener` after each request is recorded; returns the unsubscribe function. */
  onRequest(listener: (request: RecordedRequest) => void): () => void;
  /** The next `times` requests to `provider` (optionally only those whose path contains `path`) fail with `status`. */
  fail(provider: SimProvider, failure: ScriptedFailure): void;
  /**
   * The next `times` matching requests to `provider` are handled only after `ms` (a slow provider); one whose
   * caller hung up by then changes nothing and is recorded with status CALLER_GONE.
   */
  delay(provider: SimProvider, delay: ScriptedDelay): void;
  addUser(provider: SimProvider, userId: string): void;
  close(): Promise<void>;
}

/** Duo Admin API, Okta and Entra ID (token endpoint + Graph), each on its own loopback port. */
export async function startIdpSimulators(options: IdpSimulatorOptions = {}): Promise<IdpSimulators> {
  const now = options.now ?? Date.now;
  const autoCreateUsers = options.autoCreateUsers ?? false;
  const requests: RecordedRequest[] = [];
  let listeners: Array<(request: RecordedRequest) => void> = [];
  const record = (r: RecordedRequest) => {
    requests.push(r);
    for (const listener of listeners) listener(r);
  };
  const failures: Record<SimProvider, ScriptedFailure[]> = { DUO: [], OKTA: [], AZURE_AD: [] };
  const delays: Record<SimProvider, ScriptedDelay[]> = { DUO: [], OKTA: [], AZURE_AD: [] };

  const duoCreds = { ikey: 'DISIMULATEDINTEGRATN', skey: 'sim-duo-secret-key-0123456789abcdefghijk' };
  const oktaCreds = { apiToken: '00sim-okta-api-token-0123456789abcdef' };
  const entraCreds = {
    tenantId: 'a1b2c3d4-0000-4000-8000-00000000e1d0',
    clientId: 'c0ffee00-0000-4000-8000-0000000000a1',
    clientSecret: 'sim~entra-client-secret-value',
  };

  const duoUsers = new Map((options.users?.duo ?? []).map((id): [string, DuoSimUser] => [id, { status: 'active' }]));
  const oktaUsers = new Map((options.users?.okta ?? []).map((id) => [id, newOktaUser()]));
  const entraUsers = new Map((options.users?.entra ?? []).map((id) => [id, newEntraUser()]));

  const duoAuthCreds = { ikey: 'DISIMULATEDAUTHAPI01', skey: 'sim-duo-auth-secret-key-0123456789abcdef' };
  const duoAuthSim = createDuoAuthSim(options.duoPushEnrolled ? { enrolled: options.duoPushEnrolled } : {});
  const duoSim = createDuoSim({
    ...duoCreds,
    users: duoUsers,
    autoCreateUsers,
    auth: { ...duoAuthCreds, sim: duoAuthSim },
  });
  const oktaSim = createOktaSim({ ...oktaCreds, users: oktaUsers, autoCreateUsers, now });
  const entraSim = createEntraSim({
    ...entraCreds,
    tokenTtlSeconds: options.entraTokenTtlSeconds ?? 3599,
    users: entraUsers,
    autoCreateUsers,
    now,
  });

  const started = await Promise.allSettled([
    startProviderServer({ provider: 'DUO', ...duoSim, failures: failures.DUO, delays: delays.DUO, record }),
    startProviderServer({ provider: 'OKTA', ...oktaSim, failures: failures.OKTA, delays: delays.OKTA, record }),
    startProviderServer({
      provider: 'AZURE_AD',
      handle: entraSim.handle,
      failureReply: entraSim.failureReply,
      failures: failures.AZURE_AD,
      delays: delays.AZURE_AD,
      record,
    }),
  ]);
  const servers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    // One provider could not listen: release the others before reporting it.
    await Promise.allSettled(servers.map((s) => s.close()));
    throw failed.reason;
  }
  const [duoServer, oktaServer, entraServer] = servers as [ProviderServer, ProviderServer, ProviderServer];

  const config = {
    duo: { apiUrl: duoServer.url, ...duoCreds },
    okta: { orgUrl: oktaServer.url, ...oktaCreds },
    entra: { ...entraCreds, loginUrl: entraServer.url, graphUrl: entraServer.url },
  };

  return {
    duo: { ...config.duo, users: duoUsers },
    duoAuth: { apiUrl: duoServer.url, ...duoAuthCreds, pushes: duoAuthSim.pushes, answer: duoAuthSim.answer },
    okta: { ...config.okta, users: oktaUsers },
    entra: {
      ...config.entra,
      users: entraUsers,
      expireTokens: entraSim.expireTokens,
      tokensIssued: entraSim.tokensIssued,
    },
    config,
    requests,
    requestsTo: (provider) => requests.filter((r) => r.provider === provider),
    onRequest: (listener) => {
      listeners.push(listener);
      return () => {
        listeners = listeners.filter((l) => l !== listener);
      };
    },
    fail: (provider, failure) => {
      failures[provider].push(failure);
    },
    delay: (provider, delay) => {
      delays[provider].push(delay);
    },
    addUser: (provider, userId) => {
      if (provider === 'DUO') duoUsers.set(userId, { status: 'active' });
      else if (provider === 'OKTA') oktaUsers.set(userId, newOktaUser());
      else entraUsers.set(userId, newEntraUser());
    },
    close: async () => {
      await Promise.all(servers.map((s) => s.close()));
    },
  };
}
