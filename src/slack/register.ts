import type { App } from '@slack/bolt';
import type { ResponseService } from '../services/responses/types.ts';
import type { StepUpGate } from '../services/step-up/step-up-gate.ts';
import type { VerificationService } from '../services/verification/types.ts';
import { registerAlertApproveAllAction } from './actions/alert-approve-all.ts';
import { registerAlertApproveAction } from './actions/alert-approve.ts';
import { registerAlertBlockAction } from './actions/alert-block.ts';
import { registerAlertMuteAction } from './actions/alert-mute.ts';
import { registerAlertMoreAction, type AlertMoreDeps } from './actions/alert-more.ts';
import { registerAlertReopenAction } from './actions/alert-reopen.ts';
import { registerAlertRetryAction } from './actions/alert-retry.ts';
import { registerAlertUnblockAction } from './actions/alert-unblock.ts';
import { registerPostBacklogAction } from './actions/post-backlog.ts';
import { registerLookupIpAction } from './actions/lookup-ip.ts';
import { registerShareAction } from './actions/share.ts';
import { registerUnmuteAction } from './actions/unmute.ts';
import { registerVerifyAnswerActions } from './actions/verify-answer.ts';
import { registerSubscribeChoiceAction } from './actions/subscribe-choice.ts';
import { registerSubscriptionModal } from './actions/subscription-modal.ts';
import { registerCiiCommand } from './commands/cii-command.ts';
import { isRefusedSlackRequest } from './replay-guard.ts';
import { routedListeners } from './listener-routes.ts';
import type { CommandDeps } from './commands/subcommand.ts';
import { registerAppHome } from './events/app-home.ts';
import { registerChannelReopened } from './events/channel-reopened.ts';
import type { SlackWebApi } from './web-api.ts';

export interface SlackServices extends CommandDeps, Omit<AlertMoreDeps, 'logger'> {
  responses: ResponseService;
  /** CII_STEP_UP=duo: Block, Unblock, Retry and Approve all open wait for the responder's approved Duo Push. */
  stepUp?: StepUpGate;
  /** Publishes the Home tab. */
  slack: Pick<SlackWebApi, 'publishHome'>;
  verification: Pick<VerificationService, 'answer'>;
  /** How long a slash command may wait for its answer before Bolt acknowledges it empty. */
  ackBudgetMs: number;
}

/** Every Slack listener of the app: the `/cii` command, the card buttons, and the last-resort error log. */
export function registerListeners(bolt: App, services: SlackServices): void {
  const { logger } = services;
  const app = routedListeners(bolt);
  registerCiiCommand(app, { ...services, logger: logger.child('commands') });
  registerShareAction(app, { ...services, logger: logger.child('answers') });
  registerLookupIpAction(app, { ...services, logger: logger.child('answers') });
  const alertActionDeps = { ...services, logger: logger.child('responses') };
  registerAlertApproveAction(app, alertActionDeps);
  registerAlertApproveAllAction(app, alertActionDeps);
  registerAlertReopenAction(app, alertActionDeps);
  registerAlertBlockAction(app, alertActionDeps);
  registerAlertRetryAction(app, alertActionDeps);
  registerAlertUnblockAction(app, alertActionDeps);
  registerAlertMuteAction(app, alertActionDeps);
  registerUnmuteAction(app, alertActionDeps);
  registerAlertMoreAction(app, alertActionDeps);
  registerPostBacklogAction(app, { ...services, logger: logger.child('subscriptions') });
  registerVerifyAnswerActions(app, { ...services, logger: logger.child('verification') });
  registerSubscribeChoiceAction(app, { ...services, logger: logger.child('commands') });
  registerSubscriptionModal(app, { ...services, logger: logger.child('commands') });
  registerAppHome(app, { ...services, logger: logger.child('home') });
  registerChannelReopened(app, { ...services, logger: logger.child('subscriptions') });
  bolt.error((err) => {
    // The receiver answers a refused request with 401.
    if (isRefusedSlackRequest(err)) return Promise.reject(err);
    logger.error('unhandled error in a Slack listener', err);
    return Promise.resolve();
  });
}
