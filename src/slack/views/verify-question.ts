import type { KnownBlock } from '@slack/types';
import { ACTION_IDS } from './action-ids.ts';
import { formatLocation, formatUtc, parseDate } from './format.ts';
import { buildMessage, clean, mrkdwn, plainText, type SlackMessage } from './limits.ts';

/** What a "was this you?" DM asks about: the user's own alerts, in plain words, without internal ids. */
export interface QuestionView {
  /** Only carried by the buttons, so a click finds its question. */
  questionId: number;
  name: string;
  alerts: ReadonlyArray<{ title: string; published: string }>;
  lastSignIn?: {
    at: string;
    location?: { city?: string | null; state?: string | null; country?: string | null };
    ip?: string;
  };
}

export type QuestionClosingView =
  | { kind: 'answered'; answer: 'yes' | 'no'; at: number; proof?: string }
  | { kind: 'expired'; at: number }
  | { kind: 'withdrawn'; at: number };

export const YES_LABEL = 'Yes, it was me';
export const NO_LABEL = "No, it wasn't me";
const SHOWN_ALERTS = 10;

function when(iso: string): string {
  const date = parseDate(iso);
  return date ? formatUtc(date) : clean(iso, 40);
}

function seenLines(view: QuestionView): string[] {
  const lines = view.alerts
    .slice(0, SHOWN_ALERTS)
    .map((a) => `• *${clean(a.title, 150)}* — reported ${when(a.published)}`);
  if (view.alerts.length > SHOWN_ALERTS) lines.push(`• …and ${view.alerts.length - SHOWN_ALERTS} more`);
  const signIn = view.lastSignIn;
  if (signIn) {
    const place = formatLocation(
      signIn.location
        ? { city: signIn.location.city, state: signIn.location.state, country: signIn.location.country }
        : undefined,
    );
    const parts = [`Your last sign-in: ${when(signIn.at)}`];
    if (place) parts.push(`from ${clean(place, 120)}`);
    if (signIn.ip) parts.push(`(IP ${clean(signIn.ip, 60)})`);
    lines.push(parts.join(' '));
  }
  return lines;
}

function intro(view: QuestionView): string {
  const what = view.alerts.length === 1 ? 'something on your account' : 'a few things on your account';
  return `Hi ${clean(view.name, 60)}, the security team's identity monitoring noticed ${what} and would like to check with you:`;
}

/** The DM: what was seen and two buttons. */
export function verifyQuestion(view: QuestionView): SlackMessage {
  const value = String(view.questionId);
  const blocks: KnownBlock[] = [
    { type: 'section', text: mrkdwn(intro(view)) },
    { type: 'section', text: mrkdwn(seenLines(view).join('\n')) },
    { type: 'section', text: mrkdwn('*Was this you?*') },
  ];
  const footer: KnownBlock[] = [
    {
      type: 'actions',
      elements: [
        { type: 'button', action_id: ACTION_IDS.verifyYes, text: plainText(YES_LABEL), style: 'primary', value },
        { type: 'button', action_id: ACTION_IDS.verifyNo, text: plainText(NO_LABEL), style: 'danger', value },
      ],
    },
  ];
  return buildMessage(`Was this you? ${view.alerts.map((a) => a.title).join(', ')}`, blocks, footer);
}

function closingText(closing: QuestionClosingView): string {
  const at = formatUtc(new Date(closing.at));
  switch (closing.kind) {
    case 'answered':
      return closing.answer === 'yes'
        ? `You answered *${YES_LABEL}* at ${at}. Thank you${closing.proof ? `. ${clean(closing.proof, 150)}` : ' — nothing else to do.'}`
        : `You answered *${NO_LABEL}* at ${at}. Thank you — the security team has been told and will take it from here.`;
    case 'expired':
      return `This question expired at ${at} without an answer; the security team will follow up if needed.`;
    case 'withdrawn':
      return `The security team already looked into this at ${at}; no answer is needed.`;
  }
}

/** The DM once answered, expired or withdrawn: same content, the buttons replaced by what became of it. */
export function verifyQuestionClosed(view: QuestionView, closing: QuestionClosingView): SlackMessage {
  const blocks: KnownBlock[] = [
    { type: 'section', text: mrkdwn(intro(view)) },
    { type: 'section', text: mrkdwn(seenLines(view).join('\n')) },
  ];
  return buildMessage(`Was this you? ${closingText(closing)}`, blocks, [
    { type: 'context', elements: [mrkdwn(closingText(closing))] },
  ]);
}
