import type { Logger } from '../../logger.ts';
import type { AuditService } from '../../services/audit.ts';
import type { AlertAccounting } from '../../services/alerts/accounting.ts';
import type { AlertIngest } from '../../services/alerts/ingest.ts';
import type { CheckService } from '../../services/checks.ts';
import type { DeliveryWorker } from '../../services/delivery/worker.ts';
import type { LookupService } from '../../services/lookup.ts';
import type { MuteService } from '../../services/mutes.ts';
import type { SubscriptionService } from '../../services/subscriptions.ts';
import type { ChannelPoster } from '../channel-poster.ts';
import type { PrincipalResolver } from '../principals.ts';
import type { SlackMessage } from '../views/limits.ts';

/** Who typed the command, where: what the subcommands that act on a channel need. */
export interface CommandContext {
  userId: string;
  channelId: string;
  teamId: string;
}

/** Everything a subcommand's answer may use; built once by `registerListeners`. */
export interface CommandDeps {
  lookup: LookupService;
  subscriptions: SubscriptionService;
  audit: AuditService;
  webhookTests: Pick<AlertIngest, 'lastWebhookTest'>;
  /** Where every alert went: counts, recent lists, a new subscription's backlog. */
  accounting: AlertAccounting;
  /** The check catalogue merged with the check ids received. */
  checks: CheckService;
  /** Whether delivery is paused because Slack refuses the app's token. */
  delivery: Pick<DeliveryWorker, 'paused'>;
  /** Checks muted for one user: listed and lifted by `/cii mutes`, set from the card's menu. */
  mutes: MuteService;
  channels: ChannelPoster;
  principals: PrincipalResolver;
  /** CII_ADMINS: when empty, anyone in the channel manages its subscriptions. */
  admins: readonly string[];
  /** CII_RESPONDERS: who acts on alerts and reads the audit. */
  responders: readonly string[];
  now: () => Date;
  logger: Logger;
}

/** What `/cii help` shows of a subcommand. */
export interface SubcommandHelp {
  name: string;
  /** Raw text (escape it before putting it in mrkdwn). */
  usage: string;
  description: string;
  /** A complete command a user could type, e.g. `/cii ip 203.0.113.7`. */
  example: string;
}

export interface AnswerCall {
  context: CommandContext;
  deps: CommandDeps;
  /** Every subcommand, in the order help lists them. */
  subcommands: readonly SubcommandHelp[];
}

export type Parsed<A> = { ok: true; args: A } | { ok: false; message: string };

export const parsed = <A>(args: A): Parsed<A> => ({ ok: true, args });
export const invalid = (message: string): Parsed<never> => ({ ok: false, message });

/** One `/cii` subcommand: listed in `subcommands/index.ts`, from which the dispatcher and help are built. */
export interface Subcommand<N extends string = string, A extends object = object> extends SubcommandHelp {
  name: N;
  /** The words after the subcommand's name (Slack links already unwrapped). */
  parse(args: readonly string[]): Parsed<A>;
  /** Never throws: failures become a message for the user. */
  answer(args: A, call: AnswerCall): Promise<SlackMessage>;
}

export function defineSubcommand<N extends string, A extends object>(subcommand: Subcommand<N, A>): Subcommand<N, A> {
  return subcommand;
}

const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;
// CII logins are not always emails (e.g. `hrms.serviceuser`, `DOMAIN\user`).
const LOGIN = /^[\w.+\-\\]{1,256}$/;

export function isLogin(value: string): boolean {
  return value.includes('@') ? EMAIL.test(value) : LOGIN.test(value);
}
