import { describe, expect, test } from 'vitest';
import { parseCommand } from '../../../src/slack/commands/parse.ts';

describe('/cii command parsing', () => {
  test('empty text and help show help', () => {
    expect(parseCommand('')).toEqual({ kind: 'help' });
    expect(parseCommand('  HELP ')).toEqual({ kind: 'help' });
  });

  test('an unknown subcommand shows help naming it', () => {
    expect(parseCommand('frobnicate jane@example.com')).toEqual({ kind: 'help', unknown: 'frobnicate' });
  });

  test('user takes an email or a bare login, and unwraps Slack mailto links', () => {
    expect(parseCommand('user jane.doe@example.com')).toEqual({ kind: 'user', login: 'jane.doe@example.com' });
    expect(parseCommand('user hrms.serviceuser')).toEqual({ kind: 'user', login: 'hrms.serviceuser' });
    expect(parseCommand('user <mailto:jane@example.com|jane@example.com>')).toEqual({
      kind: 'user',
      login: 'jane@example.com',
    });
  });

  test('user rejects a malformed email, a missing argument and extra words', () => {
    expect(parseCommand('user jane@@example')).toMatchObject({ kind: 'invalid', subcommand: 'user' });
    expect(parseCommand('user')).toMatchObject({ kind: 'invalid', subcommand: 'user' });
    expect(parseCommand('user a@example.com b@example.com')).toMatchObject({ kind: 'invalid', subcommand: 'user' });
    expect(parseCommand('user &lt;script&gt;')).toMatchObject({ kind: 'invalid', subcommand: 'user' });
  });

  test('ip accepts IPv4 and IPv6 and rejects anything else', () => {
    expect(parseCommand('ip 203.0.113.7')).toEqual({ kind: 'ip', ip: '203.0.113.7' });
    expect(parseCommand('ip 2001:db8::1')).toEqual({ kind: 'ip', ip: '2001:db8::1' });
    expect(parseCommand('ip [2001:db8::1]')).toEqual({ kind: 'ip', ip: '2001:db8::1' });
    expect(parseCommand('ip 300.1.1.1')).toMatchObject({ kind: 'invalid', subcommand: 'ip' });
    expect(parseCommand('ip example.com')).toMatchObject({ kind: 'invalid', subcommand: 'ip' });
  });

  test('subscribe takes check ids and a minimum severity, moderate ranking with medium', () => {
    expect(parseCommand('subscribe')).toEqual({ kind: 'subscribe', checkIds: [], minSeverity: 'low' });
    expect(parseCommand('subscribe no-mfa impossible-travel no-mfa severity:HIGH')).toEqual({
      kind: 'subscribe',
      checkIds: ['impossible-travel', 'no-mfa'],
      minSeverity: 'high',
    });
    expect(parseCommand('subscribe severity:moderate')).toEqual({
      kind: 'subscribe',
      checkIds: [],
      minSeverity: 'medium',
    });
  });

  test('subscribe rejects a typo in the severity or a malformed check id', () => {
    expect(parseCommand('subscribe severity:hihg')).toMatchObject({ kind: 'invalid', subcommand: 'subscribe' });
    expect(parseCommand('subscribe No_MFA!')).toMatchObject({ kind: 'invalid', subcommand: 'subscribe' });
  });

  test('unsubscribe needs exactly one id or all', () => {
    expect(parseCommand('unsubscribe ALL')).toEqual({ kind: 'unsubscribe', target: 'all' });
    expect(parseCommand('unsubscribe 12')).toEqual({ kind: 'unsubscribe', target: '12' });
    expect(parseCommand('unsubscribe')).toMatchObject({ kind: 'invalid', subcommand: 'unsubscribe' });
  });

  test('status, subscriptions and audit', () => {
    expect(parseCommand('status')).toEqual({ kind: 'status' });
    expect(parseCommand('subscriptions')).toEqual({ kind: 'subscriptions' });
    expect(parseCommand('audit')).toEqual({ kind: 'audit' });
    expect(parseCommand('audit jane@example.com')).toEqual({ kind: 'audit', login: 'jane@example.com' });
  });

  test('alerts takes an optional filter then an optional login, and refuses anything else', () => {
    expect(parseCommand('alerts')).toEqual({ kind: 'alerts' });
    expect(parseCommand('alerts UNROUTED')).toEqual({ kind: 'alerts', only: 'unrouted' });
    expect(parseCommand('alerts open jane@example.com')).toEqual({
      kind: 'alerts',
      only: 'open',
      login: 'jane@example.com',
    });
    expect(parseCommand('alerts jane@example.com')).toEqual({ kind: 'alerts', login: 'jane@example.com' });
    expect(parseCommand('alerts jane@example.com open')).toMatchObject({ kind: 'invalid', subcommand: 'alerts' });
    expect(parseCommand('alerts a@example.com b@example.com')).toMatchObject({ kind: 'invalid', subcommand: 'alerts' });
    expect(parseCommand('alerts <script>')).toMatchObject({ kind: 'invalid', subcommand: 'alerts' });
  });

  test('a mistyped subcommand suggests the closest one with the arguments kept; a far one gets the help', () => {
    expect(parseCommand('usr x')).toEqual({ kind: 'help', unknown: 'usr', suggestion: '/cii user x' });
    expect(parseCommand('statsu')).toEqual({ kind: 'help', unknown: 'statsu', suggestion: '/cii status' });
    expect(parseCommand('subscirbe no-mfa')).toMatchObject({ suggestion: '/cii subscribe no-mfa' });
    expect(parseCommand('frobnicate')).toEqual({ kind: 'help', unknown: 'frobnicate' });
  });
});
