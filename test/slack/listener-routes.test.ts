import type { App } from '@slack/bolt';
import { describe, expect, it, vi } from 'vitest';
import { routedListeners } from '../../src/slack/listener-routes.ts';

/** A Bolt app that keeps what is registered on it, to call the way Bolt would. */
function recordingBolt() {
  const registered: Array<{ kind: string; constraint: unknown; listener: (args: object) => Promise<void> }> = [];
  const register =
    (kind: string) =>
    (constraint: unknown, listener: (args: object) => Promise<void>): void => {
      registered.push({ kind, constraint, listener });
    };
  const app = {
    action: register('action'),
    view: register('view'),
    command: register('command'),
    event: register('event'),
  };
  const bolt = (kind: string) => registered.find((r) => r.kind === kind)!.listener;
  return { app: app as unknown as App, registered, bolt };
}

describe('routed listeners', () => {
  it('gives Bolt one listener per kind, however many buttons and modals are registered', () => {
    const { app, registered } = recordingBolt();
    const routes = routedListeners(app);
    for (let i = 0; i < 20; i++) routes.action(`button_${i}`, vi.fn());
    routes.view('modal_a', vi.fn());
    routes.view('modal_b', vi.fn());
    expect(registered.map((r) => [r.kind, r.constraint])).toEqual([
      ['action', { type: 'block_actions' }],
      ['view', { type: 'view_submission' }],
    ]);
  });

  it('calls the listener of the clicked action id, by exact id before patterns, and no other', async () => {
    const { app, bolt } = recordingBolt();
    const routes = routedListeners(app);
    const exact = vi.fn();
    const pattern = vi.fn();
    const other = vi.fn();
    routes.action('choice:anyway', exact);
    routes.action(/^choice:/, pattern);
    routes.action('other', other);
    const click = (actionId: string) => ({ action: { action_id: actionId }, body: {} });
    await bolt('action')(click('choice:anyway'));
    await bolt('action')(click('choice:3'));
    await bolt('action')(click('unknown'));
    expect(exact.mock.calls).toEqual([[click('choice:anyway')]]);
    expect(pattern.mock.calls).toEqual([[click('choice:3')]]);
    expect(other).not.toHaveBeenCalled();
  });

  it('calls the listener of the submitted modal by its callback id', async () => {
    const { app, bolt } = recordingBolt();
    const routes = routedListeners(app);
    const block = vi.fn();
    routes.view('block', block);
    routes.view('mute', vi.fn());
    await bolt('view')({ view: { callback_id: 'block' } });
    expect(block).toHaveBeenCalledWith({ view: { callback_id: 'block' } });
  });

  it('refuses a second listener for one id, or a constraint it cannot route', () => {
    const routes = routedListeners(recordingBolt().app);
    routes.action('block', vi.fn());
    expect(() => routes.action('block', vi.fn())).toThrow('two listeners for the button block');
    expect(() => routes.action({ block_id: 'b' } as never, vi.fn())).toThrow('routed by its id or a pattern');
  });
});
