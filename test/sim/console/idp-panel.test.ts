import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createIdentityProviders } from '../../../src/idp/registry.ts';
import { seedUser } from '../../../sim/cii/seed.ts';
import { startCiiSimulator, type CiiSimulator } from '../../../sim/cii/server.ts';
import { mountConsole, type ConsoleHandle, type IdpActivity } from '../../../sim/console/console-server.ts';
import { startIdpSimulators, type IdpSimulators } from '../../../sim/idp/simulators.ts';
import { startFakeSlack, type FakeSlack } from '../../../sim/slack/fake-slack.ts';

const LOGIN = 'james.whitaker@example.com';
const USERS = { responder: 'UANALYST', nonResponder: 'UVIEWER' };
// The console never calls the app in these tests: GET routes only.
const NO_APP = { appUrl: 'http://127.0.0.1:9', signingSecret: 'unused-signing-secret' };
const FAST = { retry: { baseMs: 1, maxMs: 5 } };

const account = (provider: 'DUO' | 'OKTA' | 'AZURE_AD') =>
  seedUser(LOGIN).accounts.find((a) => a.provider === provider)!.userId;

async function activity(fake: FakeSlack): Promise<IdpActivity> {
  const res = await fetch(`${fake.url}/console/idp`);
  expect(res.headers.get('content-type')).toContain('application/json');
  return (await res.json()) as IdpActivity;
}

describe('the console identity-provider panel', () => {
  let fake: FakeSlack;
  let cii: CiiSimulator;
  let idp: IdpSimulators;
  let handle: ConsoleHandle;

  beforeAll(async () => {
    fake = await startFakeSlack();
    cii = await startCiiSimulator();
    handle = mountConsole({
      fake,
      cii,
      users: USERS,
      ...NO_APP,
      idp: (idp = await startIdpSimulators({ autoCreateUsers: true })),
    });
  });
  afterAll(async () => {
    handle.close();
    await Promise.all([fake.close(), cii.close(), idp.close()]);
  });
  beforeEach(() => {
    idp.requests.length = 0;
  });

  it("lists the provider calls newest first, naming the CII user, the change asked for, and the accounts' state now", async () => {
    const providers = createIdentityProviders(idp.config, FAST);
    await providers.DUO!.block(account('DUO'));
    await providers.OKTA!.block(account('OKTA'));
    await providers.AZURE_AD!.block(account('AZURE_AD'));

    const seen = await activity(fake);
    expect(seen.available).toBe(true);
    expect(seen.total).toBe(6);
    expect(seen.requests.map((r) => [r.seq, r.provider, r.method, r.path, r.status, r.login, r.change])).toEqual([
      [6, 'AZURE_AD', 'POST', `/v1.0/users/${account('AZURE_AD')}/revokeSignInSessions`, 200, LOGIN, undefined],
      [5, 'AZURE_AD', 'PATCH', `/v1.0/users/${account('AZURE_AD')}`, 204, LOGIN, 'accountEnabled=false'],
      [4, 'AZURE_AD', 'POST', `/${idp.entra.tenantId}/oauth2/v2.0/token`, 200, undefined, undefined],
      [3, 'OKTA', 'DELETE', `/api/v1/users/${account('OKTA')}/sessions`, 204, LOGIN, undefined],
      [2, 'OKTA', 'POST', `/api/v1/users/${account('OKTA')}/lifecycle/suspend`, 200, LOGIN, undefined],
      [1, 'DUO', 'POST', `/admin/v1/users/${account('DUO')}`, 200, LOGIN, 'status=disabled'],
    ]);
    expect(seen.requests.every((r, i, all) => r.at >= (all[i + 1]?.at ?? 0) && r.at <= Date.now())).toBe(true);
    expect(seen.accounts).toEqual([
      {
        login: LOGIN,
        displayName: 'James Whitaker',
        states: [
          { provider: 'DUO', accountId: account('DUO'), state: 'disabled' },
          { provider: 'OKTA', accountId: account('OKTA'), state: 'SUSPENDED' },
          { provider: 'AZURE_AD', accountId: account('AZURE_AD'), state: 'disabled' },
        ],
      },
    ]);
  });

  it('never shows the credentials the calls carry', async () => {
    const providers = createIdentityProviders(idp.config, FAST);
    await providers.DUO!.block(account('DUO'));
    await providers.AZURE_AD!.block(account('AZURE_AD'));
    const text = JSON.stringify(await activity(fake));
    for (const secret of [
      idp.config.entra.clientSecret,
      idp.config.duo.skey,
      idp.config.duo.ikey,
      'client_secret',
      'access_token',
      'sim-graph-',
    ]) {
      expect(text).not.toContain(secret);
    }
  });

  it('shows a call about an account no CII user has, and a failed one, without a user', async () => {
    const okta = await fetch(`${idp.config.okta.orgUrl}/api/v1/users/00uSTRANGER/lifecycle/suspend`, {
      method: 'POST',
    });
    expect(okta.status).toBe(401);
    const [call] = (await activity(fake)).requests;
    expect(call).toMatchObject({
      provider: 'OKTA',
      method: 'POST',
      path: '/api/v1/users/00uSTRANGER/lifecycle/suspend',
      status: 401,
    });
    expect(call?.login).toBeUndefined();
    expect((await activity(fake)).accounts).toEqual([]);
  });

  it('keeps the 40 most recent calls and counts them all', async () => {
    for (let i = 1; i <= 45; i++) await fetch(`${idp.config.okta.orgUrl}/api/v1/users/00u${i}`);
    const seen = await activity(fake);
    expect(seen.total).toBe(45);
    expect(seen.requests).toHaveLength(40);
    expect(seen.requests[0]).toMatchObject({ seq: 45, path: '/api/v1/users/00u45' });
    expect(seen.requests.at(-1)).toMatchObject({ seq: 6, path: '/api/v1/users/00u6' });
  });

  it('tells the page to refresh, on its live stream, when a provider call is recorded', async () => {
    const abort = new AbortController();
    const res = await fetch(`${fake.url}/console/events`, { signal: abort.signal });
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let received = '';
    const nextEvent = async (): Promise<string> => {
      while (!/data: \d+\n\n/.test(received)) {
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        received += value;
      }
      const [event = ''] = /event: change\ndata: \d+\n\n/.exec(received) ?? [];
      received = received.slice(received.indexOf(event) + event.length);
      return event;
    };
    try {
      const first = await nextEvent();
      await fetch(`${idp.config.okta.orgUrl}/api/v1/users/00uLIVE`);
      const second = await nextEvent();
      const version = (event: string) => Number(/data: (\d+)/.exec(event)?.[1]);
      expect(version(second)).toBe(version(first) + 1);
    } finally {
      abort.abort();
    }
  });

  it('reports the panel unavailable when the console runs without identity-provider simulators', async () => {
    const bare = await startFakeSlack();
    const bareConsole = mountConsole({ fake: bare, cii, users: USERS, ...NO_APP });
    try {
      expect(await activity(bare)).toEqual({ available: false, total: 0, requests: [], accounts: [] });
    } finally {
      bareConsole.close();
      await bare.close();
    }
  });

  it('serves the panel script the page loads', async () => {
    const page = await (await fetch(handle.url)).text();
    expect(page).toContain('id="idp-panel"');
    const script = await fetch(`${fake.url}/console/assets/idp-panel.js`);
    expect(script.headers.get('content-type')).toContain('text/javascript');
    expect(await script.text()).toContain('export function renderIdpActivity');
  });
});
