import { closest } from '../../util/closest.ts';
import type { Subcommand } from './subcommand.ts';
import { SUBCOMMANDS, type SubcommandName } from './subcommands/index.ts';

type Entry = (typeof SUBCOMMANDS)[number];
type Command<S> = S extends Subcommand<infer N, infer A> ? { kind: N } & A : never;

/** What the user typed: a subcommand with its arguments, or why its arguments were refused. */
export type ParsedCommand = Command<Entry> | { kind: 'invalid'; subcommand: SubcommandName; message: string };

const byName = new Map<string, Subcommand>(SUBCOMMANDS.map((s) => [s.name, s]));

export function findSubcommand(name: string): Subcommand | undefined {
  return byName.get(name);
}

/** Slack may send `<mailto:a@b.c|a@b.c>` (or `<http://x|x>`) for auto-linked text: keep what the user typed. */
function unwrapSlackLink(word: string): string {
  const labelled = /^<[^|>]*\|([^>]*)>$/.exec(word);
  if (labelled) return labelled[1]!;
  const mailto = /^<mailto:([^|>]*)>$/.exec(word);
  return mailto ? mailto[1]! : word;
}

export function parseCommand(text: string): ParsedCommand {
  const [typed, ...words] = text.trim().split(/\s+/).filter(Boolean).map(unwrapSlackLink);
  const subcommand = byName.get(typed?.toLowerCase() ?? 'help');
  if (!subcommand) {
    const [near] = closest(typed ?? '', [...byName.keys()], { limit: 1, maxDistance: 2 });
    const suggestion = near === undefined ? undefined : ['/cii', near, ...words].join(' ');
    return { kind: 'help', unknown: typed, ...(suggestion ? { suggestion } : {}) };
  }
  const result = subcommand.parse(words);
  return (
    result.ok
      ? { kind: subcommand.name, ...result.args }
      : { kind: 'invalid', subcommand: subcommand.name, message: result.message }
  ) as ParsedCommand;
}
