import type { WebClient } from '@slack/web-api';
import type { CatalogueCheck } from '../checks/catalogue.ts';
import { createCiiClient } from '../cii/client.ts';
import { createIdentityProviders } from '../idp/registry.ts';
import { instrumentCii, instrumentPipeline, instrumentProviders } from '../metrics/instrument.ts';
import { createAlertAccounting } from '../services/alerts/accounting.ts';
import { createAlertIngest } from '../services/alerts/ingest.ts';
import { createAlertPipeline } from '../services/alerts/pipeline.ts';
import { createAlertDetails } from '../services/alert-details.ts';
import { createAuditService } from '../services/audit.ts';
import { createCheckService } from '../services/checks.ts';
import { createLookupService } from '../services/lookup.ts';
import { createMuteService } from '../services/mutes.ts';
import { createSubscriptionService } from '../services/subscriptions.ts';
import { createChannelPoster } from '../slack/channel-poster.ts';
import { createMuteNotices } from '../slack/mute-notices.ts';
import { responderCheck } from '../slack/principals.ts';
import type { SlackServices } from '../slack/register.ts';
import { createSlackWebApi } from '../slack/web-api.ts';
import type { Wiring } from './context.ts';
import { buildDecisions } from './decisions.ts';
import { buildDelivery } from './delivery.ts';

/** Every service of the app, and what the Slack listeners are given of them. */
export function buildServices(w: Wiring, slackClient: WebClient, catalogue: CatalogueCheck[]) {
  const { config, options, logger, now, store, metrics } = w;
  const cii = instrumentCii(createCiiClient({ ...config.cii, logger, ...options.cii }), metrics);
  const lookup = createLookupService({
    cii,
    ttlSeconds: config.cii.lookupCacheTtlSeconds,
    defaultEmailDomain: config.cii.defaultEmailDomain,
    logger: logger.child('lookup'),
    onCacheResult: (result) => metrics.lookupCache(result),
  });
  const identityProviders = instrumentProviders(
    createIdentityProviders(config.identityProviders, { logger: logger.child('idp') }),
    metrics,
  );
  // A repaired channel's waiting cards are due at once (the worker is built below).
  const subscriptions = createSubscriptionService({ store, onRepaired: () => delivery.worker.kick() });
  const ingest = createAlertIngest({
    store,
    subscriptions,
    groupThreshold: config.alerts.groupThreshold,
    fallbackChannel: config.alerts.fallbackChannel,
    verifyChecks: config.verify.checks,
    // The app's one clock: a finding's arrival is compared with a mute's end, and with the outbox's times.
    clock: w.clock,
    logger: logger.child('ingest'),
  });
  // The worker and the verifier are built below; the pipeline reaches them only once alerts arrive.
  const alerts = instrumentPipeline(
    createAlertPipeline({
      ingest,
      worker: { kick: () => delivery.worker.kick() },
      lookup,
      verifier: { kick: () => decisions.verifier?.kick() },
    }),
    metrics,
  );

  const slack = createSlackWebApi(slackClient);
  const delivery = buildDelivery(w, { slack, lookup, identityProviders });
  const decisions = buildDecisions(w, {
    cii,
    identityProviders,
    slackClient,
    slack,
    cards: delivery.cards,
    owner: delivery.owner,
  });
  const { responses, verification, principals, stepUp } = decisions;
  const mutes = createMuteService({
    store,
    responses,
    isResponder: responderCheck(principals, config.responders),
    notices: createMuteNotices({ slack, logger: logger.child('mutes') }),
    clock: w.clock,
    logger: logger.child('mutes'),
  });
  const listeners: SlackServices = {
    verification,
    slack,
    lookup,
    accounting: createAlertAccounting({ store, worker: delivery.worker, clock: w.clock }),
    checks: createCheckService({ catalogue, store, clock: w.clock }),
    mutes,
    subscriptions,
    delivery: delivery.worker,
    audit: createAuditService({ store }),
    alertDetails: createAlertDetails({ store }),
    cardViews: delivery.render,
    webhookTests: ingest,
    responses,
    ...(stepUp ? { stepUp } : {}),
    channels: createChannelPoster({ slack, logger: logger.child('slack') }),
    principals,
    admins: config.admins,
    responders: config.responders,
    now,
    logger,
    ackBudgetMs: options.ackBudgetMs ?? 2_000,
  };
  return { alerts, ingest, ...delivery, responses, verifier: decisions.verifier, listeners };
}
