import { alerts } from './alerts.ts';
import { audit } from './audit.ts';
import { checks } from './checks.ts';
import { help } from './help.ts';
import { ip } from './ip.ts';
import { mutes } from './mutes.ts';
import { status } from './status.ts';
import { subscribe } from './subscribe.ts';
import { subscriptions } from './subscriptions.ts';
import { unsubscribe } from './unsubscribe.ts';
import { user } from './user.ts';

/** Every `/cii` subcommand, in the order `/cii help` lists them. A new subcommand is one file plus one line here. */
export const SUBCOMMANDS = [
  help,
  user,
  ip,
  status,
  alerts,
  checks,
  mutes,
  subscribe,
  unsubscribe,
  subscriptions,
  audit,
] as const;

export type SubcommandName = (typeof SUBCOMMANDS)[number]['name'];

/** The syntax of each subcommand, as raw text (escape it before putting it in mrkdwn). */
export const USAGE = Object.fromEntries(SUBCOMMANDS.map((s) => [s.name, s.usage])) as Record<SubcommandName, string>;
