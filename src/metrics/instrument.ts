import type { CustomRoute } from '@slack/bolt';
import type { CiiClient } from '../cii/client.ts';
import {
  CiiCredentialsError,
  CiiNotFoundError,
  CiiUnavailableError,
  CiiUnexpectedResponseError,
} from '../cii/errors.ts';
import type { IdentityProviders } from '../idp/registry.ts';
import type { IdentityProviderClient, IdentityProviderName } from '../idp/types.ts';
import type { AlertPipeline } from '../services/alerts/pipeline.ts';
import { SlackPostError, type SlackPoster } from '../services/delivery/poster.ts';
import type { ResponseOutcome, ResponseService } from '../services/responses/types.ts';
import type { ClaimOptions, OutboxStore } from '../store/types.ts';
import {
  CII_OPERATIONS,
  type CiiOutcome,
  type DecisionAction,
  type DecisionOutcome,
  type Metrics,
  type Provider,
  type WebhookOutcome,
} from './metrics.ts';

const seconds = (since: number) => (performance.now() - since) / 1000;

function ciiOutcome(err: unknown): CiiOutcome {
  if (err instanceof CiiNotFoundError) return 'not_found';
  if (err instanceof CiiUnavailableError) return 'unavailable';
  if (err instanceof CiiCredentialsError) return 'credentials';
  if (err instanceof CiiUnexpectedResponseError) return 'unexpected';
  return 'error';
}

/** The CII client, each operation counted by outcome and timed (retries included). */
export function instrumentCii(client: CiiClient, metrics: Metrics): CiiClient {
  const wrapped: CiiClient = { ...client };
  for (const operation of CII_OPERATIONS) {
    const call = (client[operation] as (...args: unknown[]) => Promise<unknown>).bind(client);
    (wrapped as unknown as Record<string, unknown>)[operation] = async (...args: unknown[]) => {
      const started = performance.now();
      try {
        const result = await call(...args);
        metrics.ciiCall(operation, 'ok', seconds(started));
        return result;
      } catch (err) {
        metrics.ciiCall(operation, ciiOutcome(err), seconds(started));
        throw err;
      }
    };
  }
  return wrapped;
}

const PROVIDER_LABEL: Record<IdentityProviderName, Provider> = { DUO: 'duo', OKTA: 'okta', AZURE_AD: 'entra' };

/** Each provider's block and unblock, counted by outcome and timed (reads of an account's state are not counted). */
export function instrumentProviders(providers: IdentityProviders, metrics: Metrics): IdentityProviders {
  const wrapped: IdentityProviders = {};
  for (const [name, client] of Object.entries(providers) as Array<[IdentityProviderName, IdentityProviderClient]>) {
    const provider = PROVIDER_LABEL[name];
    const timed =
      (act: IdentityProviderClient['block']) =>
      async (...args: Parameters<IdentityProviderClient['block']>): ReturnType<IdentityProviderClient['block']> => {
        const started = performance.now();
        try {
          const result = await act(...args);
          const outcome = result.ok ? 'ok' : result.retryable ? 'retryable' : 'failed';
          metrics.providerCall(provider, outcome, seconds(started));
          return result;
        } catch (err) {
          metrics.providerCall(provider, 'error', seconds(started));
          throw err;
        }
      };
    wrapped[name] = {
      provider: client.provider,
      label: client.label,
      readAccount: (userId) => client.readAccount(userId),
      block: timed((userId, current) => client.block(userId, current)),
      unblock: timed((userId, current) => client.unblock(userId, current)),
    };
  }
  return wrapped;
}

function webhookOutcome(status: number): WebhookOutcome {
  if (status >= 200 && status < 300) return 'accepted';
  if (status === 401 || status === 403) return 'unauthorized';
  if (status === 400 || status === 415 || status === 422) return 'bad_request';
  if (status === 413) return 'too_large';
  if (status === 405) return 'method_not_allowed';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'error';
  return 'other';
}

/** The webhook route, each request counted by the outcome its answer's status says. */
export function instrumentWebhookRoute(route: CustomRoute, metrics: Metrics): CustomRoute {
  return {
    ...route,
    handler: (req, res) => {
      res.once('finish', () => metrics.webhookRequest(webhookOutcome(res.statusCode)));
      route.handler(req, res);
    },
  };
}

/** Findings stored (a duplicate webhook delivery stores none). */
export function instrumentPipeline(pipeline: AlertPipeline, metrics: Metrics): AlertPipeline {
  return {
    receive: async (finding) => {
      const result = await pipeline.receive(finding);
      if (!result.duplicate) metrics.findingsIngested(1);
      return result;
    },
  };
}

/** Each card post by outcome. */
export function instrumentPoster(poster: SlackPoster, metrics: Metrics): SlackPoster {
  return {
    checkAccess: () => poster.checkAccess(),
    findPosted: (query) => poster.findPosted(query),
    post: async (message) => {
      try {
        const posted = await poster.post(message);
        metrics.post('posted');
        return posted;
      } catch (err) {
        const kind = err instanceof SlackPostError ? err.kind : 'transient';
        metrics.post(kind === 'rate_limited' ? 'rate_limited' : kind === 'permanent' ? 'failed' : 'retrying');
        throw err;
      }
    },
  };
}

/** Counts the claimed deliveries that are not their first attempt (retries). */
export function instrumentClaims<S extends Pick<OutboxStore, 'claimDueDeliveries'>>(store: S, metrics: Metrics): S {
  return {
    ...store,
    claimDueDeliveries: async (options: ClaimOptions) => {
      const claimed = await store.claimDueDeliveries(options);
      for (const c of claimed) if (c.delivery.attempts > 1) metrics.postRetry();
      return claimed;
    },
  };
}

const DECISION_OUTCOME: Record<ResponseOutcome['kind'], DecisionOutcome> = {
  allowed: 'done',
  approved: 'done',
  reopened: 'done',
  blocked: 'done',
  unblocked: 'done',
  failed: 'failed',
  refused: 'refused',
  already: 'already',
  not_found: 'not_found',
};

/** Each analyst decision by action and outcome (Approve all open counts each approval); checks are not decisions. */
export function instrumentResponses(responses: ResponseService, metrics: Metrics): ResponseService {
  const counted =
    <A extends unknown[]>(action: DecisionAction, run: (...args: A) => Promise<ResponseOutcome>) =>
    async (...args: A): Promise<ResponseOutcome> => {
      try {
        const outcome = await run(...args);
        metrics.decision(action, DECISION_OUTCOME[outcome.kind]);
        return outcome;
      } catch (err) {
        metrics.decision(action, 'error');
        throw err;
      }
    };
  return {
    ...responses,
    approve: counted('approve', (alertId, actor, options) => responses.approve(alertId, actor, options)),
    block: counted('block', (alertId, actor, options) => responses.block(alertId, actor, options)),
    reopen: counted('reopen', (alertId, actor) => responses.reopen(alertId, actor)),
    retry: counted('retry', (alertId, actor) => responses.retry(alertId, actor)),
    unblock: counted('unblock', (alertId, actor) => responses.unblock(alertId, actor)),
    // Decisions the user's own answer took are counted with the responders' ones.
    blockOnUserReport: counted('block', (alertId, reporter) => responses.blockOnUserReport(alertId, reporter)),
    approveOnUserReport: counted('approve', (alertId, reporter) => responses.approveOnUserReport(alertId, reporter)),
    approveAllOpen: async (findingId, actor, options) => {
      try {
        const outcome = await responses.approveAllOpen(findingId, actor, options);
        if (outcome.kind !== 'approved_all') metrics.decision('approve', DECISION_OUTCOME[outcome.kind]);
        else for (const _ of outcome.approved) metrics.decision('approve', 'done');
        return outcome;
      } catch (err) {
        metrics.decision('approve', 'error');
        throw err;
      }
    },
  };
}
