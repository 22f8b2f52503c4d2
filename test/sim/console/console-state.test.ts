import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createConsoleState, type ConsoleState } from '../../../sim/console/console-state.ts';
import { startFakeSlack, type FakeSlack } from '../../../sim/slack/fake-slack.ts';

const CHANNEL = 'C0SECALERT';
const ALICE = 'UANALYST';
const CAROL = 'UVIEWER';

let fake: FakeSlack;
let state: ConsoleState;
let stop: () => void;

async function api(method: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
  const res = await fetch(`${fake.apiUrl}${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${fake.botToken}` },
    body: JSON.stringify(args),
  });
  return (await res.json()) as Record<string, unknown>;
}

async function respond(url: string, payload: Record<string, unknown>): Promise<number> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(payload),
  });
  return res.status;
}

const texts = (viewer: string) =>
  (state.snapshot(viewer).messages[CHANNEL] ?? []).map((m) => `${m.ephemeral ? 'e' : 'm'}:${m.text}`);

beforeAll(async () => {
  fake = await startFakeSlack();
});
afterAll(() => fake.close());
beforeEach(() => {
  stop?.();
  fake.reset();
  state = createConsoleState({
    fake,
    channels: [CHANNEL, 'C0SOC'],
    actors: { responder: ALICE, nonResponder: CAROL },
    appName: 'CII',
  });
  stop = fake.subscribe((change) => state.apply(change));
});

describe('console state from the fake Slack calls', () => {
  it("interleaves channel messages and the viewer's own ephemeral messages in arrival order", async () => {
    await api('chat.postMessage', { channel: CHANNEL, text: 'first' });
    await api('chat.postEphemeral', { channel: CHANNEL, user: ALICE, text: 'for alice' });
    await api('chat.postMessage', { channel: CHANNEL, text: 'second' });
    expect(texts(ALICE)).toEqual(['m:first', 'e:for alice', 'm:second']);
    expect(texts(CAROL)).toEqual(['m:first', 'm:second']);
  });

  it('shows a message updated with chat.update in place, marked edited', async () => {
    const posted = await api('chat.postMessage', { channel: CHANNEL, text: 'pending' });
    await api('chat.postMessage', { channel: CHANNEL, text: 'later' });
    await api('chat.update', { channel: CHANNEL, ts: posted.ts, text: 'approved' });
    const [first] = state.snapshot(ALICE).messages[CHANNEL] ?? [];
    expect(first).toMatchObject({ text: 'approved', edited: true, userName: 'CII', isBot: true });
    expect(texts(ALICE)).toEqual(['m:approved', 'm:later']);
  });

  it('groups thread replies under their parent, ephemeral replies only for their user', async () => {
    const parent = await api('chat.postMessage', { channel: CHANNEL, text: 'alert' });
    await api('chat.postMessage', { channel: CHANNEL, text: 'reply 1', thread_ts: parent.ts });
    await api('chat.postEphemeral', { channel: CHANNEL, user: ALICE, text: 'psst', thread_ts: parent.ts });
    const [top, ...rest] = state.snapshot(ALICE).messages[CHANNEL] ?? [];
    expect(rest).toEqual([]);
    expect(top?.replies.map((r) => r.text)).toEqual(['reply 1', 'psst']);
    expect(state.snapshot(CAROL).messages[CHANNEL]?.[0]?.replies.map((r) => r.text)).toEqual(['reply 1']);
  });

  it('shows a response_url post as an ephemeral message of the user who interacted', async () => {
    const url = fake.newResponseUrl({ channel: CHANNEL });
    state.noteOrigin(url, { userId: CAROL, channelId: CHANNEL });
    expect(await respond(url, { text: 'not allowed' })).toBe(200);
    expect(texts(CAROL)).toEqual(['e:not allowed']);
    expect(texts(ALICE)).toEqual([]);
  });

  it('replaces and deletes the ephemeral message a click came from', async () => {
    const first = fake.newResponseUrl({ channel: CHANNEL });
    state.noteOrigin(first, { userId: ALICE, channelId: CHANNEL });
    await respond(first, { text: 'card' });
    const ref = state.snapshot(ALICE).messages[CHANNEL]?.[0]?.ref ?? '';
    const click = fake.newResponseUrl({ channel: CHANNEL });
    state.noteOrigin(click, { userId: ALICE, channelId: CHANNEL, ephemeralId: ref.slice(2) });
    await respond(click, { replace_original: true, text: 'card, updated' });
    expect(texts(ALICE)).toEqual(['e:card, updated']);
    await respond(click, { delete_original: true });
    expect(texts(ALICE)).toEqual([]);
  });

  it('lets the fake apply replace_original to a channel message and in_channel answers, without ephemeral copies', async () => {
    const posted = await api('chat.postMessage', { channel: CHANNEL, text: 'card' });
    const click = fake.newResponseUrl({ channel: CHANNEL, ts: String(posted.ts) });
    state.noteOrigin(click, { userId: ALICE, channelId: CHANNEL, messageTs: String(posted.ts) });
    await respond(click, { replace_original: true, text: 'card, done' });
    await respond(click, { response_type: 'in_channel', text: 'shared' });
    expect(texts(ALICE)).toEqual(['m:card, done', 'm:shared']);
  });

  it('ignores response_url posts it knows no origin for', async () => {
    await respond(fake.newResponseUrl({ channel: CHANNEL }), { text: 'lost' });
    expect(texts(ALICE)).toEqual([]);
  });

  it('shows a modal to the user who acted, follows views.update, and closes it', async () => {
    state.noteActor(ALICE);
    const view = { type: 'modal', callback_id: 'note', title: { type: 'plain_text', text: 'Note' }, blocks: [] };
    const opened = await api('views.open', { trigger_id: '1.2.abc', view });
    const viewId = String((opened.view as Record<string, unknown>).id);
    expect(state.snapshot(ALICE).modal?.viewId).toBe(viewId);
    expect(state.snapshot(CAROL).modal).toBeNull();
    await api('views.update', { view_id: viewId, view: { ...view, title: { type: 'plain_text', text: 'Updated' } } });
    expect(state.snapshot(ALICE).modal?.view.title).toEqual({ type: 'plain_text', text: 'Updated' });
    state.closeView(ALICE);
    expect(state.snapshot(ALICE).modal).toBeNull();
  });

  it('a submission answered with response_action update keeps the view id, so a later views.update still shows', async () => {
    state.noteActor(ALICE);
    const view = { type: 'modal', callback_id: 'block', title: { type: 'plain_text', text: 'Block user' }, blocks: [] };
    const opened = await api('views.open', { trigger_id: '1.2.abc', view });
    const viewId = String((opened.view as Record<string, unknown>).id);
    const waiting = { type: 'modal', title: { type: 'plain_text', text: 'Block user' }, blocks: [{ type: 'divider' }] };
    state.showView(ALICE, waiting, 'update');
    expect(state.snapshot(ALICE).modal).toEqual({ viewId, view: waiting });
    await api('views.update', { view_id: viewId, view: { ...waiting, blocks: [] } });
    expect(state.snapshot(ALICE).modal?.view.blocks).toEqual([]);
  });

  it('names the users and channels the messages mention', async () => {
    await api('chat.postMessage', { channel: CHANNEL, text: 'ping <@UADMIN> in <#C0SOC>' });
    const { names } = state.snapshot(ALICE);
    expect(names.users).toMatchObject({ UADMIN: 'Alice Admin', UANALYST: 'Bob Analyst', UVIEWER: 'Carol Viewer' });
    expect(names.channels).toMatchObject({ C0SOC: 'soc', C0SECALERT: 'sec-alerts' });
  });

  it('forgets ephemeral messages and modals when the fake is reset, and reports changes', async () => {
    let changes = 0;
    state.onChange(() => (changes += 1));
    await api('chat.postEphemeral', { channel: CHANNEL, user: ALICE, text: 'x' });
    fake.reset();
    expect(texts(ALICE)).toEqual([]);
    expect(changes).toBe(2);
  });
});
