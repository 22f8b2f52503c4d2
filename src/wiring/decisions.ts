import type { WebClient } from '@slack/web-api';
import type { CiiClient } from '../cii/client.ts';
import { createDuoAuthClient } from '../idp/duo-auth.ts';
import { createDuoUserLookup } from '../idp/duo-users.ts';
import type { IdentityProviders } from '../idp/registry.ts';
import { instrumentResponses } from '../metrics/instrument.ts';
import type { CardService } from '../services/cards/card-service.ts';
import { createResponseService } from '../services/responses/response-service.ts';
import { createStepUpGate } from '../services/step-up/step-up-gate.ts';
import { createVerificationRunner } from '../services/verification/runner.ts';
import { createVerificationService } from '../services/verification/verification-service.ts';
import { createPrincipalResolver, responderCheck } from '../slack/principals.ts';
import { createUserEmails } from '../slack/user-emails.ts';
import { createVerifyMessages } from '../slack/verify-messages.ts';
import type { SlackWebApi } from '../slack/web-api.ts';
import type { Wiring } from './context.ts';

/** Responders' decisions (Block, Approve…), the Duo step-up before them, and users' own answers. */
export function buildDecisions(
  w: Wiring,
  deps: {
    cii: CiiClient;
    identityProviders: IdentityProviders;
    slackClient: WebClient;
    slack: SlackWebApi;
    cards: CardService;
    /** This replica, as named on the leases it holds (outbox deliveries and actions under way). */
    owner: string;
  },
) {
  const { config, logger, store, metrics } = w;
  const { cii, slackClient, slack, cards } = deps;
  const principals = createPrincipalResolver({ client: slackClient, logger: logger.child('slack') });
  const emailOf = createUserEmails({ client: slackClient });
  const responseService = createResponseService({
    store,
    cii,
    providers: deps.identityProviders,
    isResponder: responderCheck(principals, config.responders),
    emailOf,
    cards,
    clock: w.clock,
    owner: deps.owner,
    leaseMs: config.actions.leaseMs,
    logger: logger.child('responses'),
  });
  const responses = instrumentResponses(responseService, metrics);
  const duoAuth = config.verify.duoAuth
    ? createDuoAuthClient({ ...config.verify.duoAuth, logger: logger.child('idp') })
    : undefined;
  const stepUp =
    config.stepUp === 'duo' && duoAuth
      ? createStepUpGate({
          push: duoAuth.push,
          emailOf,
          cii,
          ...(config.identityProviders.duo
            ? {
                duoUsernameByEmail: createDuoUserLookup({
                  ...config.identityProviders.duo,
                  logger: logger.child('idp'),
                }),
              }
            : {}),
          store,
          clock: w.clock,
          logger: logger.child('step-up'),
        })
      : undefined;
  const verification = createVerificationService({
    store,
    cii,
    slack: createVerifyMessages({ slack, logger: logger.child('verification') }),
    cards,
    responses,
    ...(duoAuth
      ? { duoPush: (username: string, pushInfo: Record<string, string>) => duoAuth.push(username, pushInfo) }
      : {}),
    settings: config.verify,
    clock: w.clock,
    logger: logger.child('verification'),
  });
  // Only when some check asks: otherwise there is nothing for it to do.
  const verifier =
    config.verify.checks.length > 0
      ? createVerificationRunner({ verification, logger: logger.child('verification') })
      : undefined;
  return { principals, responses, stepUp, verification, verifier };
}
