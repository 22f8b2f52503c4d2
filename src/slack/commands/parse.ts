import { isIP } from 'node:net';
import { normalizeSeverity, type Severity } from '../../alerts/finding.ts';

export type Subcommand = 'user' | 'ip' | 'subscribe' | 'unsubscribe' | 'audit';

export type ParsedCommand =
  | { kind: 'help'; unknown?: string }
  | { kind: 'user'; login: string }
  | { kind: 'ip'; ip: string }
  | { kind: 'status' }
  | { kind: 'subscribe'; checkIds: string[]; minSeverity: Severity }
  | { kind: 'unsubscribe'; target: string }
  | { kind: 'subscriptions' }
  | { kind: 'audit'; login?: string }
  | { kind: 'invalid'; subcommand: Subcommand; message: string };

const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;
// CII logins are not always emails (e.g. `hrms.serviceuser`, `DOMAIN\user`).
const LOGIN = /^[\w.+\-\\]{1,256}$/;
const CHECK_ID = /^[a-z0-9][a-z0-9-]{0,127}$/;

/** Slack may send `<mailto:a@b.c|a@b.c>` (or `<http://x|x>`) for auto-linked text: keep what the user typed. */
function unwrapSlackLink(word: string): string {
  const labelled = /^<[^|>]*\|([^>]*)>$/.exec(word);
  if (labelled) return labelled[1]!;
  const mailto = /^<mailto:([^|>]*)>$/.exec(word);
  return mailto ? mailto[1]! : word;
}

export function parseCommand(text: string): ParsedCommand {
  const words = text.trim().split(/\s+/).filter(Boolean).map(unwrapSlackLink);
  const [sub, ...args] = words;
  switch (sub?.toLowerCase()) {
    case undefined:
    case 'help':
      return { kind: 'help' };
    case 'user':
      return parseUser(args);
    case 'ip':
      return parseIp(args);
    case 'status':
      return { kind: 'status' };
    case 'subscribe':
      return parseSubscribe(args);
    case 'unsubscribe':
      if (args.length !== 1)
        return invalid('unsubscribe', 'Give one subscription id (see `/cii subscriptions`) or `all`.');
      return { kind: 'unsubscribe', target: args[0]!.toLowerCase() === 'all' ? 'all' : args[0]! };
    case 'subscriptions':
      return { kind: 'subscriptions' };
    case 'audit':
      if (args.length > 1) return invalid('audit', 'Give at most one login.');
      if (args[0] !== undefined && !isLogin(args[0]))
        return invalid('audit', `\`${args[0]}\` is not an email address or login.`);
      return args[0] === undefined ? { kind: 'audit' } : { kind: 'audit', login: args[0] };
    default:
      return { kind: 'help', unknown: sub };
  }
}

function parseUser(args: string[]): ParsedCommand {
  if (args.length === 0) return invalid('user', 'Give the email address or login of the user to look up.');
  if (args.length > 1) return invalid('user', 'Give exactly one email address or login.');
  const login = args[0]!;
  if (!isLogin(login)) return invalid('user', `\`${login}\` is not an email address or login.`);
  return { kind: 'user', login };
}

function isLogin(value: string): boolean {
  return value.includes('@') ? EMAIL.test(value) : LOGIN.test(value);
}

function parseIp(args: string[]): ParsedCommand {
  if (args.length !== 1) return invalid('ip', 'Give exactly one IPv4 or IPv6 address.');
  const ip = args[0]!.replace(/^\[(.*)\]$/, '$1');
  if (isIP(ip) === 0) return invalid('ip', `\`${args[0]}\` is not an IPv4 or IPv6 address.`);
  return { kind: 'ip', ip };
}

function parseSubscribe(args: string[]): ParsedCommand {
  let minSeverity: Severity = 'low';
  let severitySeen = false;
  const checkIds = new Set<string>();
  for (const arg of args) {
    const sev = /^severity:(.*)$/i.exec(arg);
    if (sev) {
      const parsed = normalizeSeverity(sev[1] ?? '');
      if (!parsed) return invalid('subscribe', `\`${sev[1]}\` is not a severity: use low, medium, high or critical.`);
      if (severitySeen) return invalid('subscribe', 'Give `severity:` once.');
      severitySeen = true;
      minSeverity = parsed;
    } else if (CHECK_ID.test(arg.toLowerCase())) {
      checkIds.add(arg.toLowerCase());
    } else {
      return invalid('subscribe', `\`${arg}\` is not a check id (check ids look like \`no-mfa\`).`);
    }
  }
  return { kind: 'subscribe', checkIds: [...checkIds].sort(), minSeverity };
}

function invalid(subcommand: Subcommand, message: string): ParsedCommand {
  return { kind: 'invalid', subcommand, message };
}
