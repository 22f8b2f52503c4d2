import type { BlockButtonAction } from '@slack/bolt';
import type { UnmuteOutcome } from '../../services/mutes.ts';
import type { CommandDeps } from '../commands/subcommand.ts';
import { mutesAnswer } from '../commands/subcommands/mutes.ts';
import { ACTION_IDS } from '../views/action-ids.ts';
import { errorMessage } from '../views/error-message.ts';
import { clean, code } from '../views/limits.ts';
import type { SlackMessage } from '../views/limits.ts';
import { clickActor } from './alert-action.ts';
import type { SlackListeners } from '../listener-routes.ts';

/** **Unmute** in `/cii mutes` (responders): lifts the mute, then shows the list as it is now with what happened. */
export function registerUnmuteAction(app: SlackListeners, deps: CommandDeps): void {
  app.action<BlockButtonAction>(ACTION_IDS.unmute, async ({ ack, body, action, respond }) => {
    await ack();
    const answer = (message: SlackMessage, replace: boolean) =>
      respond({ response_type: 'ephemeral', replace_original: replace, ...message }).catch((err: unknown) =>
        deps.logger.warn('could not answer an Unmute click', err),
      );
    const actor = clickActor(body);
    try {
      const id = Number(action.value);
      const outcome: UnmuteOutcome = Number.isSafeInteger(id)
        ? await deps.mutes.unmute(id, actor)
        : { kind: 'not_active' };
      if (outcome.kind === 'refused') {
        await answer(
          errorMessage({
            kind: 'forbidden',
            message: 'Only CII responders can lift a mute:',
            allowed: deps.responders,
          }),
          false,
        );
        return;
      }
      const what = (m: { title: string; login: string }) => `*${clean(m.title, 150)}* for ${code(m.login, 150)}`;
      const note =
        outcome.kind === 'unmuted'
          ? `🔔 You lifted the mute of ${what(outcome.mute)}: new findings are posted again.`
          : `ℹ️ ${outcome.mute ? `The mute of ${what(outcome.mute)}` : 'This mute'} had already ended; nothing changed.`;
      await answer(await mutesAnswer(deps, actor.userId, note), true);
    } catch (err) {
      deps.logger.error('Unmute failed', { muteId: action.value, userId: actor.userId, err });
      await answer(errorMessage({ kind: 'internal' }), false);
    }
  });
}
