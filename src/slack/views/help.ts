import type { KnownBlock } from '@slack/types';
import { buildMessage, code, escapeMrkdwn, mrkdwn, type SlackMessage } from './limits.ts';

/** What help shows of one subcommand; usage and example are raw text (escaped here). */
export interface SubcommandHelpView {
  usage: string;
  description: string;
  example: string;
}

/** `/cii help`, after "Unknown subcommand `…`" when the user typed one (shown literally). */
export function helpMessage(opts: { subcommands: readonly SubcommandHelpView[]; unknown?: string }): SlackMessage {
  const lines = opts.subcommands.map((s) => `\`${escapeMrkdwn(s.usage)}\` — ${s.description}`);
  const intro = opts.unknown ? `Unknown subcommand ${code(opts.unknown, 480)}.` : '';
  const blocks: KnownBlock[] = [
    ...(intro ? [{ type: 'section', text: mrkdwn(intro) } as const] : []),
    { type: 'section', text: mrkdwn(`*Cisco Identity Intelligence in Slack*\n${lines.join('\n')}`) },
  ];
  const fallback = opts.unknown ? `Unknown subcommand ${opts.unknown} — /cii help lists the commands` : undefined;
  return buildMessage(fallback ?? 'CII commands: see /cii help', blocks);
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

/** A mistyped subcommand close to a real one: "Did you mean `/cii user x`?" instead of the whole help. */
export function didYouMean(input: { unknown: string; suggestion: string }): SlackMessage {
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: mrkdwn(`Unknown subcommand ${code(input.unknown, 200)}. Did you mean ${code(input.suggestion, 2000)}?`),
    },
    { type: 'context', elements: [mrkdwn('`/cii help` lists every subcommand.')] },
  ];
  return buildMessage(`Unknown subcommand ${input.unknown}: did you mean ${input.suggestion}?`, blocks);
}
