import type { StoredAlert } from '../../store/types.ts';

/** A Slack account the question may go to. */
export interface VerifyPerson {
  id: string;
  realName?: string;
  deleted: boolean;
  isBot: boolean;
}

/** What one DM asks about, in the user's own terms: no internal ids, nobody else's data. */
export interface QuestionContent {
  /** Carried by the buttons only, so a click finds its question. */
  questionId: number;
  name: string;
  alerts: Array<{ title: string; published: string }>;
  /** The user's last sign-in CII knows of. */
  lastSignIn?: {
    at: string;
    location?: { city?: string | null; state?: string | null; country?: string | null };
    ip?: string;
  };
}

/** What became of a question, as its DM says once it is closed. */
export type QuestionClosing =
  | { kind: 'answered'; answer: 'yes' | 'no'; at: number; proof?: string }
  | { kind: 'expired'; at: number }
  /** The alerts were decided before the user answered. */
  | { kind: 'withdrawn'; at: number };

export type AskResult = { ok: true; channelId: string; ts: string } | { ok: false; permanent: boolean; reason: string };

/** The Slack side of asking users, implemented over the Web API; Slack failures are thrown as `SlackApiError`. */
export interface VerifySlack {
  findUser(email: string): Promise<VerifyPerson | undefined>;
  /**
   * Opens the DM with the user and posts the question (tagged with its id in the message metadata). A failure is
   * answered, not thrown: `permanent` when Slack will never take it (with Slack's code as the reason).
   */
  ask(userId: string, content: QuestionContent): Promise<AskResult>;
  /** The question's DM if an earlier attempt posted it (found by its metadata), so it is never sent twice. */
  findAsked(userId: string, questionId: number): Promise<{ channelId: string; ts: string } | undefined>;
  /** Replaces the question's buttons by what became of it; failures are logged, never thrown. */
  close(where: { channelId: string; ts: string }, content: QuestionContent, closing: QuestionClosing): Promise<void>;
}

/** What the analyst cards need from the verification: re-rendering and the escalation reply. */
export interface VerifyCards {
  refresh(alertId: string): Promise<void>;
  /** Replies under every copy of the card that the user says it was not them, mentioning `mention`. */
  escalate(alert: StoredAlert, escalation: { name: string; at: number; mention?: string }): Promise<void>;
}

export type AnswerOutcome =
  | { kind: 'answered'; answer: 'yes' | 'no' }
  | { kind: 'not_found' }
  /** Someone other than the asked user clicked (a forwarded message). */
  | { kind: 'not_yours' }
  /** Answered before, expired, or withdrawn. */
  | { kind: 'closed'; state: string; answer?: 'yes' | 'no' };

export interface VerificationService {
  /** One round of background work: resolves new alerts, sends due DMs, times out unanswered ones. */
  runOnce(): Promise<void>;
  answer(questionId: number, userId: string, answer: 'yes' | 'no'): Promise<AnswerOutcome>;
}

/** A Duo Push to the user (Duo Auth API), saying what it is for (`pushInfo`); only `approved` proves the answer came from them. */
export type DuoPush = (
  username: string,
  pushInfo: Record<string, string>,
) => Promise<{ kind: 'approved' } | { kind: 'denied' | 'timeout' | 'not_enrolled' | 'failed'; message: string }>;
