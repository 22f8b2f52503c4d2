import type { CiiClient } from '../../cii/client.ts';
import { CiiError } from '../../cii/errors.ts';
import type { EndUser } from '../../cii/schemas.ts';
import type { IdentityProviders } from '../../idp/registry.ts';
import type { Logger } from '../../logger.ts';
import type { OutboxStore, StoredAlert } from '../../store/types.ts';
import { ciiFailure } from './outcomes.ts';
import { identitiesOf, isSameIdentity } from './self-check.ts';
import type { Actor, DecisionVerb, RefusalReason, ResponseOutcome } from './types.ts';

/** A click refused, or allowed with CII's user (undefined when CII has none or was not asked). */
export type Checked = { refused: ResponseOutcome } | { user: EndUser | undefined };

export interface ClickerCheckDeps {
  store: Pick<OutboxStore, 'postedCopiesOf'>;
  cii: Pick<CiiClient, 'getEndUser'>;
  providers: IdentityProviders;
  /** CII_RESPONDERS membership (user ids and user groups); deny by default. */
  isResponder(userId: string): Promise<boolean>;
  /** The Slack profile email of a user; undefined when Slack has none. */
  emailOf(userId: string): Promise<string | undefined>;
  logger: Logger;
}

export function refuse(reason: RefusalReason, detail?: string) {
  return { refused: { kind: 'refused', reason, ...(detail ? { detail } : {}) } as const };
}

/** Who may decide an alert: a responder who is not the alert's user, or the user answering "was this you?". */
export function createClickerChecks(deps: ClickerCheckDeps) {
  const { store, cii, providers, logger } = deps;

  /** Refuses anyone who is not a responder, or whose Slack email cannot be read (the self check needs it). */
  async function actorCheck(
    actor: Actor,
  ): Promise<{ refused: ResponseOutcome & { kind: 'refused' } } | { email: string }> {
    if (!(await deps.isResponder(actor.userId))) return refuse('not_responder');
    let email: string | undefined;
    try {
      email = await deps.emailOf(actor.userId);
    } catch (err) {
      logger.warn('could not read the Slack email of a responder; refusing the action', { userId: actor.userId, err });
      return refuse('unverified');
    }
    if (email === undefined || email.trim() === '') return refuse('unverified');
    return { email };
  }

  /**
   * Refuses a click from anyone who is not a responder, or who is the alert's user under any login or address CII
   * knows for them. Otherwise gives CII's user (undefined when CII has none), which Block and its preview reuse.
   */
  async function check(verb: DecisionVerb, alert: StoredAlert, actor: Actor, fromCard = true): Promise<Checked> {
    // A click names its alert; it counts only from a message the app posted as that alert's card (Approve all
    // open comes from the finding's summary card instead).
    if (fromCard) {
      const copies = await store.postedCopiesOf(alert.id);
      if (!copies.some((c) => c.channelId === actor.channelId && c.ts === actor.messageTs)) return refuse('not_a_card');
    }
    const who = await actorCheck(actor);
    if ('refused' in who) return who;
    const { email } = who;
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
  function onUserReport(verb: DecisionVerb): Promise<Checked> {
    return Promise.resolve(
      verb === 'block' && Object.keys(providers).length === 0 ? refuse('no_providers') : { user: undefined },
    );
  }

  return { actorCheck, check, onUserReport };
}
