import type { KnownBlock, ModalView } from '@slack/types';
import { buildMessage, clean, LIMITS, mrkdwn, plainText, type SlackMessage } from './limits.ts';

/** What comes of the responder's Duo Push (a structural copy of the step-up gate's result). */
export type StepUpResultView =
  | { kind: 'approved'; username: string }
  | { kind: 'denied' | 'timeout' | 'no_duo_account' | 'not_enrolled' | 'failed'; message: string };

/** The decision waiting for the push, in words: "Block of mia.johansson@example.com". */
export interface StepUpSubject {
  /** The modal's title, kept while it waits (at most 24 characters). */
  title: string;
  /** "Block", "Unblock", "Approve all open". */
  action: string;
  /** Whom or what it is about, plain text; unknown while the submission is acknowledged. */
  about?: string;
}

const section = (text: string): KnownBlock => ({ type: 'section', text: mrkdwn(text) });
const subjectOf = (s: StepUpSubject) => `*${clean(s.action, 40)}*${s.about ? ` of ${clean(s.about, 300)}` : ''}`;
const plainSubject = (s: StepUpSubject) => `${s.action}${s.about ? ` of ${s.about}` : ''}`;

function waitingText(s: StepUpSubject): string {
  return `📱 *Approve the Duo Push on your phone…*\n${subjectOf(s)} goes ahead only once you approve it; nothing is done until then. Deny the push to call it off.`;
}

function resultText(s: StepUpSubject, result: StepUpResultView): string {
  if (result.kind === 'approved')
    return `✅ Duo Push approved. ${subjectOf(s)} is going ahead: the card shows what it did.`;
  return `❌ ${subjectOf(s)} was *not done*: ${clean(result.message, 400)}. Nothing was changed.`;
}

function modal(s: StepUpSubject, blocks: KnownBlock[]): ModalView {
  return {
    type: 'modal',
    title: plainText(s.title, LIMITS.modalTitle),
    close: plainText('Close', LIMITS.modalTitle),
    blocks,
  };
}

/** The decision modal once submitted, while the responder's Duo Push waits (acknowledged within Slack's 3 s). */
export function stepUpWaitingModal(s: StepUpSubject): ModalView {
  return modal(s, [section(waitingText(s))]);
}

/** The same modal once the push was answered, or the decision refused before any push (`refusal`'s blocks). */
export function stepUpResultModal(s: StepUpSubject, outcome: StepUpResultView | readonly KnownBlock[]): ModalView {
  return modal(s, 'kind' in outcome ? [section(resultText(s, outcome))] : [...outcome]);
}

/** To the clicker alone, for a button without a modal (Unblock). */
export function stepUpWaitingMessage(s: StepUpSubject): SlackMessage {
  return buildMessage(`Approve the Duo Push on your phone: ${plainSubject(s)} waits for it`, [section(waitingText(s))]);
}

export function stepUpResultMessage(s: StepUpSubject, result: StepUpResultView): SlackMessage {
  const plain =
    result.kind === 'approved'
      ? `Duo Push approved: ${plainSubject(s)} is going ahead`
      : `${plainSubject(s)} was not done: ${result.message}`;
  return buildMessage(plain, [section(resultText(s, result))]);
}
