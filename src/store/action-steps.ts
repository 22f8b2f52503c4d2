import { toActionStep } from './rows.ts';
import { changesOf, type Executor, IN_TRANSACTION, rowsOf, type Steps } from './steps.ts';
import type { ActionStepStore } from './types.ts';

type Plan = Parameters<ActionStepStore['planActionSteps']>;

function* plan(attempt: Plan[0], accounts: Plan[1]): Steps<void> {
  for (const account of accounts) {
    yield* changesOf(
      `INSERT INTO action_steps (alert_id, attempt, operation, provider, provider_user_id, state, actor, started_at)
      VALUES ($1, $2, $3, $4, $5, 'intent', $6, $7)
      ON CONFLICT (alert_id, attempt, provider, provider_user_id) DO NOTHING`,
      [
        attempt.alertId,
        attempt.attempt,
        attempt.operation,
        account.provider,
        account.providerUserId,
        attempt.actor,
        attempt.at,
      ],
    );
  }
}

/** The per-account journal of provider calls: intent before each call, its outcome right after. */
export function actionStepStore(db: Executor): ActionStepStore {
  return {
    planActionSteps: (attempt, accounts) => db.run(plan(attempt, accounts), IN_TRANSACTION),
    finishActionStep: async (key, outcome) => {
      await db.run(
        changesOf(
          `UPDATE action_steps SET state = $1, steps = $2, error = $3, finished_at = $4
          WHERE alert_id = $5 AND attempt = $6 AND provider = $7 AND provider_user_id = $8 AND state = 'intent'`,
          [
            outcome.ok ? 'done' : 'failed',
            JSON.stringify(outcome.steps),
            outcome.error ?? null,
            outcome.at,
            key.alertId,
            key.attempt,
            key.provider,
            key.providerUserId,
          ],
        ),
      );
    },
    listActionSteps: async (alertId, attempt) =>
      (
        await db.run(
          rowsOf('SELECT * FROM action_steps WHERE alert_id = $1 AND attempt = $2 ORDER BY id', [alertId, attempt]),
        )
      ).map(toActionStep),
  };
}
