import type { KnownBlock } from '@slack/types';
import { buildMessage, clean, code, escapeMrkdwn, mrkdwn, type SlackMessage } from './limits.ts';
import { principalMention } from './links.ts';

/** What went wrong, as the views can tell it to the person who ran a command or clicked a button. */
export type Problem =
  | { kind: 'invalid_argument'; message: string; usage: string }
  /** `alsoTried`: other forms of the login looked up (the default email domain added). */
  | { kind: 'unknown_user'; login: string; alsoTried?: readonly string[] }
  | { kind: 'credentials' }
  | { kind: 'unavailable' }
  | { kind: 'unexpected' }
  /** `allowed`: Slack user and user-group ids of who may do it instead, shown as mentions. */
  | { kind: 'forbidden'; message: string; allowed?: readonly string[] }
  | { kind: 'internal' };

/** [mrkdwn for the block, raw text for the notification] */
function describe(problem: Problem): [string, string] {
  switch (problem.kind) {
    case 'invalid_argument': {
      const message = clean(problem.message, 500);
      return [
        `⚠️ ${message}\nUsage: \`${escapeMrkdwn(problem.usage)}\``,
        `${problem.message} — usage: ${problem.usage}`,
      ];
    }
    case 'unknown_user': {
      const logins = [problem.login, ...(problem.alsoTried ?? [])];
      return [
        `⚠️ CII has no user ${logins.map((l) => code(l, 200)).join(', nor ')}.`,
        `CII has no user ${logins.join(' nor ')}`,
      ];
    }
    case 'credentials': {
      const text = 'CII rejected this app’s API credentials — ask a Slack/CII admin to check CII_CLIENT_ID/SECRET.';
      return [`⚠️ ${text}`, text];
    }
    case 'unavailable': {
      const text = 'CII is unreachable or too slow right now — try again in a minute.';
      return [`⚠️ ${text}`, text];
    }
    case 'unexpected': {
      const text = 'CII sent an answer this app did not expect; it was logged for the admins.';
      return [`⚠️ ${text}`, text];
    }
    case 'forbidden': {
      const allowed = (problem.allowed ?? []).slice(0, 20).map(principalMention).join(', ');
      return [`⛔ ${clean(problem.message, 500)}${allowed ? ` ${allowed}` : ''}`, problem.message];
    }
    case 'internal': {
      const text = 'Something went wrong inside the app; it was logged for the admins.';
      return [`⚠️ ${text}`, text];
    }
  }
}

export function errorMessage(problem: Problem): SlackMessage {
  const [text, fallback] = describe(problem);
  const blocks: KnownBlock[] = [{ type: 'section', text: mrkdwn(text) }];
  return buildMessage(fallback, blocks);
}
