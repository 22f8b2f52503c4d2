import type { AlertVerification, StoredAlert, VerificationState } from './alert.ts';

export type QuestionState = 'collecting' | 'sending' | 'sent' | 'answered' | 'expired' | 'failed';

/** One "was this you?" DM to one user, listing one or more of their alerts. */
export interface VerifyQuestion {
  id: number;
  login: string;
  slackUserId: string;
  name: string;
  state: QuestionState;
  answer?: 'yes' | 'no';
  createdAt: number;
  /** Alerts of the same user arriving before this join the DM. */
  sendAfter: number;
  /** How many times sending was claimed: above 1, an earlier attempt may have posted it. */
  attempts: number;
  channelId?: string;
  ts?: string;
  sentAt?: number;
  answeredAt?: number;
  error?: string;
}

export type QueueResult =
  | { kind: 'queued'; question: VerifyQuestion; alert: StoredAlert }
  /** The user already got `recent` DMs in the last hour. */
  | { kind: 'limited'; recent: number }
  /** The alert is no longer being resolved by this caller (its lease expired and another took it). */
  | { kind: 'gone' };

/** Verification of alerts by their users, and the DMs that ask them. Every move is a compare-and-set. */
export interface VerificationStore {
  /** Leases alerts waiting to be resolved (`pending`, or `resolving` past its lease), oldest first. */
  claimPendingVerifications(options: { now: number; leaseMs: number; limit: number }): Promise<StoredAlert[]>;
  setVerification(
    alertId: string,
    change: { from: VerificationState[]; to: AlertVerification },
  ): Promise<{ moved: boolean; alert?: StoredAlert }>;
  /**
   * Puts a `resolving` alert into the user's open DM, or a new one sent after `windowMs`, unless the user already
   * got `maxPerHour` DMs in the hour before `now`.
   */
  queueQuestion(input: {
    alertId: string;
    login: string;
    slackUserId: string;
    name: string;
    now: number;
    windowMs: number;
    maxPerHour: number;
  }): Promise<QueueResult>;
  /** Leases the questions due to be sent (or whose sender died), oldest first. */
  claimDueQuestions(options: { now: number; leaseMs: number; limit: number }): Promise<VerifyQuestion[]>;
  getQuestion(id: number): Promise<VerifyQuestion | undefined>;
  /** The alerts a question asks about, oldest first. */
  questionAlerts(questionId: number): Promise<StoredAlert[]>;
  /**
   * Moves the question from one of `from` to `to` (with what `set` adds), and its alerts in one of `alertsFrom`
   * to `alertsTo`, in one transaction; nothing moves unless the question does. Returns the moved alerts.
   */
  moveQuestion(
    id: number,
    move: {
      from: QuestionState[];
      to: QuestionState;
      set?: Partial<Pick<VerifyQuestion, 'answer' | 'channelId' | 'ts' | 'sentAt' | 'answeredAt' | 'error'>>;
      alertsFrom: VerificationState[];
      alertsTo: AlertVerification;
    },
  ): Promise<{ moved: boolean; question?: VerifyQuestion; alerts: StoredAlert[] }>;
  /** Questions sent before `before` and still unanswered. */
  listUnansweredQuestions(before: number): Promise<VerifyQuestion[]>;
}
