import type { KnownBlock } from '@slack/types';
import type { Severity } from '../../alerts/finding.ts';
import { providerList } from './alert-text.ts';
import { formatUtc, humanize, severityWord } from './format.ts';
import { buildMessage, chunkLines, clean, code, mrkdwn, type SlackMessage } from './limits.ts';
import { channelMention, mrkdwnLink, userMention } from './links.ts';

/** What one block or unblock did at each provider, as the audit detail recorded it. */
export interface AuditResultsView {
  recovered?: boolean;
  error?: string;
  results: ReadonlyArray<{ label: string; ok: boolean; error?: string }>;
}

/** One audited click on an alert's buttons. */
export interface AuditLineView {
  at: Date;
  userId: string;
  channelId?: string;
  login?: string;
  /** `approve`, `block`, `reopen`, `retry`, `unblock`. */
  action: string;
  /** `approved`, `blocked`, `block_failed`, `refused_not_responder`, `already_blocked`, … */
  outcome: string;
  detail?: string;
  /** Why the responder decided, as they wrote it. */
  reason?: string;
  /** The alert the click was about, when it is still kept. */
  alert?: { title: string; severity: Severity; severityLabel: string; displayName?: string };
  /** The link to its card (in the channel of the click when there is one). */
  link?: string;
  /** For blocks and unblocks: what each provider did. */
  results?: AuditResultsView;
}

export interface AuditListInput {
  /** The user the list is about; absent for the recent decisions overall. */
  login?: string;
  entries: AuditLineView[];
}

/** The detail Approve all open records on each approval it makes. */
const APPROVE_ALL = 'Approve all open';

const REFUSALS: Record<string, string> = {
  not_responder: 'not a responder',
  self: 'the alert is about their own account',
  unverified: 'their Slack email could not be read',
  identity_unchecked: 'CII could not confirm the alert is not about them',
  no_providers: 'no identity provider is configured',
  not_a_card: 'the click did not come from a posted card',
};

/** How a step-up (`CII_STEP_UP=duo`) before a decision failed. */
const STEP_UP: Record<string, string> = {
  timeout: 'timed out',
  not_enrolled: 'not enrolled',
  no_duo_account: 'impossible',
};

const BUTTONS: Record<string, string> = {
  approve: 'Approve',
  block: 'Block',
  reopen: 'Reopen',
  retry: 'Retry',
  unblock: 'Unblock',
  mute: 'Mute',
  unmute: 'Unmute',
};

const PAST: Record<string, string> = { block: 'blocked', unblock: 'unblocked' };

/** "*Mia Johansson*", or the login when the alert's user has no name. */
function whomOf(e: AuditLineView): string {
  const name = e.alert?.displayName?.trim();
  if (name) return `*${clean(name, 80)}*`;
  return e.login ? code(e.login, 150) : 'an alert';
}

const labels = (results: AuditResultsView, ok: boolean) => [
  ...new Set(results.results.filter((r) => r.ok === ok).map((r) => clean(r.label, 40))),
];

function failures(results: AuditResultsView | undefined, detail: string | undefined): string {
  if (!results) return clean(detail, 400) || 'unknown error';
  const parts = [
    ...(results.error ? [clean(results.error, 300)] : []),
    ...results.results.filter((r) => !r.ok).map((r) => `${clean(r.label, 40)} failed: ${clean(r.error, 300)}`),
  ];
  return parts.join('; ') || 'unknown error';
}

/** What came of a block or unblock, as a sentence about `who` and `whom`. */
function actedSentence(who: string, whom: string, kind: string, e: AuditLineView): string {
  const past = PAST[kind] ?? kind;
  const done = e.results ? labels(e.results, true) : [];
  const where = done.length > 0 ? ` in ${providerList(done)}` : '';
  const recovered = e.results?.recovered ? ' (finished after the app stopped mid-action)' : '';
  if (!e.outcome.endsWith('_failed')) return `${who} ${past} ${whom}${where}${recovered}`;
  if (done.length > 0)
    return `${who} partially ${past} ${whom}${recovered}: ${past}${where}; ${failures(e.results, undefined)}`;
  return `${who} tried to ${BUTTONS[kind] ?? kind} ${whom}${recovered} — failed: ${failures(e.results, e.detail)}`;
}

/** Asking the alert's user "was this you?": what the app did and what they answered. */
function verifySentence(e: AuditLineView, who: string, whom: string): string | undefined {
  const detail = e.detail ? `: ${clean(e.detail, 200)}` : '';
  switch (e.outcome) {
    case 'not_asked':
      return `The app did not ask ${whom} “was this you?”${detail}`;
    case 'asked':
      return `The app asked ${who} “was this you?”`;
    case 'timed_out':
      return `${who} did not answer “was this you?” in time`;
    case 'yes_it_was_me':
      return `${who} answered “Yes, it was me”`;
    case 'no_it_was_not_me':
      return `${who} answered “No, it wasn’t me”`;
  }
  if (e.outcome.startsWith('duo_push_'))
    return `${who}’s Duo Push: ${clean(e.outcome.slice('duo_push_'.length).replace(/_/g, ' '), 40)}${detail}`;
  return undefined;
}

/** The sentence of one audited click, escaped mrkdwn: "@bob blocked *Mia* in Duo and Entra ID". */
function sentence(e: AuditLineView): string {
  const who = userMention(e.userId);
  const whom = whomOf(e);
  const verify = e.action.startsWith('verify_') ? verifySentence(e, who, whom) : undefined;
  if (verify) return verify;
  const button = BUTTONS[e.action] ?? clean(e.action, 20);
  const retried = e.action === 'retry' ? ' (retry)' : '';
  const outcome = e.outcome;
  if (outcome === 'approved')
    return `${who} approved the alert about ${whom}${e.detail === APPROVE_ALL ? ' (with Approve all open)' : ''}`;
  if (outcome === 'reopened') return `${who} reopened the alert about ${whom}`;
  // A mute's detail says which check, for how long and until when.
  if (outcome === 'muted' || outcome === 'unmuted')
    return `${who} ${outcome} ${whom}${e.detail ? `: ${clean(e.detail, 300)}` : ''}`;
  if (outcome === 'blocked' || outcome === 'block_failed') return `${actedSentence(who, whom, 'block', e)}${retried}`;
  if (outcome === 'unblocked' || outcome === 'unblock_failed')
    return `${actedSentence(who, whom, 'unblock', e)}${retried}`;
  if (outcome.startsWith('refused_')) {
    const reason = outcome.slice('refused_'.length);
    const words =
      (reason === 'identity_unchecked' && e.detail ? clean(e.detail, 200) : REFUSALS[reason]) ?? humanize(reason);
    return `${who} tried to ${button} ${whom} — refused: ${words}`;
  }
  if (outcome.startsWith('step_up_')) {
    const detail = e.detail ? `: ${clean(e.detail, 200)}` : '';
    const kind = outcome.slice('step_up_'.length);
    if (kind === 'approved') return `${who} passed the Duo step-up to ${button} ${whom}${detail}`;
    return `${who} tried to ${button} ${whom} — step up ${clean(STEP_UP[kind] ?? kind.replace(/_/g, ' '), 40)}${detail}`;
  }
  if (outcome.startsWith('already_')) {
    const by = /^by (\S+)$/.exec(e.detail ?? '')?.[1];
    const state = clean(outcome.slice('already_'.length).replace(/_/g, ' '), 30);
    const more = by ? ` by ${userMention(by)}` : e.detail ? `: ${clean(e.detail, 300)}` : '';
    return `${who} tried to ${button} ${whom} — already ${state}${more}`;
  }
  if (outcome === 'not_found') return `${who} tried to ${button} an alert that is no longer kept`;
  if (outcome === 'error') return `${who} tried to ${button} ${whom} — failed: internal error (see the app log)`;
  return `${who} ${button} → ${clean(outcome.replace(/_/g, ' '), 60)} · ${whom}`;
}

function line(e: AuditLineView): string {
  const check = e.alert
    ? ` — *${clean(e.alert.title, 150)}* (${clean(severityWord(e.alert.severity, e.alert.severityLabel), 30).toLowerCase()})`
    : '';
  const reason = e.reason ? `: _${clean(e.reason, 300)}_` : '';
  const where = e.link ? ` · ${mrkdwnLink(e.link, 'card')}` : e.channelId ? ` · in ${channelMention(e.channelId)}` : '';
  return `• ${formatUtc(e.at)} · ${sentence(e)}${check}${reason}${where}`;
}

/** `/cii audit [login]`: the recent clicks on alert buttons, newest first, each as a sentence. */
export function auditList(input: AuditListInput): SlackMessage {
  const about = input.login ? ` about ${code(input.login, 200)}` : '';
  if (input.entries.length === 0) {
    return buildMessage(`No decisions recorded${input.login ? ` about ${input.login}` : ''} yet`, [
      { type: 'section', text: mrkdwn(`No Approve/Block decisions recorded${about} yet.`) },
    ]);
  }
  const lines = input.entries.map(line);
  const blocks: KnownBlock[] = chunkLines([`*Recent decisions${about}* (newest first)`, ...lines]).map((text) => ({
    type: 'section',
    text: mrkdwn(text),
  }));
  return buildMessage(`${input.entries.length} recent decisions${input.login ? ` about ${input.login}` : ''}`, blocks);
}
