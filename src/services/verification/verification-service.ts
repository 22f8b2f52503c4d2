import type { CiiClient } from '../../cii/client.ts';
import { CiiError } from '../../cii/errors.ts';
import type { EndUser } from '../../cii/schemas.ts';
import type { Logger } from '../../logger.ts';
import { auditTrail } from '../audit-trail.ts';
import type { AlertStore, AuditStore, StoredAlert, VerificationStore, VerifyQuestion } from '../../store/types.ts';
import type { ResponseService } from '../responses/types.ts';
import { verifyPushInfo } from './push-info.ts';
import type {
  AnswerOutcome,
  DuoPush,
  QuestionContent,
  VerificationService,
  VerifyCards,
  VerifySlack,
} from './types.ts';

export interface VerificationSettings {
  groupWindowMs: number;
  maxPerHour: number;
  timeoutMinutes: number;
  escalationMention?: string;
  /** `block`: a user's "No, it wasn't me" blocks the alert at once, as their own decision. */
  onDeny?: 'block' | 'none';
  /** `approve`: a "Yes, it was me" proven with Duo approves the alert. */
  onConfirm?: 'approve' | 'none';
}

export interface VerificationDeps {
  store: Pick<
    VerificationStore,
    | 'claimPendingVerifications'
    | 'setVerification'
    | 'queueQuestion'
    | 'claimDueQuestions'
    | 'getQuestion'
    | 'questionAlerts'
    | 'moveQuestion'
    | 'listUnansweredQuestions'
  > &
    Pick<AlertStore, 'getAlert'> &
    Pick<AuditStore, 'recordAudit'>;
  cii: Pick<CiiClient, 'getEndUser'>;
  slack: VerifySlack;
  cards: VerifyCards;
  /** When set, a "Yes, it was me" counts only once a Duo Push to the user is approved. */
  duoPush?: DuoPush;
  /** Takes the decisions the settings' policies ask for. */
  responses?: Pick<ResponseService, 'blockOnUserReport' | 'approveOnUserReport'>;
  settings: VerificationSettings;
  clock?: { now(): number };
  /** How long one replica may hold an alert or a DM it is working on (default 15 s; a failed try waits this long). */
  leaseMs?: number;
  logger: Logger;
}

/** CII classifications of accounts that are not one person: nobody to ask. */
const NOT_A_PERSON: Record<string, string> = {
  SERVICE_ACCOUNT: 'is a service account in CII',
  SHARED_MAILBOX: 'is a shared mailbox in CII',
  OTHER_MAILBOX: 'is a shared mailbox in CII',
  CONFERENCE_ROOM: 'is a conference room in CII',
  EQUIPMENT_MAILBOX: 'is an equipment mailbox in CII',
};

/** Sending a DM is given up after this many attempts (each after its lease ran out). */
const MAX_SEND_ATTEMPTS = 5;
const BATCH = 20;

const firstName = (name: string | undefined | null) => name?.trim().split(/\s+/)[0] || undefined;

/** "Was this you?": asks the affected user of an alert in a DM, and records the answer on the alert. */
export function createVerificationService(deps: VerificationDeps): VerificationService {
  const { store, cii, slack, cards, settings, logger } = deps;
  const now = () => (deps.clock ?? Date).now();
  const leaseMs = deps.leaseMs ?? 15_000;
  const timeoutMs = settings.timeoutMinutes * 60_000;

  /** Audits what happened to each alert; `userId` is the asked user, or `app` when nobody was asked. */
  const trail = auditTrail({ store, logger, now });
  async function audit(
    alerts: readonly StoredAlert[],
    { userId, ...what }: { userId: string; action: 'verify_ask' | 'verify_answer'; outcome: string; detail?: string },
  ) {
    for (const alert of alerts) await trail({ userId }, { alertId: alert.id, login: alert.login, ...what });
  }

  const refresh = (alerts: readonly StoredAlert[]) => Promise.all(alerts.map((a) => cards.refresh(a.id)));

  async function notAsked(alert: StoredAlert, reason: string, name?: string) {
    const set = await store.setVerification(alert.id, {
      from: ['resolving', 'queued'],
      to: { state: 'not_asked', reason, at: now(), ...(name ? { name } : {}) },
    });
    if (!set.moved) return;
    logger.info('not asking the user about an alert', { alertId: alert.id, reason });
    await audit([alert], { userId: 'app', action: 'verify_ask', outcome: 'not_asked', detail: reason });
    await cards.refresh(alert.id);
  }

  async function readUser(login: string): Promise<EndUser | undefined> {
    try {
      return await cii.getEndUser(login);
    } catch (err) {
      if (err instanceof CiiError && err.kind === 'not_found') return undefined;
      throw err;
    }
  }

  /** The login first, then every other email CII knows for the user. */
  function emailsOf(login: string, user: EndUser | undefined): string[] {
    const all = [
      login,
      ...(user?.endUserDetails.emails ?? []),
      ...(user?.providerEndUserDetails.map((a) => a.email ?? '') ?? []),
    ];
    return [...new Set(all.map((e) => e.trim().toLowerCase()).filter((e) => e.includes('@')))];
  }

  /** Finds whom to ask about one alert, then queues it in their DM or says why they are not asked. */
  async function resolve(alert: StoredAlert): Promise<void> {
    if (alert.state !== 'open') return notAsked(alert, 'the alert was already decided');
    let user: EndUser | undefined;
    let person;
    try {
      user = await readUser(alert.login);
      const classification = user?.endUserDetails.userTypeClassification ?? '';
      const notPerson = NOT_A_PERSON[classification.toUpperCase()];
      if (notPerson) return notAsked(alert, `${alert.login} ${notPerson}`);
      for (const email of emailsOf(alert.login, user)) {
        person = await slack.findUser(email);
        if (person) break;
      }
    } catch (err) {
      // CII or Slack unreachable: the lease runs out and the alert is resolved again, until it is too old.
      if (now() - alert.createdAt > timeoutMs) {
        return notAsked(alert, 'CII or Slack could not be reached to find the user');
      }
      logger.warn('could not find whom to ask about an alert; trying again later', { alertId: alert.id, err });
      return;
    }
    if (!person) return notAsked(alert, `${alert.login} is not in Slack (no Slack account has their email)`);
    if (person.deleted) return notAsked(alert, `${alert.login} is deactivated in Slack`);
    if (person.isBot) return notAsked(alert, `${alert.login} is a bot in Slack`);
    const name = firstName(user?.endUserDetails.displayName) ?? firstName(person.realName) ?? alert.login;
    const queued = await store.queueQuestion({
      alertId: alert.id,
      login: alert.login,
      slackUserId: person.id,
      name,
      now: now(),
      windowMs: settings.groupWindowMs,
      maxPerHour: settings.maxPerHour,
    });
    if (queued.kind === 'limited') {
      return notAsked(
        alert,
        `${name} was already asked ${queued.recent} times in the last hour (CII_VERIFY_MAX_PER_HOUR)`,
        name,
      );
    }
    if (queued.kind === 'queued') await cards.refresh(alert.id);
  }

  async function contentOf(question: VerifyQuestion, alerts: readonly StoredAlert[]): Promise<QuestionContent> {
    let user;
    try {
      user = await readUser(question.login);
    } catch (err) {
      logger.warn('could not read the last sign-in for a question; asking without it', { err });
    }
    return contentFrom(question, alerts, user);
  }

  function contentFrom(
    question: VerifyQuestion,
    alerts: readonly StoredAlert[],
    user: EndUser | undefined,
  ): QuestionContent {
    const signIn = user?.endUserDetails.lastSignIn ?? undefined;
    return {
      questionId: question.id,
      name: question.name,
      alerts: alerts.map((a) => ({ title: a.title, published: a.published })),
      ...(signIn
        ? {
            lastSignIn: {
              at: signIn.timestamp,
              ...(signIn.location ? { location: signIn.location } : {}),
              ...(signIn.ipAddress ? { ip: signIn.ipAddress } : {}),
            },
          }
        : {}),
    };
  }

  async function failQuestion(question: VerifyQuestion, reason: string) {
    const failed = await store.moveQuestion(question.id, {
      from: ['sending'],
      to: 'failed',
      set: { error: reason },
      alertsFrom: ['queued'],
      alertsTo: { state: 'not_asked', reason, at: now(), name: question.name },
    });
    await audit(failed.alerts, { userId: 'app', action: 'verify_ask', outcome: 'not_asked', detail: reason });
    await refresh(failed.alerts);
  }

  /** Sends one due DM, unless an earlier attempt already did (then it is only recorded). */
  async function send(question: VerifyQuestion): Promise<void> {
    const queued = (await store.questionAlerts(question.id)).filter((a) => a.verification?.state === 'queued');
    const decided = queued.filter((a) => a.state !== 'open');
    for (const alert of decided) await notAsked(alert, 'the alert was already decided');
    const alerts = queued.filter((a) => a.state === 'open');
    if (alerts.length === 0) return failQuestion(question, 'nothing left to ask');
    let where: { channelId: string; ts: string } | undefined;
    try {
      if (question.attempts > 1) where = await slack.findAsked(question.slackUserId, question.id);
    } catch (err) {
      logger.warn('could not check whether a question was already sent; trying again later', {
        questionId: question.id,
        err,
      });
      return;
    }
    if (!where) {
      const asked = await slack.ask(question.slackUserId, await contentOf(question, alerts));
      if (!asked.ok) {
        if (asked.permanent || question.attempts >= MAX_SEND_ATTEMPTS) {
          logger.warn('could not send a question', { questionId: question.id, reason: asked.reason });
          return failQuestion(question, asked.permanent ? `Slack refused the DM (${asked.reason})` : asked.reason);
        }
        logger.warn('could not send a question yet; trying again when its lease runs out', {
          questionId: question.id,
          reason: asked.reason,
        });
        return;
      }
      where = asked;
    }
    const at = now();
    const sent = await store.moveQuestion(question.id, {
      from: ['sending'],
      to: 'sent',
      set: { channelId: where.channelId, ts: where.ts, sentAt: at },
      alertsFrom: ['queued'],
      alertsTo: { state: 'asked', name: question.name, at },
    });
    await audit(sent.alerts, { userId: question.slackUserId, action: 'verify_ask', outcome: 'asked' });
    await refresh(sent.alerts);
  }

  async function expire(question: VerifyQuestion): Promise<void> {
    const at = now();
    const expired = await store.moveQuestion(question.id, {
      from: ['sent'],
      to: 'expired',
      alertsFrom: ['asked'],
      alertsTo: {
        state: 'timed_out',
        name: question.name,
        at,
        reason: `no answer after ${settings.timeoutMinutes} min`,
      },
    });
    if (!expired.moved) return;
    if (expired.question?.channelId && expired.question.ts) {
      const all = await store.questionAlerts(question.id);
      await slack.close(
        { channelId: expired.question.channelId, ts: expired.question.ts },
        await contentOf(question, all),
        { kind: 'expired', at },
      );
    }
    await audit(expired.alerts, { userId: question.slackUserId, action: 'verify_answer', outcome: 'timed_out' });
    await refresh(expired.alerts);
  }

  /** Sends the Duo Push that proves a "Yes"; the alerts are confirmed only when it is approved. */
  async function prove(push: DuoPush, question: VerifyQuestion, alerts: readonly StoredAlert[], userId: string) {
    let result: Awaited<ReturnType<DuoPush>>;
    try {
      const user = await readUser(question.login);
      const duo = user?.providerEndUserDetails.find((a) => a.provider.toUpperCase() === 'DUO');
      result = duo
        ? await push(duo.login, verifyPushInfo(contentFrom(question, alerts, user)))
        : { kind: 'not_enrolled', message: `CII lists no Duo account for ${question.login}` };
    } catch (err) {
      logger.warn('could not send the Duo Push that proves an answer', { questionId: question.id, err });
      result = { kind: 'failed', message: 'the Duo Push could not be sent (see the app log)' };
    }
    const at = now();
    const to =
      result.kind === 'approved'
        ? { state: 'confirmed' as const, name: question.name, at, proof: 'Duo Push approved' }
        : { state: 'unproven' as const, name: question.name, at, reason: result.message };
    const proven: StoredAlert[] = [];
    for (const alert of alerts) {
      const set = await store.setVerification(alert.id, { from: ['confirming'], to });
      if (set.moved && set.alert) proven.push(set.alert);
    }
    await audit(proven, {
      userId,
      action: 'verify_answer',
      outcome: result.kind === 'approved' ? 'duo_push_approved' : `duo_push_${result.kind}`,
      ...(result.kind === 'approved' ? {} : { detail: result.message }),
    });
    if (question.channelId && question.ts) {
      await slack.close(
        { channelId: question.channelId, ts: question.ts },
        await contentOf(question, await store.questionAlerts(question.id)),
        {
          kind: 'answered',
          answer: 'yes',
          at,
          proof: result.kind === 'approved' ? 'Duo Push approved.' : `Not confirmed: ${result.message}.`,
        },
      );
    }
    await refresh(proven);
    if (result.kind === 'approved' && settings.onConfirm === 'approve')
      await decideOnReport('approve', proven, userId, question.name);
  }

  /** The decision a policy takes on the user's own answer; each alert is decided exactly once by the response service. */
  async function decideOnReport(
    verb: 'block' | 'approve',
    alerts: readonly StoredAlert[],
    userId: string,
    name: string,
  ) {
    if (!deps.responses) return;
    for (const alert of alerts) {
      const reporter = { userId, userName: `${name} (their own answer)` };
      try {
        const outcome =
          verb === 'block'
            ? await deps.responses.blockOnUserReport(alert.id, reporter)
            : await deps.responses.approveOnUserReport(alert.id, reporter);
        logger.info(`${verb} on the user's own answer`, { alertId: alert.id, outcome: outcome.kind });
      } catch (err) {
        logger.error(`could not ${verb} on the user's own answer`, { alertId: alert.id, err });
      }
    }
  }

  async function step<T>(what: string, items: readonly T[], work: (item: T) => Promise<void>) {
    for (const item of items) {
      await work(item).catch((err: unknown) => logger.error(`could not ${what}`, { err }));
    }
  }

  return {
    async runOnce() {
      const t = now();
      await step(
        'resolve whom to ask about an alert',
        await store.claimPendingVerifications({ now: t, leaseMs, limit: BATCH }),
        resolve,
      );
      await step('send a question', await store.claimDueQuestions({ now: t, leaseMs, limit: BATCH }), send);
      await step('time out a question', await store.listUnansweredQuestions(t - timeoutMs), expire);
    },

    async answer(questionId, userId, answer): Promise<AnswerOutcome> {
      const question = await store.getQuestion(questionId);
      if (!question) return { kind: 'not_found' };
      if (question.slackUserId !== userId) return { kind: 'not_yours' };
      const at = now();
      const answered = await store.moveQuestion(questionId, {
        from: ['sent'],
        to: 'answered',
        set: { answer, answeredAt: at },
        alertsFrom: ['asked'],
        alertsTo:
          answer === 'no'
            ? { state: 'denied', name: question.name, at }
            : { state: deps.duoPush ? 'confirming' : 'confirmed', name: question.name, at },
      });
      if (!answered.moved) {
        const current = answered.question ?? question;
        return { kind: 'closed', state: current.state, ...(current.answer ? { answer: current.answer } : {}) };
      }
      if (question.channelId && question.ts) {
        const all = await store.questionAlerts(questionId);
        await slack.close({ channelId: question.channelId, ts: question.ts }, await contentOf(question, all), {
          kind: 'answered',
          answer,
          at,
          ...(answer === 'yes' && deps.duoPush
            ? { proof: 'Approve the Duo Push on your phone to confirm it was you.' }
            : {}),
        });
      }
      await audit(answered.alerts, {
        userId,
        action: 'verify_answer',
        outcome: answer === 'yes' ? 'yes_it_was_me' : 'no_it_was_not_me',
      });
      await refresh(answered.alerts);
      if (answer === 'no') {
        for (const alert of answered.alerts) {
          await cards.escalate(alert, {
            name: question.name,
            at,
            ...(settings.escalationMention ? { mention: settings.escalationMention } : {}),
          });
        }
      }
      if (answer === 'yes' && deps.duoPush) await prove(deps.duoPush, question, answered.alerts, userId);
      if (answer === 'no' && settings.onDeny === 'block')
        await decideOnReport('block', answered.alerts, userId, question.name);
      return { kind: 'answered', answer };
    },
  };
}
