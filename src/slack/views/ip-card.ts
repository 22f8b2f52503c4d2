import type { KnownBlock } from '@slack/types';
import type { EndUserRef, EndUsersByIp } from './identity.ts';
import { cardFooter } from './card-footer.ts';
import { buildMessage, chunkLines, clean, code, LIMITS, mrkdwn, plainText, type SlackMessage } from './limits.ts';
import { mrkdwnLink } from './links.ts';

export interface IpCardInput {
  ip: string;
  result: EndUsersByIp;
  fetchedAt: Date;
  now: Date;
  share?: { value: string };
  sharedBy?: string;
  /** How many users to list before "+N more" (default 20). */
  maxShown?: number;
}

function userLine(user: EndUserRef): string {
  const name = user.displayName?.trim();
  const login = clean(user.login, 150);
  if (!name) return `• ${mrkdwnLink(user.referenceUrl, login)}`;
  return `• ${mrkdwnLink(user.referenceUrl, clean(name, 80))} · ${login}`;
}

/** The card answering `/cii ip <address>`: who CII has seen signing in from that IP. */
export function ipCard(input: IpCardInput): SlackMessage {
  const { result } = input;
  const ip = input.ip.trim();
  const count = result.users.length;
  const shown = result.users.slice(0, Math.max(0, input.maxShown ?? 20));
  const hidden = count - shown.length;
  const countText = `${count}${result.truncated ? '+' : ''} user${count === 1 && !result.truncated ? '' : 's'}`;

  if (count === 0 && !result.truncated) {
    const blocks: KnownBlock[] = [{ type: 'section', text: mrkdwn(`No users seen on ${code(ip, 100)}.`) }];
    return buildMessage(`CII: no users seen on ${ip}`, blocks, cardFooter(input));
  }

  const blocks: KnownBlock[] = [
    { type: 'header', text: plainText(`${countText} seen on ${ip}`, LIMITS.header) },
    ...chunkLines(shown.map(userLine)).map((text): KnownBlock => ({ type: 'section', text: mrkdwn(text) })),
  ];
  const more = [
    hidden > 0 && `+${hidden} more`,
    result.truncated && `CII has more users on this IP than the ${count} fetched`,
  ].filter((p): p is string => !!p);
  const moreBlocks: KnownBlock[] = more.length > 0 ? [{ type: 'context', elements: [mrkdwn(more.join(' · '))] }] : [];
  return buildMessage(`CII: ${countText} seen on ${ip}`, blocks, [...moreBlocks, ...cardFooter(input)]);
}
