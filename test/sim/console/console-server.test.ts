import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startCiiSimulator, type CiiSimulator } from '../../../sim/cii/server.ts';
import {
  mountConsole,
  type ConsoleHandle,
  type ConsoleItem,
  type ConsoleSnapshot,
} from '../../../sim/console/console-server.ts';
import { registerToyWebhook, startToyApp, type ToyApp } from '../../../sim/console/toy-app.ts';
import { startFakeSlack, type FakeSlack } from '../../../sim/slack/fake-slack.ts';

const SECRET = 'console-test-signing-secret';
const ALERTS = 'C0SECALERT';
const RESPONDER = 'UANALYST';
const OTHER = 'UVIEWER';
const LOGIN = 'marcus.chen@example.com';

let fake: FakeSlack;
let cii: CiiSimulator;
let toy: ToyApp;
let consoleHandle: ConsoleHandle;

async function post(path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${fake.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function snapshot(user: string): Promise<ConsoleSnapshot> {
  return (await (await fetch(`${fake.url}/console/state?user=${user}`)).json()) as ConsoleSnapshot;
}

async function channel(user: string, id = ALERTS): Promise<ConsoleItem[]> {
  return (await snapshot(user)).messages[id] ?? [];
}

async function fireDetection(): Promise<ConsoleItem> {
  const answer = await post('/console/detection', { checkId: 'impossible-travel', logins: [LOGIN] });
  expect(answer.body).toMatchObject({ ok: true, deliveries: [{ status: 202 }] });
  const [card] = await channel(RESPONDER);
  if (card === undefined) throw new Error('no alert card posted');
  return card;
}

const click = (userId: string, messageRef: string, actionId: string) =>
  post('/console/click', { channelId: ALERTS, userId, messageRef, actionId });

beforeAll(async () => {
  fake = await startFakeSlack();
  cii = await startCiiSimulator();
  toy = await startToyApp({ fake, signingSecret: SECRET, responder: RESPONDER });
  await registerToyWebhook(cii, toy, ['impossible-travel']);
  consoleHandle = mountConsole({
    fake,
    appUrl: toy.url,
    signingSecret: SECRET,
    cii,
    users: { responder: RESPONDER, nonResponder: OTHER },
  });
});
afterAll(async () => {
  consoleHandle.close();
  await toy.stop();
  await Promise.all([fake.close(), cii.close()]);
});
beforeEach(() => fake.reset());

describe('demo console server', () => {
  it('serves the page and its assets on the fake Slack, which still answers its API', async () => {
    expect(consoleHandle.url).toBe(`${fake.url}/`);
    const page = await fetch(consoleHandle.url);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('/console/assets/app.js');
    for (const asset of ['app.js', 'render.js', 'style.css']) {
      expect((await fetch(`${fake.url}/console/assets/${asset}`)).status).toBe(200);
    }
    expect((await fetch(`${fake.url}/console/assets/../console-server.ts`)).status).toBe(404);
    expect((await fetch(`${fake.url}/console/nothing`)).status).toBe(404);
    const auth = await fetch(`${fake.apiUrl}auth.test`, {
      method: 'POST',
      headers: { authorization: `Bearer ${fake.botToken}` },
    });
    expect(await auth.json()).toMatchObject({ ok: true, user_id: 'UBOT' });
  });

  it('serves a favicon, also where browsers look for one by default', async () => {
    const icon = await fetch(`${fake.url}/favicon.ico`, { redirect: 'manual' });
    expect(icon.status).toBe(301);
    expect(icon.headers.get('location')).toBe('/console/assets/favicon.svg');
    const svg = await fetch(`${fake.url}/favicon.ico`);
    expect(svg.headers.get('content-type')).toBe('image/svg+xml');
    expect(await svg.text()).toContain('<svg');
    expect(await (await fetch(consoleHandle.url)).text()).toContain('rel="icon" href="/console/assets/favicon.svg"');
  });

  it("sends CII's Test Connectivity event to every registered webhook and reports each answer", async () => {
    const answer = await post('/console/webhook-test', {});
    expect(answer.body).toMatchObject({ ok: true, deliveries: [{ endpoint: toy.webhookUrl, status: 202 }] });
    const form = await fetch(`${fake.url}/console/webhook-test`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
    });
    expect(form.status).toBe(400);
  });

  it('lists the channels, the two users to act as, and the CII catalogue', async () => {
    const state = await snapshot(RESPONDER);
    expect(state.channels).toEqual([
      { id: 'C0SECALERT', name: 'sec-alerts' },
      { id: 'C0SOC', name: 'soc' },
    ]);
    expect(state.actors).toEqual({
      responder: { id: RESPONDER, name: 'Bob Analyst' },
      nonResponder: { id: OTHER, name: 'Carol Viewer' },
    });
    const catalogue = (await (await fetch(`${fake.url}/console/cii`)).json()) as Record<
      string,
      Array<Record<string, unknown>>
    >;
    expect(catalogue.checks).toContainEqual({ id: 'impossible-travel', title: 'Impossible Travel', severity: 'high' });
    expect(catalogue.users).toContainEqual(expect.objectContaining({ login: LOGIN }));
    expect(catalogue.webhooks).toEqual([expect.objectContaining({ name: 'toy-app', checkIds: ['impossible-travel'] })]);
  });

  it('sends a slash command signed as Slack does: Bolt accepts it and its ack shows only to the sender', async () => {
    const answer = await post('/console/command', {
      channelId: ALERTS,
      userId: RESPONDER,
      text: '/cii user bob@example.com',
    });
    expect(answer.body).toEqual({ ok: true, status: 200 });
    const [ack] = await channel(RESPONDER);
    expect(ack).toMatchObject({
      ephemeral: true,
      text: 'Lookup: user bob@example.com',
      ref: expect.stringMatching(/^e:/) as string,
    });
    expect(JSON.stringify(ack?.blocks)).toContain(`<@${RESPONDER}>`);
    expect(await channel(OTHER)).toEqual([]);
  });

  it('reports a command the app rejects for its signature, and shows nothing', async () => {
    const wrong = mountConsole({
      fake,
      appUrl: toy.url,
      signingSecret: 'not-the-secret',
      cii,
      users: { responder: RESPONDER, nonResponder: OTHER },
    });
    consoleHandle.close();
    try {
      const answer = await post('/console/command', {
        channelId: ALERTS,
        userId: RESPONDER,
        text: 'user bob@example.com',
      });
      expect(answer.body).toMatchObject({ ok: false, status: 401 });
      expect((await channel(RESPONDER)).filter((m) => m.ephemeral)).toEqual([]);
    } finally {
      wrong.close();
      consoleHandle = mountConsole({
        fake,
        appUrl: toy.url,
        signingSecret: SECRET,
        cii,
        users: { responder: RESPONDER, nonResponder: OTHER },
      });
    }
  });

  it('fires a detection through the CII simulator: a real webhook makes the app post a card', async () => {
    const card = await fireDetection();
    expect(card).toMatchObject({
      ephemeral: false,
      isBot: true,
      userName: 'CII',
      text: `CII alert: Impossible Travel — ${LOGIN}`,
    });
    expect(card.blocks.map((b) => b.type)).toEqual(['header', 'section', 'actions', 'context']);
  });

  it('rejects a detection for an unknown check and delivers nothing', async () => {
    const answer = await post('/console/detection', { checkId: 'no-such-check', logins: [LOGIN] });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toContain('unknown check');
    expect(fake.calls).toEqual([]);
  });

  it('clicks a button as a non-responder: a block_actions for that message, refused in an ephemeral only they see', async () => {
    const card = await fireDetection();
    const answer = await click(OTHER, card.ref, 'block');
    expect(answer.body).toEqual({ ok: true, status: 200 });
    await fake.waitForCalls('response_url', 1);
    const seen = await channel(OTHER);
    expect(seen.map((m) => [m.ephemeral, m.text])).toEqual([
      [false, card.text],
      [true, 'Only responders may block users.'],
    ]);
    expect((await channel(RESPONDER)).map((m) => m.text)).toEqual([card.text]);
  });

  it('clicks Approve as the responder: the card updates in place and a thread reply appears under it', async () => {
    const card = await fireDetection();
    await click(RESPONDER, card.ref, 'approve');
    await fake.waitForCalls('chat.postMessage', 2);
    const [updated, ...others] = await channel(OTHER);
    expect(others).toEqual([]);
    expect(updated).toMatchObject({ ref: card.ref, edited: true, text: `Approved by ${RESPONDER}` });
    expect(updated?.blocks.some((b) => b.type === 'actions')).toBe(false);
    expect(updated?.replies.map((r) => r.text)).toEqual([`Approved by <@${RESPONDER}>.`]);
  });

  it('ignores a click on a button that is already gone (a double click), as Slack would, and sends nothing', async () => {
    const card = await fireDetection();
    await click(RESPONDER, card.ref, 'approve');
    await fake.waitForCalls('chat.postMessage', 2);
    const posted = fake.calls.length;
    const again = await click(RESPONDER, card.ref, 'approve');
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({
      ok: true,
      ignored: expect.stringContaining("no element with action_id 'approve'") as string,
    });
    const deleted = await click(RESPONDER, 'm:1.000001', 'approve');
    expect(deleted.body).toMatchObject({ ok: true, ignored: expect.stringContaining('no message 1.000001') as string });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(fake.calls).toHaveLength(posted);
  });

  it('clicks in an ephemeral message: the app shares in the channel and deletes the ephemeral one', async () => {
    await post('/console/command', { channelId: ALERTS, userId: RESPONDER, text: 'user bob@example.com' });
    const [ack] = await channel(RESPONDER);
    expect((await click(RESPONDER, ack?.ref ?? '', 'share')).body).toEqual({ ok: true, status: 200 });
    await fake.waitForCalls('response_url', 2);
    const texts = (await channel(RESPONDER)).map((m) => [m.ephemeral, m.text]);
    expect(texts).toEqual([[false, `<@${RESPONDER}> looked up \`user bob@example.com\``]]);
  });

  it("does not let a user click in another user's ephemeral message", async () => {
    await post('/console/command', { channelId: ALERTS, userId: RESPONDER, text: 'help' });
    const [ack] = await channel(RESPONDER);
    const answer = await click(OTHER, ack?.ref ?? '', 'share');
    expect(answer.status).toBe(400);
  });

  it("opens the app's modal for the clicking user, shows its validation errors, and closes it on success", async () => {
    const card = await fireDetection();
    await click(RESPONDER, card.ref, 'note');
    await fake.waitForCalls('views.open', 1);
    const { modal } = await snapshot(RESPONDER);
    expect(modal?.view).toMatchObject({ callback_id: 'note', title: { text: 'Add a note' } });
    expect((await snapshot(OTHER)).modal).toBeNull();

    const value = (text: string) => ({ note: { text: { type: 'plain_text_input', value: text } } });
    const short = await post('/console/view-submit', { userId: RESPONDER, viewId: modal?.viewId, values: value('no') });
    expect(short.body).toEqual({ ok: true, status: 200, errors: { note: 'Write at least 3 characters.' } });
    expect((await snapshot(RESPONDER)).modal?.viewId).toBe(modal?.viewId);

    const saved = await post('/console/view-submit', {
      userId: RESPONDER,
      viewId: modal?.viewId,
      values: value('called the user'),
    });
    expect(saved.body).toEqual({ ok: true, status: 200 });
    await fake.waitForCalls('chat.postMessage', 2);
    const after = await snapshot(RESPONDER);
    expect(after.modal).toBeNull();
    expect(after.messages[ALERTS]?.[0]?.replies.map((r) => r.text)).toEqual([`<@${RESPONDER}> noted: called the user`]);
  });

  it('opens the Home tab: sends app_home_opened signed as Slack does, and shows each user the view published for them', async () => {
    const opened = await post('/console/home', { userId: RESPONDER });
    expect(opened.body).toMatchObject({ ok: true, status: 200 });
    expect((await snapshot(RESPONDER)).home).toBeNull();
    const publish = await fetch(`${fake.apiUrl}views.publish`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${fake.botToken}` },
      body: JSON.stringify({
        user_id: RESPONDER,
        view: { type: 'home', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Hello <@UVIEWER>' } }] },
      }),
    });
    expect(((await publish.json()) as { ok: boolean }).ok).toBe(true);
    const seen = await snapshot(RESPONDER);
    expect(JSON.stringify(seen.home)).toContain('Hello <@UVIEWER>');
    expect(seen.names.users.UVIEWER).toBe('Carol Viewer');
    expect((await snapshot(OTHER)).home).toBeNull();
    expect((await post('/console/home', { userId: 'nobody' })).status).toBe(400);
  });

  it('closes a modal the user cancels', async () => {
    const card = await fireDetection();
    await click(RESPONDER, card.ref, 'note');
    await fake.waitForCalls('views.open', 1);
    const { modal } = await snapshot(RESPONDER);
    expect((await post('/console/view-close', { userId: RESPONDER, viewId: modal?.viewId })).body).toEqual({
      ok: true,
    });
    expect((await snapshot(RESPONDER)).modal).toBeNull();
  });

  it('rejects malformed requests and requests that are not JSON', async () => {
    expect(
      (await post('/console/click', { channelId: ALERTS, userId: RESPONDER, messageRef: 'x', actionId: 'a' })).status,
    ).toBe(400);
    expect((await post('/console/command', { channelId: ALERTS, text: 'help' })).status).toBe(400);
    const form = await fetch(`${fake.url}/console/command`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'channelId=C0SECALERT&userId=UANALYST&text=help',
    });
    expect(form.status).toBe(400);
    expect(fake.calls).toEqual([]);
  });

  it('streams a change event when the fake records a call', async () => {
    const controller = new AbortController();
    const res = await fetch(`${fake.url}/console/events`, { signal: controller.signal });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let received = '';
    const readUntil = async (pattern: RegExp) => {
      while (!pattern.test(received)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended; got ${received}`);
        received += decoder.decode(value);
      }
    };
    try {
      await readUntil(/event: change\ndata: (\d+)\n\n/);
      const first = Number(/data: (\d+)/.exec(received)?.[1]);
      received = '';
      await fetch(`${fake.apiUrl}chat.postMessage`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${fake.botToken}` },
        body: JSON.stringify({ channel: ALERTS, text: 'hello' }),
      });
      await readUntil(/event: change\ndata: (\d+)\n\n/);
      expect(Number(/data: (\d+)/.exec(received)?.[1])).toBeGreaterThan(first);
    } finally {
      controller.abort();
    }
  });
});
