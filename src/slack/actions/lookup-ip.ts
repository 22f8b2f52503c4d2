import { isIP } from 'node:net';
import type { BlockButtonAction } from '@slack/bolt';
import { answerIp, type LookupAnswerDeps } from '../commands/lookup-answers.ts';
import { ACTION_IDS } from '../views/action-ids.ts';
import { errorMessage } from '../views/error-message.ts';
import type { SlackListeners } from '../listener-routes.ts';

/** "Look up <ip>" on an alert card: answers like `/cii ip <ip>`, in a message only the clicker sees. */
export function registerLookupIpAction(app: SlackListeners, deps: LookupAnswerDeps): void {
  app.action<BlockButtonAction>(ACTION_IDS.lookupIp, async ({ ack, action, respond, logger }) => {
    await ack();
    const ip = action.value?.trim() ?? '';
    // The value comes back from Slack as the card set it; anything else is not ours to look up.
    const message = isIP(ip) === 0 ? errorMessage({ kind: 'internal' }) : (await answerIp(deps, ip)).message;
    await respond({ response_type: 'ephemeral', replace_original: false, ...message }).catch((err: unknown) =>
      logger.warn('could not answer a Look up IP click through response_url', err),
    );
  });
}
