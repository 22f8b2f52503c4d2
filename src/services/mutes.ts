import type { Logger } from '../logger.ts';
import { auditTrail } from './audit-trail.ts';
import type { AlertStore, AuditStore, Mute, MuteStore, OutboxStore, PostedCopy } from '../store/types.ts';
import type { Actor, RefusalReason, ResponseService, StoredAlert } from './responses/types.ts';

export type { Mute, PostedCopy };

const HOUR_MS = 3600_000;

/** How long a mute lasts, as the card's menu offers it. */
export const MUTE_DURATIONS = { '24h': 24 * HOUR_MS, '7d': 7 * 24 * HOUR_MS, '30d': 30 * 24 * HOUR_MS } as const;
export type MuteDuration = keyof typeof MUTE_DURATIONS;

export const isMuteDuration = (value: string): value is MuteDuration => Object.hasOwn(MUTE_DURATIONS, value);

/** "24 hours", "7 days", "30 days". */
export function durationWords(duration: MuteDuration): string {
  const hours = MUTE_DURATIONS[duration] / HOUR_MS;
  return hours < 48 ? `${hours} hours` : `${hours / 24} days`;
}

/** The menu's choices, shortest first. */
export const muteChoices: readonly { value: MuteDuration; words: string }[] = (
  Object.keys(MUTE_DURATIONS) as MuteDuration[]
).map((value) => ({ value, words: durationWords(value) }));

export type MuteCheck =
  | { kind: 'not_found' }
  | { kind: 'refused'; reason: RefusalReason; detail?: string }
  | { kind: 'allowed'; alert: StoredAlert }
  /** The check is already muted for this user. */
  | { kind: 'already'; mute: Mute };

export type MuteOutcome =
  | Exclude<MuteCheck, { kind: 'allowed' }>
  /** `withdrawn`: cards of the check for the user that were waiting to be posted and now will not be. */
  | { kind: 'muted'; mute: Mute; withdrawn: number };

export type UnmuteOutcome =
  | { kind: 'refused'; reason: 'not_responder' }
  | { kind: 'unmuted'; mute: Mute }
  /** Lifted by someone else, or expired, meanwhile (undefined: no such mute). */
  | { kind: 'not_active'; mute?: Mute };

/** What the threads of a muted alert's cards are told; implemented over Slack, failures logged there. */
export interface MuteNotices {
  muted(copies: readonly PostedCopy[], mute: Mute, duration: MuteDuration): Promise<void>;
  unmuted(copies: readonly PostedCopy[], mute: Mute): Promise<void>;
}

export interface MuteService {
  /** Whether the actor may mute the check of this alert for its user (refusals audited), before the modal opens. */
  check(alertId: string, actor: Actor): Promise<MuteCheck>;
  /** Mutes the alert's check for its user, once whatever the concurrent submits; audited and told in its threads. */
  mute(alertId: string, actor: Actor, options: { duration: MuteDuration; reason?: string }): Promise<MuteOutcome>;
  /** The mutes in force, soonest to end first. */
  active(): Promise<Mute[]>;
  /** Lifts a mute before its end (responders only); audited and told in the threads of the card it came from. */
  unmute(muteId: number, actor: Actor): Promise<UnmuteOutcome>;
}

/** A time as the audit detail says it: `2026-12-07 08:00 UTC`. */
const utc = (ms: number) => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

export function createMuteService(deps: {
  store: Pick<MuteStore, 'addMute' | 'getMute' | 'listActiveMutes' | 'liftMute'> &
    Pick<AlertStore, 'getAlert'> &
    Pick<AuditStore, 'recordAudit'> &
    Pick<OutboxStore, 'postedCopiesOf'>;
  /** The responder, card and self checks of a decision (refusals audited there). */
  responses: Pick<ResponseService, 'check'>;
  /** CII_RESPONDERS membership; deny by default. */
  isResponder(userId: string): Promise<boolean>;
  notices: MuteNotices;
  clock?: { now(): number };
  logger: Logger;
}): MuteService {
  const { store, notices, logger } = deps;
  const now = () => (deps.clock ?? Date).now();
  const trail = auditTrail({ store, logger, now });
  const audit = (
    action: 'mute' | 'unmute',
    actor: Actor,
    what: { outcome: string; detail: string; mute?: Mute; reason?: string },
  ): Promise<void> =>
    trail(actor, {
      alertId: what.mute?.alertId,
      login: what.mute?.login,
      action,
      outcome: what.outcome,
      detail: what.detail,
      ...(what.reason ? { reason: what.reason } : {}),
    });

  const copiesOf = (alertId: string | undefined) =>
    alertId === undefined
      ? Promise.resolve([])
      : store.postedCopiesOf(alertId).catch((err: unknown) => {
          logger.error('could not list the posted cards of a muted alert', { alertId, err });
          return [];
        });

  async function activeMuteOf(alert: StoredAlert): Promise<Mute | undefined> {
    const login = alert.login.toLowerCase();
    return (await store.listActiveMutes({ now: now(), checkId: alert.checkId })).find(
      (m) => m.login.toLowerCase() === login,
    );
  }

  async function check(alertId: string, actor: Actor): Promise<MuteCheck> {
    const checked = await deps.responses.check('mute', alertId, actor);
    // Every state may be muted: anything but a refusal or an allowed alert means there is none.
    if (checked.kind !== 'allowed') return checked.kind === 'refused' ? checked : { kind: 'not_found' };
    const active = await activeMuteOf(checked.alert);
    return active ? { kind: 'already', mute: active } : { kind: 'allowed', alert: checked.alert };
  }

  const what = (m: Mute) => `${m.title} (${m.checkId})`;

  async function alreadyMuted(actor: Actor, mute: Mute): Promise<MuteOutcome> {
    await audit('mute', actor, {
      outcome: 'already_muted',
      detail: `${what(mute)} until ${utc(mute.expiresAt)}, by ${mute.createdBy}`,
      mute,
    });
    return { kind: 'already', mute };
  }

  return {
    check,

    async mute(alertId, actor, { duration, reason }) {
      const checked = await check(alertId, actor);
      if (checked.kind === 'already') return alreadyMuted(actor, checked.mute);
      if (checked.kind !== 'allowed') return checked;
      const { alert } = checked;
      const at = now();
      const trimmed = reason?.trim().slice(0, 500);
      const added = await store.addMute({
        checkId: alert.checkId,
        login: alert.login,
        title: alert.title,
        ...(alert.displayName ? { displayName: alert.displayName } : {}),
        alertId: alert.id,
        ...(actor.channelId ? { channelId: actor.channelId } : {}),
        createdBy: actor.userId,
        createdAt: at,
        expiresAt: at + MUTE_DURATIONS[duration],
        ...(trimmed ? { reason: trimmed } : {}),
      });
      const { mute, withdrawn } = added;
      if (!added.created) return alreadyMuted(actor, mute);
      logger.info('muted a check for a user', {
        muteId: mute.id,
        checkId: mute.checkId,
        userId: actor.userId,
        withdrawnCards: withdrawn,
      });
      const queued = withdrawn > 0 ? `; ${withdrawn} queued card${withdrawn === 1 ? '' : 's'} withdrawn` : '';
      await audit('mute', actor, {
        outcome: 'muted',
        detail: `${what(mute)} for ${durationWords(duration)}, until ${utc(mute.expiresAt)}${queued}`,
        mute,
        ...(mute.reason ? { reason: mute.reason } : {}),
      });
      await notices.muted(await copiesOf(mute.alertId), mute, duration);
      return { kind: 'muted', mute, withdrawn };
    },

    active: () => store.listActiveMutes({ now: now() }),

    async unmute(muteId, actor) {
      if (!(await deps.isResponder(actor.userId))) {
        const mute = await store.getMute(muteId);
        await audit('unmute', actor, {
          outcome: 'refused_not_responder',
          detail: mute ? what(mute) : `mute ${muteId}`,
          ...(mute ? { mute } : {}),
        });
        return { kind: 'refused', reason: 'not_responder' };
      }
      const lifted = await store.liftMute(muteId, { by: actor.userId, at: now() });
      if (!lifted) {
        const mute = await store.getMute(muteId);
        return mute ? { kind: 'not_active', mute } : { kind: 'not_active' };
      }
      logger.info('lifted a mute', { muteId, userId: actor.userId });
      await audit('unmute', actor, {
        outcome: 'unmuted',
        detail: `${what(lifted)}, muted until ${utc(lifted.expiresAt)}`,
        mute: lifted,
      });
      await notices.unmuted(await copiesOf(lifted.alertId), lifted);
      return { kind: 'unmuted', mute: lifted };
    },
  };
}
