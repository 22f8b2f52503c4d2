import { randomUUID } from 'node:crypto';
import type { EndUser } from '../../cii/schemas.ts';
import { isIdentityProviderName } from '../../idp/types.ts';
import { auditTrail } from '../audit-trail.ts';
import type {
  ActionStepStore,
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
import { actionLease } from './action-lease.ts';
import { blockPreview, previewBase } from './block-preview.ts';
import { createClickerChecks, refuse, type Checked, type ClickerCheckDeps } from './clicker-checks.ts';
import { auditOutcome, ciiFailure } from './outcomes.ts';
import { createProviderCalls, type Target } from './provider-calls.ts';
import { blockedAccounts, RECOVERED_NOTE, targetKey, toOutcome } from './provider-results.ts';
import type {
  Actor,
  AlertCards,
  BlockPreview,
  DecisionOptions,
  DecisionVerb,
  RefusalReason,
  ResponseOutcome,
  ResponseService,
} from './types.ts';

export interface ResponseServiceDeps extends Pick<
  ClickerCheckDeps,
  'cii' | 'providers' | 'isResponder' | 'emailOf' | 'logger'
> {
  store: Pick<
    AlertStore,
    | 'getAlert'
    | 'transitionAlert'
    | 'listAlertActions'
    | 'listFindingAlerts'
    | 'renewActionLease'
    | 'claimInterruptedActions'
  > &
    Pick<ActionStepStore, 'planActionSteps' | 'finishActionStep' | 'listActionSteps'> &
    Pick<AuditStore, 'recordAudit'> &
    Pick<OutboxStore, 'postedCopiesOf' | 'postedSummaryCopiesOf'>;
  cards: AlertCards;
  clock?: { now(): number };
  /** This replica, as named on the leases of the actions it works on (default: a random id). */
  owner?: string;
  /**
   * How long an action stays this replica's without a renewal (renewed every third of it while the work goes on);
   * once expired, any replica recovers the action (default 30 s).
   */
  leaseMs?: number;
}

/** Actions a sweep takes over at most (the rest wait for the next sweep). */
const RECOVERIES_PER_SWEEP = 20;

type Verb = DecisionVerb;

/** The states each decision starts from; any other state answers "already". */
const FROM: Record<Verb, AlertState[]> = {
  approve: ['open'],
  block: ['open', 'unblocked'],
  reopen: ['approved'],
  retry: ['failed'],
  // `failed`: a partial block (Unblock reverses what succeeded) or a failed unblock (Unblock finishes it).
  unblock: ['blocked', 'failed'],
  // A mute is about the check's next findings, whatever became of this one.
  mute: ['open', 'in_progress', 'approved', 'blocked', 'failed', 'unblocked'],
};

/** The audit detail of the approvals Approve all open makes. */
const APPROVE_ALL = 'Approve all open';

/** A reason as stored: trimmed, at most 500 characters, absent when empty. */
function reasonOf(options: DecisionOptions | undefined): { reason?: string } {
  const reason = options?.reason?.trim().slice(0, 500);
  return reason ? { reason } : {};
}

/** Approve / Block / Retry / Unblock of an alert: authorized, exactly once (compare-and-set in the store), audited. */
export function createResponseService(deps: ResponseServiceDeps): ResponseService {
  const { store, cii, providers, cards, logger } = deps;
  const now = () => (deps.clock ?? Date).now();
  const owner = deps.owner ?? `responses-${randomUUID()}`;
  const leaseMs = deps.leaseMs ?? 30_000;
  const calls = createProviderCalls({ store, providers, now, logger });
  const leased = actionLease({ store, owner, leaseMs, now, logger });
  const { actorCheck, check, onUserReport } = createClickerChecks(deps);

  /** Runs `work` for an authorized responder who is not the alert's user; audits whatever comes of the click. */
  async function respond<T extends { kind: string }>(
    verb: Verb,
    alertId: string,
    actor: Actor,
    work: (alert: StoredAlert, user: EndUser | undefined) => Promise<T | ResponseOutcome>,
    reason: { reason?: string } = {},
    authorize: (verb: Verb, alert: StoredAlert, actor: Actor) => Promise<Checked> = check,
  ): Promise<T | ResponseOutcome> {
    let alert: StoredAlert | undefined;
    let outcome: T | ResponseOutcome;
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
    const what = auditOutcome(outcome as ResponseOutcome);
    if (what) await audit(verb, actor, alertId, alert, { ...what, ...reason });
    return outcome;
  }

  /** The check before a modal: already decided, or allowed (then nothing is audited yet). */
  async function allowed(verb: Verb, alert: StoredAlert): Promise<ResponseOutcome> {
    if (!FROM[verb].includes(alert.state)) return already(alert);
    if (verb === 'unblock' && alert.state === 'failed') {
      if (blockedAccounts(await store.listAlertActions(alert.id)).length === 0) return already(alert);
    }
    return { kind: 'allowed', alert };
  }

  const trail = auditTrail({ store, logger, now });
  const audit = (
    verb: Verb,
    actor: Actor,
    alertId: string,
    alert: StoredAlert | undefined,
    what: { outcome: string; detail?: string; reason?: string },
  ): Promise<void> => trail(actor, { alertId, login: alert?.login, action: verb, ...what });

  const already = (alert: StoredAlert | undefined): ResponseOutcome =>
    alert ? { kind: 'already', alert } : { kind: 'not_found' };

  async function move(
    alert: StoredAlert,
    from: AlertState[],
    to: AlertState,
    actor: Actor,
    extra: { action?: ResponseAction; reason?: string; lease?: { owner: string; until: number } } = {},
  ) {
    return store.transitionAlert(alert.id, { from, to, actor: actor.userId, at: now(), ...extra });
  }

  /**
   * Starts provider work: the CAS into `in_progress` under this replica's lease, then every card loses its buttons
   * (no results shown).
   */
  async function start(
    alert: StoredAlert,
    from: AlertState[],
    actor: Actor,
    extra: { action?: ResponseAction; reason?: string } = {},
  ): Promise<TransitionResult> {
    const started = await move(alert, from, 'in_progress', actor, {
      ...extra,
      lease: { owner, until: now() + leaseMs },
    });
    if (started.moved) await cards.show(started.alert, []);
    return started;
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
      ...(alert.decisionReason ? { reason: alert.decisionReason } : {}),
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

  const attemptOf = (alert: StoredAlert, action: ResponseAction, actor: Actor) => ({
    alertId: alert.id,
    attempt: alert.version,
    action,
    actor: actor.userId,
  });

  /**
   * Blocks every configured provider account CII lists for the user, except those a previous attempt already
   * blocked. `repeat`: read each account first and skip what it shows done (Retry, recovery).
   */
  async function performBlock(
    alert: StoredAlert,
    actor: Actor,
    previous: AlertActionResult[],
    known: EndUser | undefined,
    repeat: boolean,
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
    const blocked = new Set(blockedAccounts(previous).map(targetKey));
    const todo = targets.filter((t) => !blocked.has(targetKey(t)));
    const results = await calls.run(attemptOf(alert, 'block', actor), todo, { repeat });
    return finish(alert, 'block', actor, previous, { results, complete: results.every((r) => r.ok) });
  }

  /** Reverses each block that succeeded and is not reversed yet (a previous attempt may have done some). */
  async function performUnblock(
    alert: StoredAlert,
    actor: Actor,
    previous: AlertActionResult[],
    repeat: boolean,
  ): Promise<ResponseOutcome> {
    const targets = blockedAccounts(previous);
    const results = await calls.run(attemptOf(alert, 'unblock', actor), targets, { repeat });
    return finish(alert, 'unblock', actor, previous, { results, complete: results.every((r) => r.ok) });
  }

  /**
   * Finishes an action whose replica died: journalled outcomes are kept, every account with an intent but no
   * outcome is read and acted on only if not done; with nothing journalled, the action runs as a repeat.
   */
  async function resume(alert: StoredAlert): Promise<ResponseOutcome> {
    const action = alert.decisionAction ?? 'block';
    const actor: Actor = { userId: alert.decidedBy ?? 'system' };
    const [previous, journal] = await Promise.all([
      store.listAlertActions(alert.id),
      store.listActionSteps(alert.id, alert.version),
    ]);
    if (journal.length === 0) {
      return action === 'block'
        ? performBlock(alert, actor, previous, undefined, true)
        : performUnblock(alert, actor, previous, true);
    }
    const results = await calls.run(attemptOf(alert, action, actor), journal, { repeat: true, journal });
    return finish(alert, action, actor, previous, { results, complete: results.every((r) => r.ok) });
  }

  /** The accounts CII lists for the user, split into those Block acts on and those it leaves alone. */
  async function preview(alert: StoredAlert, known: EndUser | undefined): Promise<BlockPreview> {
    try {
      // The self check read the user moments ago; asked again only when CII said it has none.
      return blockPreview(alert, known ?? (await cii.getEndUser(alert.login)), providers);
    } catch (err) {
      logger.warn('could not read the user from CII for the Block preview', { alertId: alert.id, err });
      return { ...previewBase(alert), targets: [], untouched: [], groupNames: [], error: ciiFailure(err, alert.login) };
    }
  }

  /** The alerts of a finding for Approve all open, or why not (a refusal is audited against its first alert). */
  async function findingFor(
    findingId: string,
    actor: Actor,
  ): Promise<StoredAlert[] | { kind: 'not_found' } | { kind: 'refused'; reason: RefusalReason }> {
    const alerts = await store.listFindingAlerts(findingId);
    const first = alerts[0];
    if (!first) return { kind: 'not_found' };
    // The click names its finding; it counts only from a message the app posted as that finding's summary card.
    const summaries = await store.postedSummaryCopiesOf(findingId);
    const fromSummary = summaries.some((c) => c.channelId === actor.channelId && c.ts === actor.messageTs);
    // The responder check is the same for every alert; the self check is made per alert.
    const who = fromSummary ? await actorCheck(actor) : refuse('not_a_card');
    if (!('refused' in who)) return alerts;
    await audit('approve', actor, first.id, first, {
      outcome: auditOutcome(who.refused)!.outcome,
      detail: APPROVE_ALL,
    });
    return who.refused;
  }

  const approveOne = async (alert: StoredAlert, actor: Actor, reason: { reason?: string }) => {
    const approved = await move(alert, ['open'], 'approved', actor, reason);
    if (approved.moved) await cards.show(approved.alert, []);
    return approved;
  };

  async function approveOpen(alert: StoredAlert, actor: Actor, reason: { reason?: string }): Promise<ResponseOutcome> {
    const approved = await approveOne(alert, actor, reason);
    if (!approved.moved) return already(approved.alert);
    return { kind: 'approved', alert: approved.alert };
  }

  async function blockOpen(
    alert: StoredAlert,
    actor: Actor,
    user: EndUser | undefined,
    reason: { reason?: string },
    from: AlertState[] = FROM.block,
  ): Promise<ResponseOutcome> {
    const started = await start(alert, from, actor, { action: 'block', ...reason });
    if (!started.moved) return already(started.alert);
    // Results are only recorded when an action leaves `in_progress`: an alert never decided has none.
    const previous = alert.state === 'open' && alert.version === 1 ? [] : await store.listAlertActions(alert.id);
    return leased(alert.id, () => performBlock(started.alert, actor, previous, user, false));
  }

  return {
    check: (verb, alertId, actor) => respond(verb, alertId, actor, (alert) => allowed(verb, alert)),

    previewBlock: (alertId, actor) =>
      respond('block', alertId, actor, async (alert, user) => {
        const check = await allowed('block', alert);
        if (check.kind !== 'allowed') return check;
        return { kind: 'preview' as const, alert, preview: await preview(alert, user) };
      }) as ReturnType<ResponseService['previewBlock']>,

    approve: (alertId, actor, options) =>
      respond('approve', alertId, actor, (alert) => approveOpen(alert, actor, reasonOf(options)), reasonOf(options)),

    blockOnUserReport: (alertId, reporter) =>
      respond(
        'block',
        alertId,
        reporter,
        (alert, user) => blockOpen(alert, reporter, user, {}, ['open']),
        {},
        onUserReport,
      ),

    approveOnUserReport: (alertId, reporter) =>
      respond('approve', alertId, reporter, (alert) => approveOpen(alert, reporter, {}), {}, onUserReport),

    async checkApproveAll(findingId, actor) {
      const alerts = await findingFor(findingId, actor);
      if (!Array.isArray(alerts)) return alerts;
      return { kind: 'open', title: alerts[0]!.title, open: alerts.filter((a) => a.state === 'open').length };
    },

    async approveAllOpen(findingId, actor, options) {
      const reason = reasonOf(options);
      const alerts = await findingFor(findingId, actor);
      if (!Array.isArray(alerts)) return alerts;
      const approved: StoredAlert[] = [];
      let own = 0;
      let decided = 0;
      for (const alert of alerts) {
        if (alert.state !== 'open') {
          decided += 1;
          continue;
        }
        // The same self check as one Approve: any login or address CII knows for the user (one CII read each).
        const checked = await check('approve', alert, actor, false);
        if ('refused' in checked) {
          own += 1;
          const refused = auditOutcome(checked.refused)!;
          await audit('approve', actor, alert.id, alert, { outcome: refused.outcome, detail: APPROVE_ALL });
          continue;
        }
        const moved = await approveOne(alert, actor, reason);
        if (!moved.moved) {
          decided += 1;
          continue;
        }
        approved.push(moved.alert);
        await audit('approve', actor, alert.id, alert, { outcome: 'approved', detail: APPROVE_ALL, ...reason });
      }
      return { kind: 'approved_all', approved, own, decided };
    },

    reopen: (alertId, actor) =>
      respond('reopen', alertId, actor, async (alert) => {
        const reopened = await move(alert, FROM.reopen, 'open', actor);
        if (!reopened.moved) return already(reopened.alert);
        await cards.show(reopened.alert, []);
        return { kind: 'reopened', alert: reopened.alert };
      }),

    block: (alertId, actor, options) =>
      respond(
        'block',
        alertId,
        actor,
        (alert, user) => blockOpen(alert, actor, user, reasonOf(options)),
        reasonOf(options),
      ),

    unblock: (alertId, actor) =>
      respond('unblock', alertId, actor, async (alert) => {
        const check = await allowed('unblock', alert);
        if (check.kind !== 'allowed') return check;
        const started = await start(alert, FROM.unblock, actor, { action: 'unblock' });
        if (!started.moved) return already(started.alert);
        const previous = await store.listAlertActions(alert.id);
        return leased(alert.id, () => performUnblock(started.alert, actor, previous, false));
      }),

    async recoverInterrupted() {
      let recovered = 0;
      // One at a time, each claimed just before its work starts renewing its lease.
      for (let taken = 0; taken < RECOVERIES_PER_SWEEP; taken++) {
        const [alert] = await store.claimInterruptedActions({ now: now(), owner, leaseMs, limit: 1 });
        if (!alert) break;
        logger.warn('recovering an action its replica left unfinished (its lease ran out)', {
          alertId: alert.id,
          action: alert.decisionAction,
        });
        let outcome: ResponseOutcome;
        try {
          outcome = await leased(alert.id, () => resume(alert));
        } catch (err) {
          // Its lease runs out again, and a later sweep (of any replica) takes it over.
          logger.error('could not recover an interrupted action', { alertId: alert.id, err });
          continue;
        }
        recovered += 1;
        const what = auditOutcome(outcome);
        if (what && alert.decisionAction) {
          await audit(alert.decisionAction, { userId: alert.decidedBy ?? 'system' }, alert.id, alert, {
            outcome: what.outcome,
            detail: what.detail ? `${RECOVERED_NOTE}: ${what.detail}` : RECOVERED_NOTE,
            ...(alert.decisionReason ? { reason: alert.decisionReason } : {}),
          });
        }
      }
      return recovered;
    },

    retry: (alertId, actor) =>
      respond('retry', alertId, actor, async (alert, user) => {
        const started = await start(alert, FROM.retry, actor, {
          ...(alert.decisionReason ? { reason: alert.decisionReason } : {}),
        });
        if (!started.moved) return already(started.alert);
        const previous = await store.listAlertActions(alert.id);
        // What failed may have been done after all (a timeout after the provider acted): read before repeating.
        return leased(alert.id, () =>
          started.alert.decisionAction === 'unblock'
            ? performUnblock(started.alert, actor, previous, true)
            : performBlock(started.alert, actor, previous, user, true),
        );
      }),
  };
}
