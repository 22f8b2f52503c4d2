import type { BlockButtonAction } from '@slack/bolt';
import type { ModalView } from '@slack/types';
import type { Logger } from '../../logger.ts';
import type { AlertDetails } from '../../services/alert-details.ts';
import type { StoredAlert } from '../../services/responses/types.ts';
import { ACTION_IDS } from '../views/action-ids.ts';
import { errorMessage } from '../views/error-message.ts';
import { answerClicker, clickActor } from './alert-action.ts';
import type { SlackListeners } from '../listener-routes.ts';

export interface AlertMoreDeps {
  alertDetails: AlertDetails;
  /** The modal of an alert's details, as the card renderer builds it. */
  cardViews: { details(alert: StoredAlert): ModalView };
  logger: Logger;
}

const NOT_OURS = {
  not_found: 'This alert is no longer kept: its details are gone.',
  not_a_card: 'This button is not on a card this app posted.',
} as const;

/** "More" on an alert card: a modal with everything the compact card leaves out, for whoever sees the card. */
export function registerAlertMoreAction(app: SlackListeners, deps: AlertMoreDeps): void {
  app.action<BlockButtonAction>(ACTION_IDS.alertMore, async ({ ack, body, action, client, respond }) => {
    await ack();
    const actor = clickActor(body);
    const tell = (message: string | undefined) =>
      answerClicker(
        respond,
        message ? errorMessage({ kind: 'forbidden', message }) : errorMessage({ kind: 'internal' }),
        deps.logger,
        ACTION_IDS.alertMore,
      );
    try {
      const found = await deps.alertDetails.read(action.value ?? '', actor);
      if (found.kind !== 'found') return await tell(NOT_OURS[found.kind]);
      await client.views.open({ trigger_id: body.trigger_id, view: deps.cardViews.details(found.alert) });
    } catch (err) {
      deps.logger.warn('could not open the details of an alert', { alertId: action.value, userId: actor.userId, err });
      await tell(undefined);
    }
  });
}
