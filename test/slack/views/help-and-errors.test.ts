import { describe, expect, it } from 'vitest';
import { errorMessage, type Problem } from '../../../src/slack/views/error-message.ts';
import { SUBCOMMANDS, USAGE } from '../../../src/slack/commands/subcommands/index.ts';
import { helpMessage, subcommandHelp } from '../../../src/slack/views/help.ts';
import { allText, limitViolations } from './slack-limits.ts';

describe('helpMessage', () => {
  it('lists every subcommand with its usage, escaped for mrkdwn', () => {
    const message = helpMessage({ subcommands: SUBCOMMANDS });
    const text = allText(message);
    for (const usage of [
      '/cii help',
      '/cii user &lt;email-or-login&gt;',
      '/cii ip &lt;IPv4|IPv6&gt;',
      '/cii status',
      '/cii subscribe [&lt;check-id&gt; ...] [severity:&lt;low|medium|high|critical&gt;]',
      '/cii unsubscribe &lt;id&gt;|all',
      '/cii subscriptions',
      '/cii audit [&lt;login&gt;]',
    ]) {
      expect(text).toContain(`\`${usage}\``);
    }
    expect(limitViolations(message)).toEqual([]);
  });

  it('exports the raw usage of each subcommand', () => {
    expect(USAGE.user).toBe('/cii user <email-or-login>');
    expect(Object.keys(USAGE)).toEqual([
      'help',
      'user',
      'ip',
      'status',
      'alerts',
      'checks',
      'mutes',
      'subscribe',
      'unsubscribe',
      'subscriptions',
      'audit',
    ]);
  });

  it('names an unknown subcommand first, as code, escaping what the user typed', () => {
    const message = helpMessage({ subcommands: SUBCOMMANDS, unknown: '<!channel>' });
    expect(message.blocks[0]).toMatchObject({
      type: 'section',
      text: { text: 'Unknown subcommand `&lt;!channel&gt;`.' },
    });
    expect(limitViolations(message)).toEqual([]);
  });
});

describe('subcommandHelp', () => {
  it('answers /cii help <subcommand> with its usage, description and an example, escaped for mrkdwn', () => {
    const message = subcommandHelp({
      usage: '/cii ip <IPv4|IPv6>',
      description: 'List the users CII has seen on an IP address.',
      example: '/cii ip 203.0.113.7',
    });
    expect(allText(message)).toContain(
      'Usage: `/cii ip &lt;IPv4|IPv6&gt;`\nList the users CII has seen on an IP address.\nExample: `/cii ip 203.0.113.7`',
    );
    expect(message.text).toBe('Usage: /cii ip &lt;IPv4|IPv6&gt;');
    expect(limitViolations(message)).toEqual([]);
  });
});

describe('errorMessage', () => {
  const cases: Array<[Problem, RegExp]> = [
    [
      { kind: 'invalid_argument', message: 'That is not an IP address.', usage: USAGE.ip },
      /That is not an IP address\.\nUsage: `\/cii ip &lt;IPv4\|IPv6&gt;`/,
    ],
    [{ kind: 'unknown_user', login: 'ghost@example.com' }, /CII has no user `ghost@example.com`/],
    [
      { kind: 'credentials' },
      /CII rejected this app’s API credentials — ask a Slack\/CII admin to check CII_CLIENT_ID\/SECRET/,
    ],
    [{ kind: 'unavailable' }, /unreachable or too slow.*try again/],
    [{ kind: 'unexpected' }, /did not expect.*logged/],
    [
      { kind: 'forbidden', message: 'Only members of #secops can block users.' },
      /Only members of #secops can block users\./,
    ],
    [{ kind: 'internal' }, /went wrong.*logged/],
  ];

  it.each(cases)('explains %o shortly, with a warning marker', (problem, expected) => {
    const message = errorMessage(problem);
    expect(allText(message)).toMatch(expected);
    expect(allText(message)).toMatch(/^(⚠️|⛔) /m);
    expect(message.text.length).toBeGreaterThan(0);
    expect(limitViolations(message)).toEqual([]);
  });

  it('escapes the login and messages it repeats', () => {
    const message = errorMessage({ kind: 'unknown_user', login: '<@U1>&' });
    expect(allText(message)).toContain('`&lt;@U1&gt;&amp;`');
    expect(limitViolations(message)).toEqual([]);
  });

  it('keeps absurd messages within limits', () => {
    const long = '<&>'.repeat(5000);
    for (const problem of [
      { kind: 'invalid_argument', message: long, usage: long },
      { kind: 'unknown_user', login: long },
      { kind: 'forbidden', message: long },
    ] as Problem[]) {
      expect(limitViolations(errorMessage(problem))).toEqual([]);
    }
  });
});
