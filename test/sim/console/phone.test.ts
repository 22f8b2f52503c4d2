import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDuoAuthClient } from '../../../src/idp/duo-auth.ts';
import { startCiiSimulator, type CiiSimulator } from '../../../sim/cii/server.ts';
import {
  mountConsole,
  type ConsoleHandle,
  type ConsoleSnapshot,
  type Phone,
} from '../../../sim/console/console-server.ts';
import { renderPhone } from '../../../sim/console/public/phone-panel.js';
import { startIdpSimulators, type IdpSimulators } from '../../../sim/idp/simulators.ts';
import { startFakeSlack, type FakeSlack } from '../../../sim/slack/fake-slack.ts';
import { DEFAULT_USERS } from '../../../sim/slack/seed.ts';
import { until } from '../../support/until.ts';

const MIA = { id: 'UMIA', name: 'mia', realName: 'Mia Johansson', email: 'mia.johansson@example.com' };
const USERS = { responder: 'UANALYST', nonResponder: 'UVIEWER', affected: 'UMIA' };
const NO_APP = { appUrl: 'http://127.0.0.1:9', signingSecret: 'unused-signing-secret' };

describe('the console acting as the affected user: her DMs and her phone', () => {
  let fake: FakeSlack;
  let cii: CiiSimulator;
  let idp: IdpSimulators;
  let handle: ConsoleHandle;

  beforeAll(async () => {
    fake = await startFakeSlack({ users: [...DEFAULT_USERS, MIA] });
    cii = await startCiiSimulator();
    idp = await startIdpSimulators();
    // Bob is in Duo only; Mia is in CII's seed with a Duo account.
    idp.duo.users.set('DUBOB', { status: 'active', username: 'bob', email: 'bob@example.com' });
    handle = mountConsole({ fake, cii, idp, users: USERS, ...NO_APP });
  });
  afterAll(async () => {
    handle.close();
    await Promise.all([fake.close(), cii.close(), idp.close()]);
  });

  const state = async (user: string) =>
    (await (await fetch(`${fake.url}/console/state?user=${user}`)).json()) as ConsoleSnapshot & { phone: Phone };
  const answer = (body: object) =>
    fetch(`${fake.url}/console/push`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('offers Mia as someone to act as, with her DM with the app and the app’s messages in it', async () => {
    const before = await state('UMIA');
    expect(before.actors.affected).toEqual({ id: 'UMIA', name: 'Mia Johansson' });
    expect(before.dm).toEqual({ id: 'DMIA', name: 'CII' });
    expect(before.messages.DMIA).toEqual([]);
    const client = { headers: { authorization: `Bearer ${fake.botToken}` } };
    const opened = await fetch(`${fake.apiUrl}conversations.open?users=UMIA`, { method: 'POST', ...client });
    expect(((await opened.json()) as { ok: boolean }).ok).toBe(true);
    await fetch(`${fake.apiUrl}chat.postMessage?channel=DMIA&text=${encodeURIComponent('Was this you?')}`, {
      method: 'POST',
      ...client,
    });
    const after = await state('UMIA');
    expect(after.messages.DMIA!.map((m) => m.text)).toEqual(['Was this you?']);
    // Nobody else sees her DM: Bob's page shows his own.
    expect((await state('UANALYST')).dm.id).toBe('DANALYST');
  });

  it('shows each viewer the pushes waiting on their own Duo account, and answers one as their phone would', async () => {
    const duo = createDuoAuthClient({ ...idp.duoAuth, pollMs: 5, pushWaitMs: 5_000 });
    const mias = duo.push('mia.johansson');
    const bobs = duo.push('bob', { action: 'Block ethan.brooks@example.com' });
    await until(() => idp.duoAuth.pushes().length === 2, 'two pushes');
    const miaPhone = (await state('UMIA')).phone;
    expect(miaPhone).toMatchObject({ username: 'mia.johansson', pushes: [{ info: {} }] });
    const bobPhone = (await state('UANALYST')).phone;
    expect(bobPhone).toMatchObject({
      username: 'bob',
      pushes: [{ info: { action: 'Block ethan.brooks@example.com' } }],
    });
    expect((await state('UVIEWER')).phone).toEqual({ pushes: [] });

    // Carol cannot answer Bob's push from her phone.
    const refused = await answer({ userId: 'UVIEWER', txid: bobPhone.pushes[0]!.txid, answer: 'allow' });
    expect(refused.status).toBe(400);
    expect((await answer({ userId: 'UANALYST', txid: bobPhone.pushes[0]!.txid, answer: 'deny' })).status).toBe(200);
    expect((await answer({ userId: 'UMIA', txid: miaPhone.pushes[0]!.txid, answer: 'allow' })).status).toBe(200);
    await expect(bobs).resolves.toMatchObject({ kind: 'denied' });
    await expect(mias).resolves.toEqual({ kind: 'approved' });
    expect((await state('UMIA')).phone.pushes).toEqual([]);
  });

  it('renders the phone in plain words, with the push’s other details, escaping what the app sent', () => {
    const html = renderPhone(
      { username: 'bob', pushes: [{ txid: 't1', info: { action: 'Block <b>x</b>' } }] },
      'Bob Analyst',
    );
    expect(html).toContain('Bob Analyst’s phone');
    expect(html).toContain('Approve: Block &lt;b&gt;x&lt;/b&gt;?');
    expect(html).toContain('data-push="t1" data-answer="allow"');
    const mias = renderPhone(
      {
        username: 'mia',
        pushes: [
          { txid: 't2', info: { action: 'Confirm it was you', seen: 'Impossible Travel', from: 'Lisbon <PT>' } },
        ],
      },
      'Mia',
    );
    expect(mias).toContain('Approve: Confirm it was you?');
    expect(mias).toContain('<div class="push-detail">seen: Impossible Travel</div>');
    expect(mias).toContain('<div class="push-detail">from: Lisbon &lt;PT&gt;</div>');
    expect(html).not.toContain('push-detail');
    expect(renderPhone({ pushes: [] }, 'Carol')).toContain('No Duo account');
    expect(renderPhone({ username: 'bob', pushes: [] }, 'Bob')).toContain('no push waiting');
  });
});
