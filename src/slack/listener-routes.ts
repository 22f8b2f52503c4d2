import type { App } from '@slack/bolt';

/** What a listener module registers on: Bolt's own registration calls, by exact action id and callback id. */
export type SlackListeners = Pick<App, 'action' | 'view' | 'command' | 'event'>;

/** A listener as registered: Bolt calls it with the middleware arguments of its kind. */
type Listener = (args: object) => unknown;

/**
 * Bolt runs every listener's matching middleware for every request it receives: with 24 buttons and modals
 * registered one by one, each slash command and click paid 26 middleware chains (about a fifth of the app's
 * garbage per `/cii user`). Buttons and modal submissions registered here are kept in one map each, behind one
 * Bolt listener per kind that calls the one whose id matches, as Bolt's exact-string constraint would.
 */
export function routedListeners(app: App): SlackListeners {
  const actions = routes('button');
  const views = routes('modal submission');
  app.action({ type: 'block_actions' }, async (args) => {
    const listener = 'action_id' in args.action ? actions.find(args.action.action_id) : undefined;
    if (listener) await listener(args);
  });
  app.view({ type: 'view_submission' }, async (args) => {
    const listener = views.find(args.view.callback_id);
    if (listener) await listener(args);
  });
  return {
    action: (id: unknown, ...listeners: unknown[]) => actions.add(id, listeners),
    view: (id: unknown, ...listeners: unknown[]) => views.add(id, listeners),
    command: app.command.bind(app),
    event: app.event.bind(app),
  };
}

/** Listeners by exact id, then by pattern in the order registered, as Bolt would try them. */
function routes(kind: string) {
  const exact = new Map<string, Listener>();
  const patterns: Array<[RegExp, Listener]> = [];
  return {
    add(id: unknown, listeners: unknown[]): void {
      const [listener] = listeners;
      if (listeners.length !== 1 || typeof listener !== 'function')
        throw new TypeError(`the ${kind} ${String(id)} is routed to exactly one listener`);
      if (id instanceof RegExp) patterns.push([id, listener as Listener]);
      else if (typeof id !== 'string') throw new TypeError(`a ${kind} is routed by its id or a pattern of it`);
      else if (exact.has(id)) throw new TypeError(`two listeners for the ${kind} ${id}`);
      else exact.set(id, listener as Listener);
    },
    find(id: string): Listener | undefined {
      return exact.get(id) ?? patterns.find(([pattern]) => pattern.test(id))?.[1];
    },
  };
}
