import { describe, expect, test } from 'vitest';
import { silentLogger } from '../../../src/logger.ts';
import { parseCommand } from '../../../src/slack/commands/parse.ts';
import type { AnswerCall, CommandDeps } from '../../../src/slack/commands/subcommand.ts';
import { help } from '../../../src/slack/commands/subcommands/help.ts';
import { SUBCOMMANDS } from '../../../src/slack/commands/subcommands/index.ts';
import { allText } from '../views/slack-limits.ts';

// Help reads nothing but the list: any dependency it touched would throw here.
const call: AnswerCall = {
  context: { userId: 'U1', channelId: 'C1', teamId: 'T1' },
  deps: { logger: silentLogger } as CommandDeps,
  subcommands: SUBCOMMANDS,
};

describe('the /cii subcommand list', () => {
  test('names each subcommand once, with a usage, a description and an example that parses', () => {
    expect(new Set(SUBCOMMANDS.map((s) => s.name)).size).toBe(SUBCOMMANDS.length);
    for (const s of SUBCOMMANDS) {
      expect(s.usage.startsWith(`/cii ${s.name}`)).toBe(true);
      expect(s.description).toMatch(/^[A-Z].*\.$/);
      expect(parseCommand(s.example.replace(/^\/cii /, ''))).toMatchObject({ kind: s.name });
    }
  });

  test('help takes at most one subcommand name', () => {
    expect(parseCommand('help USER')).toEqual({ kind: 'help', topic: 'user' });
    expect(parseCommand('help user ip')).toMatchObject({ kind: 'invalid', subcommand: 'help' });
  });

  test('/cii help <subcommand> answers with that subcommand’s usage and example', async () => {
    const text = allText(await help.answer({ topic: 'user' }, call));
    expect(text).toContain('Usage: `/cii user &lt;email-or-login&gt;`');
    expect(text).toContain('Example: `/cii user jane.doe@example.com`');
    expect(text).not.toContain('/cii ip');
  });

  test('/cii help lists every subcommand; an unknown name is said first', async () => {
    const all = allText(await help.answer({}, call));
    for (const s of SUBCOMMANDS) expect(all).toContain(`\`/cii ${s.name}`);
    const unknown = await help.answer({ topic: 'nope' }, call);
    expect(allText(unknown)).toMatch(/^Unknown subcommand `nope`\./m);
  });
});
