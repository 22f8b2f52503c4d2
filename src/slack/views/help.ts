import type { KnownBlock } from '@slack/types';
import { buildMessage, clean, escapeMrkdwn, mrkdwn, type SlackMessage } from './limits.ts';

/** The syntax of each `/cii` subcommand, as raw text (escape it before putting it in mrkdwn). */
export const USAGE = {
  help: '/cii help',
  user: '/cii user <email-or-login>',
  ip: '/cii ip <IPv4|IPv6>',
  status: '/cii status',
  subscribe: '/cii subscribe [<check-id> ...] [severity:<low|medium|high|critical>]',
  unsubscribe: '/cii unsubscribe <id>|all',
  subscriptions: '/cii subscriptions',
  audit: '/cii audit [<login>]',
} as const;

export type Subcommand = keyof typeof USAGE;

const DESCRIPTIONS: Record<Subcommand, string> = {
  help: 'Show this help.',
  user: 'Look a user up in CII: status, last sign-in, devices, accounts, groups.',
  ip: 'List the users CII has seen on an IP address.',
  status: 'Check the connection to CII and the health of its integrations.',
  subscribe: 'Post CII alerts in this channel: all checks or the ones listed, from a minimum severity.',
  unsubscribe: 'Remove one of this channel’s subscriptions, or all of them.',
  subscriptions: 'List this channel’s alert subscriptions.',
  audit: 'Show recent Approve/Block decisions, for everyone or one user.',
};

/** `/cii help`, optionally after an intro line (raw text, escaped here) such as "Unknown subcommand". */
export function helpMessage(opts: { intro?: string } = {}): SlackMessage {
  const lines = (Object.keys(USAGE) as Subcommand[]).map(
    (cmd) => `\`${escapeMrkdwn(USAGE[cmd])}\` — ${DESCRIPTIONS[cmd]}`,
  );
  const intro = opts.intro ? clean(opts.intro, 500) : '';
  const blocks: KnownBlock[] = [
    ...(intro ? [{ type: 'section', text: mrkdwn(intro) } as const] : []),
    { type: 'section', text: mrkdwn(`*Cisco Identity Intelligence in Slack*\n${lines.join('\n')}`) },
  ];
  return buildMessage(intro ? `${opts.intro} — /cii help lists the commands` : 'CII commands: see /cii help', blocks);
}
