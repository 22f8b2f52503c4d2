import type { CiiClient } from '../../cii/client.ts';
import type { EndUser } from '../../cii/schemas.ts';
import { CiiError } from '../../cii/errors.ts';
import type { IdentityProviders } from '../../idp/registry.ts';
import { isIdentityProviderName, type ProviderActionResult } from '../../idp/types.ts';
import type { Logger } from '../../logger.ts';
import type {
  AlertActionResult,
  AlertState,
  AlertStore,
  AuditStore,
  OutboxStore,
  NewAlertActionResult,
  ResponseAction,
  StoredAlert,
  TransitionResult,
} from '../../store/types.ts';
import { identitiesOf, isSameIdentity } from './self-check.ts';
import { currentResults, providerLabel, summarizeResults, targetKey, toOutcome } from './provider-results.ts';
import type { Actor, AlertCards, RefusalReason, ResponseOutcome, ResponseService } from './types.ts';

export interface ResponseServiceDeps {
  store: Pick<AlertStore, 'getAlert' | 'transitionAlert' | 'listAlertActions' | 'listStuckAlerts'> &
    Pick<AuditStore, 'recordAudit'> &
    Pick<OutboxStore, 'postedCopiesOf'>;
  cii: Pick<CiiClient, 'getEndUser'>;
  providers: IdentityProviders;
  /** CII_RESPONDERS membership (user ids and user groups); deny by default. */
  isResponder(userId: string): Promise<boolean>;
  /** The Slack profile email of a user; undefined when Slack has none. */
  emailOf(userId: string): Promise<string | undefined>;
  cards: AlertCards;
  clock?: { now(): number };
  /** How long an action may stay in progress before it is taken for interrupted (default 10 min). */
  interruptedAfterMs?: number;
  logger: Logger;
}

const INTERRUPTED =
  'Interrupted: the app stopped while acting, so what the providers did is not confirmed. Retry redoes it (every step is safe to repeat).';

type Verb = 'approve' | 'block' | 'retry' | 'unblock';

interface Target {
  provider: string;
  providerUserId: string;
}

/** A click refused, or allowed with CII's user (undefined when CII has none or was not asked). */
type Checked = { refused: ResponseOutcome } | { user: EndUser | undefined };

/** Approve / Block / Retry / Unblock of an alert: authorized, exactly once (compare-and-set in the store), audited. */
export function createResponseService(deps: ResponseServiceDeps): ResponseService {
  const { store, cii, providers, cards, logger } = deps;
  const now = () => (deps.clock ?? Date).now();

  /** Runs `work` for an authorized responder who is not the alert's user; audits whatever comes of the click. */
  async function respond(
    verb: Verb,
    alertId: string,
    actor: Actor,
    work: (alert: StoredAlert, user: EndUser | undefined) => Promise<ResponseOutcome>,
    authorize: (verb: Verb, alert: StoredAlert, actor: Actor) => Promise<Checked> = check,
  ): Promise<ResponseOutcome> {
    let alert: StoredAlert | undefined;
    let outcome: ResponseOutcome;
    try {
      alert = await store.getAlert(alertId);
      if (!alert) outcome = { kind: 'not_found' };
      else {
        const checked = await authorize(verb, alert, actor);
        outcome = 'refused' in checked ? checked.refused : await work(alert, checked.user);
      }
    } catch (err) {
      await audit(verb, actor, alertId, alert, { outcome: 'error', detail: 'internal error (see the app log)' });
      throw err;
    }
    await audit(verb, actor, alertId, alert, auditOutcome(outcome));
    return outcome;
  }

  /**
   * Refuses a click from anyone who is not a responder, or who is the alert's user under any login or address CII
   * knows for them. Otherwise gives CII's user (undefined when CII has none), which Block reuses.
   */
  async function check(verb: Verb, alert: StoredAlert, actor: Actor): Promise<Checked> {
    const refuse = (reason: RefusalReason, detail?: string) => ({
      refused: { kind: 'refused', reason, ...(detail ? { detail } : {}) } as const,
    });
    // A click names its alert; it counts only from a message the app posted as that alert's card.
    const copies = await store.postedCopiesOf(alert.id);
    if (!copies.some((c) => c.channelId === actor.channelId && c.ts === actor.messageTs)) return refuse('not_a_card');
    if (!(await deps.isResponder(actor.userId))) return refuse('not_responder');
    let email: string | undefined;
    try {
      email = await deps.emailOf(actor.userId);
    } catch (err) {
      logger.warn('could not read the Slack email of a responder; refusing the action', { userId: actor.userId, err });
      return refuse('unverified');
    }
    if (email === undefined || email.trim() === '') return refuse('unverified');
    if (isSameIdentity(email, identitiesOf(alert.login, undefined))) return refuse('self');
    // The alert names one login; CII knows the user's other logins and addresses, any of which may be the clicker's.
    let user: EndUser | undefined;
    try {
      user = await cii.getEndUser(alert.login);
    } catch (err) {
      if (!(err instanceof CiiError && err.kind === 'not_found')) {
        logger.warn('could not read the alert’s user from CII for the self check; refusing the action', {
          alertId: alert.id,
          err,
        });
        return refuse('identity_unchecked', ciiFailure(err, alert.login));
      }
    }
    if (isSameIdentity(email, identitiesOf(alert.login, user))) return refuse('self');
    if ((verb === 'block' || verb === 'unblock') && Object.keys(providers).length === 0) return refuse('no_providers');
    return { user };
  }

  /**
   * The user's own answer to "was this you?" decides (CII_VERIFY_ON_DENY / CII_VERIFY_ON_CONFIRM): not a responder's
   * click, so only Block's need of a provider is checked; the decision is recorded as theirs.
   */
  async function onUserReport(verb: Verb): Promise<Checked> {
    return verb === 'block' && Object.keys(providers).length === 0
      ? { refused: { kind: 'refused', reason: 'no_providers' } }
      : { user: undefined };
  }

  async function audit(
    verb: Verb,
    actor: Actor,
    alertId: string,
    alert: StoredAlert | undefined,
    what: { outcome: string; detail?: string },
  ) {
    try {
      await store.recordAudit({
        at: now(),
        userId: actor.userId,
        userName: actor.userName,
        teamId: actor.teamId,
        channelId: actor.channelId,
        alertId,
        login: alert?.login,
        action: verb,
        ...what,
      });
    } catch (err) {
      logger.error('could not write an audit entry', {
        verb,
        alertId,
        userId: actor.userId,
        outcome: what.outcome,
        err,
      });
    }
  }

  const already = (alert: StoredAlert | undefined): ResponseOutcome =>
    alert ? { kind: 'already', alert } : { kind: 'not_found' };

  async function move(alert: StoredAlert, from: AlertState[], to: AlertState, actor: Actor, action?: ResponseAction) {
    return store.transitionAlert(alert.id, { from, to, actor: actor.userId, at: now(), ...(action ? { action } : {}) });
  }

  /** Starts provider work: the CAS into `in_progress`, then every card loses its buttons (no results shown). */
  async function start(
    alert: StoredAlert,
    from: AlertState[],
    actor: Actor,
    action?: ResponseAction,
  ): Promise<TransitionResult> {
    const started = await move(alert, from, 'in_progress', actor, action);
    if (started.moved) await cards.show(started.alert, []);
    return started;
  }

  async function act(
    alertId: string,
    target: Target,
    action: ResponseAction,
    actor: Actor,
  ): Promise<NewAlertActionResult> {
    const client = isIdentityProviderName(target.provider) ? providers[target.provider] : undefined;
    let result: ProviderActionResult;
    if (!client) {
      result = {
        ok: false,
        error: `${providerLabel(target.provider)} is not configured in this app any more`,
        retryable: false,
        steps: [],
      };
    } else {
      try {
        result = await client[action](target.providerUserId);
      } catch (err) {
        logger.error(`${client.label}: ${action} failed unexpectedly`, { alertId, err });
        result = {
          ok: false,
          error: `${client.label}: unexpected error (see the app log)`,
          retryable: true,
          steps: [],
        };
      }
    }
    if (!result.ok) {
      // The error is the client's own short wording, which never holds a credential.
      logger.warn(`${providerLabel(target.provider)}: ${action} failed`, {
        alertId,
        provider: target.provider,
        providerUserId: target.providerUserId,
        status: result.status ?? 'no answer',
        retryable: result.retryable,
        error: result.error,
      });
    }
    return {
      action,
      provider: target.provider,
      providerUserId: target.providerUserId,
      ok: result.ok,
      steps: result.steps,
      ...(result.ok ? {} : { error: result.error }),
      actor: actor.userId,
      at: now(),
    };
  }

  /**
   * Records the results with the move out of `in_progress`, then updates every card and replies in its thread.
   * `previous`: the alert's results before this attempt, so the cards show them all without reading them again.
   */
  async function finish(
    alert: StoredAlert,
    action: ResponseAction,
    actor: Actor,
    previous: readonly AlertActionResult[],
    done: { results: NewAlertActionResult[]; complete: boolean; error?: string },
  ): Promise<ResponseOutcome> {
    const succeeded = action === 'block' ? 'blocked' : 'unblocked';
    const to = done.complete ? succeeded : 'failed';
    const at = now();
    const finished = await store.transitionAlert(alert.id, {
      from: ['in_progress'],
      to,
      actor: actor.userId,
      at,
      action,
      ...(done.error ? { error: done.error } : {}),
      results: done.results,
    });
    if (!finished.moved) {
      logger.error('an alert left in_progress while this process was acting on it', { alertId: alert.id });
      return already(finished.alert);
    }
    const results = done.results.map(toOutcome);
    const error = done.error ? { error: done.error } : {};
    await cards.report(finished.alert, [...previous, ...done.results], {
      action,
      state: to,
      actor: actor.userId,
      at,
      results,
      ...error,
    });
    if (to === 'failed') return { kind: 'failed', alert: finished.alert, action, results, ...error };
    return { kind: succeeded, alert: finished.alert, results };
  }

  /** Blocks every configured provider account CII lists for the user, except those a previous attempt already blocked. */
  async function performBlock(
    alert: StoredAlert,
    actor: Actor,
    previous: AlertActionResult[],
    known: EndUser | undefined,
  ): Promise<ResponseOutcome> {
    let targets: Target[];
    try {
      // The self check read the user moments ago; asked again only when CII said it has none.
      const user = known ?? (await cii.getEndUser(alert.login));
      targets = user.providerEndUserDetails
        .filter((account) => isIdentityProviderName(account.provider) && providers[account.provider] !== undefined)
        .map((account) => ({ provider: account.provider, providerUserId: account.userId }));
    } catch (err) {
      logger.warn('could not read the user from CII to block them', { alertId: alert.id, err });
      return finish(alert, 'block', actor, previous, {
        results: [],
        complete: false,
        error: `Could not read the user’s accounts from CII: ${ciiFailure(err, alert.login)}`,
      });
    }
    if (targets.length === 0) {
      const configured = Object.values(providers)
        .map((p) => p.label)
        .join(', ');
      return finish(alert, 'block', actor, previous, {
        results: [],
        complete: false,
        error: `CII lists no account of this user in ${configured}`,
      });
    }
    const blocked = new Set(
      currentResults(previous, 'block')
        .filter((r) => r.ok)
        .map(targetKey),
    );
    const results = await Promise.all(
      targets.filter((t) => !blocked.has(targetKey(t))).map((t) => act(alert.id, t, 'block', actor)),
    );
    return finish(alert, 'block', actor, previous, { results, complete: results.every((r) => r.ok) });
  }

  /** Reverses each block that succeeded, except the reversals a previous attempt already did. */
  async function performUnblock(
    alert: StoredAlert,
    actor: Actor,
    previous: AlertActionResult[],
  ): Promise<ResponseOutcome> {
    const unblocked = new Set(
      currentResults(previous, 'unblock')
        .filter((r) => r.ok)
        .map(targetKey),
    );
    const targets = currentResults(previous, 'block').filter((r) => r.ok && !unblocked.has(targetKey(r)));
    const results = await Promise.all(targets.map((t) => act(alert.id, t, 'unblock', actor)));
    return finish(alert, 'unblock', actor, previous, { results, complete: results.every((r) => r.ok) });
  }

  async function approveOpen(alert: StoredAlert, actor: Actor): Promise<ResponseOutcome> {
    const approved = await move(alert, ['open'], 'approved', actor);
    if (!approved.moved) return already(approved.alert);
    await cards.show(approved.alert, []);
    return { kind: 'approved', alert: approved.alert };
  }

  async function blockOpen(alert: StoredAlert, actor: Actor, user: EndUser | undefined): Promise<ResponseOutcome> {
    const started = await start(alert, ['open'], actor, 'block');
    if (!started.moved) return already(started.alert);
    // An open alert has no results: they are only recorded when an action leaves `in_progress`.
    return performBlock(started.alert, actor, [], user);
  }

  return {
    approve: (alertId, actor) => respond('approve', alertId, actor, (alert) => approveOpen(alert, actor)),

    block: (alertId, actor) => respond('block', alertId, actor, (alert, user) => blockOpen(alert, actor, user)),

    blockOnUserReport: (alertId, reporter) =>
      respond('block', alertId, reporter, (alert, user) => blockOpen(alert, reporter, user), onUserReport),

    approveOnUserReport: (alertId, reporter) =>
      respond('approve', alertId, reporter, (alert) => approveOpen(alert, reporter), onUserReport),

    unblock: (alertId, actor) =>
      respond('unblock', alertId, actor, async (alert) => {
        const started = await start(alert, ['blocked'], actor, 'unblock');
        if (!started.moved) return already(started.alert);
        return performUnblock(started.alert, actor, await store.listAlertActions(alert.id));
      }),

    async recoverInterrupted() {
      // Provider calls time out within about a minute: anything in progress this long has nobody working on it.
      const stuck = await store.listStuckAlerts(now() - (deps.interruptedAfterMs ?? 10 * 60_000));
      let recovered = 0;
      for (const alert of stuck) {
        const moved = await store.transitionAlert(alert.id, {
          from: ['in_progress'],
          to: 'failed',
          actor: alert.decidedBy ?? 'system',
          at: now(),
          ...(alert.decisionAction ? { action: alert.decisionAction } : {}),
          error: INTERRUPTED,
        });
        if (!moved.moved) continue;
        recovered += 1;
        logger.warn('an action was interrupted by a restart; its alert can be retried', {
          alertId: alert.id,
          action: alert.decisionAction,
        });
        await cards.refresh(alert.id);
      }
      return recovered;
    },

    retry: (alertId, actor) =>
      respond('retry', alertId, actor, async (alert, user) => {
        const started = await start(alert, ['failed'], actor);
        if (!started.moved) return already(started.alert);
        const previous = await store.listAlertActions(alert.id);
        if (started.alert.decisionAction === 'unblock') return performUnblock(started.alert, actor, previous);
        return performBlock(started.alert, actor, previous, user);
      }),
  };
}

function ciiFailure(err: unknown, login: string): string {
  if (!(err instanceof CiiError)) return 'unexpected error (see the app log)';
  switch (err.kind) {
    case 'not_found':
      return `CII has no user ${login}`;
    case 'credentials':
      return 'CII rejected this app’s API credentials';
    case 'unavailable':
      return 'CII is unreachable or too slow right now';
    case 'unexpected':
      return 'CII sent an answer this app did not expect';
  }
}

/** The audit outcome and detail of a click. */
function auditOutcome(outcome: ResponseOutcome): { outcome: string; detail?: string } {
  switch (outcome.kind) {
    case 'not_found':
      return { outcome: 'not_found' };
    case 'refused':
      return { outcome: `refused_${outcome.reason}`, ...(outcome.detail ? { detail: outcome.detail } : {}) };
    case 'already':
      return { outcome: `already_${outcome.alert.state}`, detail: `by ${outcome.alert.decidedBy ?? 'unknown'}` };
    case 'approved':
      return { outcome: 'approved' };
    case 'blocked':
    case 'unblocked':
      return { outcome: outcome.kind, detail: summarizeResults(outcome.results) };
    case 'failed':
      return { outcome: `${outcome.action}_failed`, detail: summarizeResults(outcome.results, outcome.error) };
  }
}
