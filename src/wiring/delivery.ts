import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { IdentityProviders } from '../idp/registry.ts';
import { instrumentClaims, instrumentPoster } from '../metrics/instrument.ts';
import { createCardService } from '../services/cards/card-service.ts';
import { createContextCompleter } from '../services/delivery/context-completer.ts';
import { createDeliveryWorker } from '../services/delivery/worker.ts';
import type { LookupService } from '../services/lookup.ts';
import { createAlertCardWriter } from '../slack/alert-cards.ts';
import { createCardRenderer } from '../slack/alert-renderer.ts';
import { createSlackPoster } from '../slack/slack-poster.ts';
import type { SlackWebApi } from '../slack/web-api.ts';
import type { Wiring } from './context.ts';

/** Alert cards: how they look, the outbox worker that posts them, and the service that keeps them current. */
export function buildDelivery(
  w: Wiring,
  deps: {
    slack: SlackWebApi;
    lookup: LookupService;
    identityProviders: IdentityProviders;
  },
) {
  const { config, options, logger, now, store, metrics } = w;
  const { slack, lookup } = deps;
  const render = createCardRenderer({
    blockProviders: Object.values(deps.identityProviders).map((p) => p.label),
    now,
    responders: config.responders,
    admins: config.admins,
    contextExpected: true,
    ...(config.alerts.privilegedGroups ? { privilegedGroups: config.alerts.privilegedGroups } : {}),
  });
  const cards = createCardService({
    store,
    writer: createAlertCardWriter({ slack, render, logger: logger.child('cards') }),
    logger: logger.child('cards'),
  });
  const owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const worker = createDeliveryWorker({
    store: instrumentClaims(store, metrics),
    owner,
    poster: instrumentPoster(createSlackPoster(slack), metrics),
    render,
    enrich: (login) => lookup.userContext(login),
    logger: logger.child('delivery'),
    afterPost: (claimed) => cards.afterPost(claimed),
    clock: w.clock,
    ...options.delivery,
  });

  // A card posted while CII was down is completed once CII answers again.
  const contextCompleter = createContextCompleter({
    store,
    enrich: (login) => lookup.userContext(login),
    cards,
    timeoutMs: options.delivery?.enrichTimeoutMs ?? 1_500,
    clock: w.clock,
    logger: logger.child('cards'),
  });
  return { cards, owner, worker, contextCompleter, render };
}
