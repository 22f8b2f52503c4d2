import type {
  AllMiddlewareArgs,
  BlockAction,
  BlockButtonAction,
  MultiStaticSelectAction,
  SlackActionMiddlewareArgs,
  StaticSelectAction,
} from '@slack/bolt';
import type { Severity } from '../../alerts/finding.ts';
import { BACKLOG_DAYS } from '../../services/alerts/accounting.ts';
import type { CommandDeps } from '../commands/subcommand.ts';
import { subscribeChannel } from '../commands/subcommands/subscribe.ts';
import { SUBCOMMANDS } from '../commands/subcommands/index.ts';
import { adminRefusal } from '../commands/subscription-access.ts';
import { ACTION_IDS, SUBSCRIPTION_INPUTS, VIEW_IDS } from '../views/action-ids.ts';
import { readModalMetadata } from '../views/decision-modals.ts';
import { errorMessage } from '../views/error-message.ts';
import {
  readSubscriptionChoice,
  subscriptionModal,
  type PreviewView,
  type SubscriptionModalInput,
} from '../views/subscription-modal.ts';
import type { SlackListeners } from '../listener-routes.ts';

type Choice = { channelId: string; checkIds: string[]; minSeverity: Severity };
type ViewAction = SlackActionMiddlewareArgs<BlockAction<MultiStaticSelectAction | StaticSelectAction>> &
  AllMiddlewareArgs;

/** The modal for a choice, with the count of what it would have posted (or why there is none). */
async function modalFor(deps: CommandDeps, choice: Choice, counted: boolean): Promise<SubscriptionModalInput> {
  const checks = (await deps.checks.list()).map((c) => ({ id: c.id, title: c.title }));
  let preview: PreviewView = { kind: 'counting' };
  if (counted) {
    try {
      const { matching, missed } = await deps.accounting.preview(choice);
      preview = { kind: 'counted', matching, missed, days: BACKLOG_DAYS };
    } catch (err) {
      deps.logger.warn('could not count a subscription preview', { channelId: choice.channelId, err });
      preview = { kind: 'failed' };
    }
  }
  return { channelId: choice.channelId, checks, selected: choice.checkIds, minSeverity: choice.minSeverity, preview };
}

/**
 * **Add subscription…** under `/cii subscriptions` (admins, refused before any modal): a modal opens at once with
 * every check of the catalogue, and each change of the checks or the severity updates its preview in place
 * (`views.update` with the view's hash, so an older count never replaces a newer one). Submitting subscribes the
 * channel exactly as `/cii subscribe` does; the answer goes to the submitter in the channel.
 */
export function registerSubscriptionModal(app: SlackListeners, deps: CommandDeps): void {
  app.action<BlockButtonAction>(ACTION_IDS.subscriptionAdd, async ({ ack, body, client, respond }) => {
    await ack();
    const channelId = body.channel?.id ?? '';
    const context = { userId: body.user.id, channelId, teamId: body.team?.id ?? '' };
    const refusal = await adminRefusal(deps, context, 'subscribe').catch((err: unknown) => {
      deps.logger.error('Add subscription failed', { channelId, err });
      return errorMessage({ kind: 'internal' });
    });
    if (refusal) {
      await respond({ response_type: 'ephemeral', replace_original: false, ...refusal }).catch((err: unknown) =>
        deps.logger.warn('could not answer an Add subscription click', err),
      );
      return;
    }
    const choice: Choice = { channelId, checkIds: [], minSeverity: 'low' };
    try {
      const opened = await client.views.open({
        trigger_id: body.trigger_id,
        view: subscriptionModal(await modalFor(deps, choice, false)),
      });
      await client.views.update({
        view_id: opened.view?.id ?? '',
        hash: opened.view?.hash ?? '',
        view: subscriptionModal(await modalFor(deps, choice, true)),
      });
    } catch (err) {
      deps.logger.warn('could not open the Add subscription modal', { channelId, err });
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        ...errorMessage({ kind: 'forbidden', message: 'Slack did not open the dialog in time; click again.' }),
      }).catch(() => undefined);
    }
  });

  const updatePreview = async ({ ack, body, client }: ViewAction) => {
    await ack();
    const view = body.view;
    const channelId = readModalMetadata(view?.private_metadata)?.channelId;
    if (!view || !channelId) return;
    const choice = { channelId, ...readSubscriptionChoice(view.state.values) };
    try {
      await client.views.update({
        view_id: view.id,
        hash: view.hash,
        view: subscriptionModal(await modalFor(deps, choice, true)),
      });
    } catch (err) {
      // hash_conflict: a newer change updated the view first; its count is the one to show.
      deps.logger.debug('did not update a subscription preview', { channelId, err });
    }
  };
  app.action<BlockAction<MultiStaticSelectAction>>(SUBSCRIPTION_INPUTS.checks.actionId, updatePreview);
  app.action<BlockAction<StaticSelectAction>>(SUBSCRIPTION_INPUTS.severity.actionId, updatePreview);

  app.view(VIEW_IDS.subscriptionAdd, async ({ ack, body, view, client }) => {
    await ack();
    const channelId = readModalMetadata(view.private_metadata)?.channelId;
    if (!channelId) return;
    const userId = body.user.id;
    const answer = await subscribeChannel(
      readSubscriptionChoice(view.state.values),
      { context: { userId, channelId, teamId: body.team?.id ?? '' }, deps, subcommands: SUBCOMMANDS },
      { anyway: false },
    );
    await client.chat.postEphemeral({ channel: channelId, user: userId, ...answer }).catch((err: unknown) => {
      deps.logger.warn('could not answer an Add subscription submission', { channelId, userId, err });
    });
  });
}
