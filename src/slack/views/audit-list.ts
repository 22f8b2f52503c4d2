import type { KnownBlock } from '@slack/types';
import { formatUtc } from './format.ts';
import { buildMessage, chunkLines, clean, code, mrkdwn, type SlackMessage } from './limits.ts';
import { channelMention, userMention } from './links.ts';

/** One audited click on an alert's buttons. */
export interface AuditLineView {
  at: Date;
  userId: string;
  userName?: string;
  channelId?: string;
  login?: string;
  /** `approve`, `block`, `retry`, `unblock`. */
  action: string;
  /** `approved`, `blocked`, `block_failed`, `refused_not_responder`, `already_blocked`, … */
  outcome: string;
  detail?: string;
  /** Why, as the responder wrote it. */
  reason?: string;
}

export interface AuditListInput {
  /** The user the list is about; absent for the recent decisions overall. */
  login?: string;
  entries: AuditLineView[];
}

const outcomeWords = (outcome: string) => outcome.replace(/_/g, ' ');

/** `/cii audit [login]`: the recent clicks on alert buttons, newest first, with what came of them. */
export function auditList(input: AuditListInput): SlackMessage {
  const about = input.login ? ` about ${code(input.login, 200)}` : '';
  if (input.entries.length === 0) {
    return buildMessage(`No decisions recorded${input.login ? ` about ${input.login}` : ''} yet`, [
      { type: 'section', text: mrkdwn(`No Approve/Block decisions recorded${about} yet.`) },
    ]);
  }
  const lines = input.entries.map((e) => {
    const who = `${userMention(e.userId)}${e.userName ? ` (${clean(e.userName, 60)})` : ''}`;
    const user = e.login && !input.login ? ` · ${code(e.login, 150)}` : '';
    const where = e.channelId ? ` · in ${channelMention(e.channelId)}` : '';
    const detail = e.detail ? `\n    ${clean(e.detail, 400)}` : '';
    const reason = e.reason ? `\n    _Reason:_ ${clean(e.reason, 500)}` : '';
    return `• ${formatUtc(e.at)} — ${who} *${clean(e.action, 20)}* → ${clean(outcomeWords(e.outcome), 60)}${user}${where}${detail}${reason}`;
  });
  const blocks: KnownBlock[] = chunkLines([`*Recent decisions${about}* (newest first)`, ...lines]).map((text) => ({
    type: 'section',
    text: mrkdwn(text),
  }));
  return buildMessage(`${input.entries.length} recent decisions${input.login ? ` about ${input.login}` : ''}`, blocks);
}
