import type { IdentityProviders } from '../../idp/registry.ts';
import { isIdentityProviderName, type ProviderActionResult } from '../../idp/types.ts';
import type { Logger } from '../../logger.ts';
import type { ActionStep, ActionStepStore, NewAlertActionResult, ResponseAction } from '../../store/types.ts';
import { providerLabel, targetKey } from './provider-results.ts';

/** One provider account an action acts on. */
export interface Target {
  provider: string;
  providerUserId: string;
}

/** One attempt of an action: the alert's version when it went `in_progress` names it in the journal. */
interface Attempt {
  alertId: string;
  attempt: number;
  action: ResponseAction;
  actor: string;
}

interface ProviderCalls {
  /**
   * Acts at each target, journalling the intent before any call and each outcome as it comes. `repeat`: the
   * action may be done in part already (Retry, recovery), so each account's state is read first and only what it
   * does not show done is called. Rows of `journal` that finished before an interruption are taken as they are.
   * Throws when the journal cannot be written: the action then stays in progress until recovered.
   */
  run(
    attempt: Attempt,
    targets: readonly Target[],
    options: { repeat: boolean; journal?: readonly ActionStep[] },
  ): Promise<NewAlertActionResult[]>;
}

const unexpected = (label: string): ProviderActionResult => ({
  ok: false,
  error: `${label}: unexpected error (see the app log)`,
  retryable: true,
  steps: [],
});

export function createProviderCalls(deps: {
  store: Pick<ActionStepStore, 'planActionSteps' | 'finishActionStep'>;
  providers: IdentityProviders;
  now: () => number;
  logger: Logger;
}): ProviderCalls {
  const { store, providers, now, logger } = deps;

  async function call(attempt: Attempt, target: Target, repeat: boolean): Promise<ProviderActionResult> {
    const client = isIdentityProviderName(target.provider) ? providers[target.provider] : undefined;
    if (!client) {
      const error = `${providerLabel(target.provider)} is not configured in this app any more`;
      return { ok: false, error, retryable: false, steps: [] };
    }
    const { action } = attempt;
    try {
      if (!repeat) return await client[action](target.providerUserId);
      const reading = await client.readAccount(target.providerUserId);
      if (!reading.ok) {
        return {
          ok: false,
          error: `${reading.error} (the account was read before repeating the ${action}; nothing was changed)`,
          retryable: reading.retryable,
          steps: [],
          ...(reading.status === undefined ? {} : { status: reading.status }),
        };
      }
      return await client[action](target.providerUserId, reading.state);
    } catch (err) {
      logger.error(`${client.label}: ${action} failed unexpectedly`, { alertId: attempt.alertId, err });
      return unexpected(client.label);
    }
  }

  async function one(attempt: Attempt, target: Target, repeat: boolean): Promise<NewAlertActionResult> {
    const result = await call(attempt, target, repeat);
    if (!result.ok) {
      // The error is the client's own short wording, which never holds a credential.
      logger.warn(`${providerLabel(target.provider)}: ${attempt.action} failed`, {
        alertId: attempt.alertId,
        provider: target.provider,
        providerUserId: target.providerUserId,
        status: result.status ?? 'no answer',
        retryable: result.retryable,
        error: result.error,
      });
    }
    const at = now();
    const error = result.ok ? {} : { error: result.error };
    await store.finishActionStep(
      { alertId: attempt.alertId, attempt: attempt.attempt, ...target },
      { ok: result.ok, steps: result.steps, ...error, at },
    );
    return {
      action: attempt.action,
      ...target,
      ok: result.ok,
      steps: result.steps,
      ...error,
      actor: attempt.actor,
      at,
    };
  }

  return {
    async run(attempt, targets, { repeat, journal = [] }) {
      const rows = new Map(journal.map((row) => [targetKey(row), row]));
      await store.planActionSteps(
        {
          alertId: attempt.alertId,
          attempt: attempt.attempt,
          operation: attempt.action,
          actor: attempt.actor,
          at: now(),
        },
        targets.filter((t) => !rows.has(targetKey(t))),
      );
      const settled = await Promise.allSettled(
        targets.map((t) => {
          const row = rows.get(targetKey(t));
          if (row && row.state !== 'intent') return Promise.resolve(resultOf(row));
          // An intent without an outcome: the call may or may not have reached the provider.
          return one(attempt, { provider: t.provider, providerUserId: t.providerUserId }, repeat || row !== undefined);
        }),
      );
      const lost = settled.find((s) => s.status === 'rejected');
      if (lost) throw lost.reason;
      return settled.map((s) => (s as PromiseFulfilledResult<NewAlertActionResult>).value);
    },
  };
}

/** A journal row finished before an interruption, as the result it was. */
function resultOf(row: ActionStep): NewAlertActionResult {
  return {
    action: row.operation,
    provider: row.provider,
    providerUserId: row.providerUserId,
    ok: row.state === 'done',
    steps: row.steps,
    ...(row.error === undefined ? {} : { error: row.error }),
    actor: row.actor,
    at: row.finishedAt ?? row.startedAt,
  };
}
