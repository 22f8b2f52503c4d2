import type { KnownBlock } from '@slack/types';
import { buildMessage, clean, escapeMrkdwn, mrkdwn, type SlackMessage } from './limits.ts';

/** What help shows of one subcommand; usage and example are raw text (escaped here). */
export interface SubcommandHelpView {
  usage: string;
  description: string;
  example: string;
}

/** `/cii help`, optionally after an intro line (raw text, escaped here) such as "Unknown subcommand". */
export function helpMessage(opts: { subcommands: readonly SubcommandHelpView[]; intro?: string }): SlackMessage {
  const lines = opts.subcommands.map((s) => `\`${escapeMrkdwn(s.usage)}\` — ${s.description}`);
  const intro = opts.intro ? clean(opts.intro, 500) : '';
  const blocks: KnownBlock[] = [
    ...(intro ? [{ type: 'section', text: mrkdwn(intro) } as const] : []),
    { type: 'section', text: mrkdwn(`*Cisco Identity Intelligence in Slack*\n${lines.join('\n')}`) },
  ];
  return buildMessage(intro ? `${opts.intro} — /cii help lists the commands` : 'CII commands: see /cii help', blocks);
}

/** `/cii help <subcommand>`: its usage, what it does and an example. */
export function subcommandHelp(subcommand: SubcommandHelpView): SlackMessage {
  const usage = escapeMrkdwn(subcommand.usage);
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: mrkdwn(`Usage: \`${usage}\`\n${subcommand.description}\nExample: \`${escapeMrkdwn(subcommand.example)}\``),
    },
  ];
  return buildMessage(`Usage: ${subcommand.usage}`, blocks);
}
