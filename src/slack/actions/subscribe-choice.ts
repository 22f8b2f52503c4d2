import type { BlockButtonAction } from '@slack/bolt';
import { z } from 'zod';
import { SEVERITIES } from '../../alerts/finding.ts';
import type { CommandDeps } from '../commands/subcommand.ts';
import { subscribeChannel } from '../commands/subcommands/subscribe.ts';
import { SUBCOMMANDS } from '../commands/subcommands/index.ts';
import { ACTION_IDS } from '../views/action-ids.ts';
import { errorMessage } from '../views/error-message.ts';
import type { SlackListeners } from '../listener-routes.ts';

const choiceSchema = z.object({
  c: z.array(z.string().regex(/^[a-z0-9][a-z0-9-]{0,127}$/)).max(100),
  s: z.enum(SEVERITIES),
  a: z.union([z.literal(0), z.literal(1)]),
});

/** "Subscribe to no-mfa" / **Subscribe anyway** under a subscribe with unknown check ids: subscribes as typed then. */
export function registerSubscribeChoiceAction(app: SlackListeners, deps: CommandDeps): void {
  app.action<BlockButtonAction>(
    new RegExp(`^${ACTION_IDS.subscribeChoice}:`),
    async ({ ack, body, action, respond }) => {
      await ack();
      let parsed: z.infer<typeof choiceSchema> | undefined;
      try {
        parsed = choiceSchema.parse(JSON.parse(action.value ?? ''));
      } catch {
        parsed = undefined;
      }
      const channelId = body.channel?.id;
      const answer =
        parsed && channelId
          ? await subscribeChannel(
              { checkIds: parsed.c, minSeverity: parsed.s },
              {
                context: { userId: body.user.id, channelId, teamId: body.team?.id ?? body.user.team_id ?? '' },
                deps,
                subcommands: SUBCOMMANDS,
              },
              { anyway: parsed.a === 1 },
            )
          : errorMessage({ kind: 'internal' });
      await respond({ response_type: 'ephemeral', replace_original: true, ...answer }).catch((err: unknown) =>
        deps.logger.warn('could not answer a subscribe choice', err),
      );
    },
  );
}
