import type { CiiClient } from '../../cii/client.ts';
import { CiiError } from '../../cii/errors.ts';
import type { Logger } from '../../logger.ts';
import type { AuditStore } from '../../store/types.ts';
import type { Actor } from '../responses/types.ts';
import { auditTrail } from '../audit-trail.ts';

/** The decisions that need the responder's Duo Push first (CII_STEP_UP=duo); Retry redoes a Block or Unblock. */
export type StepUpVerb = 'block' | 'unblock' | 'retry' | 'approve';

export interface StepUpRequest {
  verb: StepUpVerb;
  /** The alert audited with the attempt (none for Approve all open, which names its finding in `note`). */
  alertId?: string;
  login?: string;
  /** Said on the responder's phone, e.g. "Block mia.johansson@example.com". */
  summary: string;
  /** Kept in the audit detail, e.g. "Approve all open". */
  note?: string;
}

export type StepUpRefusal = 'denied' | 'timeout' | 'no_duo_account' | 'not_enrolled' | 'failed';

export type StepUpResult = { kind: 'approved'; username: string } | { kind: StepUpRefusal; message: string };

/** A Duo Push (Duo Auth API); only `approved` proves the person holding the responder's phone agreed. */
export type StepUpPush = (
  username: string,
  pushInfo?: Record<string, string>,
) => Promise<{ kind: 'approved' } | { kind: 'denied' | 'timeout' | 'not_enrolled' | 'failed'; message: string }>;

export interface StepUpGate {
  /** Sends the Duo Push to the responder and waits for their answer; the attempt is audited whatever comes of it. */
  confirm(actor: Actor, request: StepUpRequest): Promise<StepUpResult>;
}

export interface StepUpDeps {
  push: StepUpPush;
  /** The responder's Slack profile email; undefined when Slack has none. */
  emailOf(userId: string): Promise<string | undefined>;
  cii: Pick<CiiClient, 'getEndUser'>;
  /** The Duo Admin API's user with this email, when a Duo Admin API application is configured. */
  duoUsernameByEmail?: (email: string) => Promise<string | undefined>;
  store: Pick<AuditStore, 'recordAudit'>;
  clock?: { now(): number };
  logger: Logger;
}

/**
 * Step-up before a decision: the responder proves with a Duo Push that they are at their own phone. Their Duo
 * username comes from CII (their Slack email as a CII user, its Duo account) or else the Duo Admin API.
 */
export function createStepUpGate(deps: StepUpDeps): StepUpGate {
  const { logger } = deps;
  const now = () => (deps.clock ?? Date).now();
  const audit = auditTrail({ store: deps.store, logger, now });

  async function fromCii(email: string): Promise<string | undefined> {
    try {
      const user = await deps.cii.getEndUser(email);
      return user.providerEndUserDetails.find((a) => a.provider.toUpperCase() === 'DUO')?.login ?? undefined;
    } catch (err) {
      if (!(err instanceof CiiError && err.kind === 'not_found'))
        logger.warn('could not ask CII for the Duo account of a responder', { err });
      return undefined;
    }
  }

  async function fromDuoAdmin(email: string): Promise<string | undefined> {
    if (!deps.duoUsernameByEmail) return undefined;
    try {
      return await deps.duoUsernameByEmail(email);
    } catch (err) {
      logger.warn('could not ask the Duo Admin API for the Duo account of a responder', { err });
      return undefined;
    }
  }

  async function attempt(actor: Actor, request: StepUpRequest): Promise<StepUpResult> {
    let email: string | undefined;
    try {
      email = await deps.emailOf(actor.userId);
    } catch (err) {
      logger.warn('could not read the Slack email of a responder for the Duo Push', { userId: actor.userId, err });
    }
    if (!email?.trim())
      return { kind: 'no_duo_account', message: 'Slack gave no email for you, so your Duo account cannot be found' };
    const username = (await fromCii(email)) ?? (await fromDuoAdmin(email));
    if (!username)
      return {
        kind: 'no_duo_account',
        message: `neither CII nor Duo lists a Duo account for ${email}, so no Duo Push can be sent to you`,
      };
    const result = await deps.push(username, { action: request.summary });
    if (result.kind === 'approved') return { kind: 'approved', username };
    if (result.kind === 'not_enrolled')
      return { kind: 'not_enrolled', message: `your Duo account ${username} has ${result.message}` };
    return result;
  }

  return {
    async confirm(actor, request) {
      let result: StepUpResult;
      try {
        result = await attempt(actor, request);
      } catch (err) {
        logger.error('the Duo Push before a decision failed', { userId: actor.userId, err });
        result = { kind: 'failed', message: 'the Duo Push could not be sent (see the app log)' };
      }
      const said = result.kind === 'approved' ? `Duo Push to ${result.username} approved` : result.message;
      await audit(actor, {
        alertId: request.alertId,
        login: request.login,
        action: request.verb,
        outcome: `step_up_${result.kind}`,
        detail: request.note ? `${request.note} — ${said}` : said,
      });
      return result;
    },
  };
}
