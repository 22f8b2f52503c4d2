import type { KnownBlock } from '@slack/types';
import { providerList } from './alert-text.ts';
import { formatUtc } from './format.ts';
import { buildMessage, chunkLines, clean, code, mrkdwn, type SlackMessage } from './limits.ts';
import { userMention } from './links.ts';

export type ResponseActionView = 'block' | 'unblock';

/** What one provider did for the alert's user, as the card and the thread reply show it. */
export interface ProviderResultView {
  /** `Duo`, `Okta`, `Entra ID`. */
  label: string;
  providerUserId: string;
  ok: boolean;
  /** What succeeded, in order, even when a later step failed. */
  steps: string[];
  error?: string;
}

/** An alert's decision, as the card shows it in place of (or beside) its buttons. */
export type DecisionView =
  | { state: 'in_progress'; action: ResponseActionView; by: string; at: Date }
  | { state: 'approved'; by: string; at: Date; reason?: string }
  /** Open again after an approval was taken back: Approve and Block are offered again. */
  | { state: 'reopened'; by: string; at: Date }
  | { state: 'blocked' | 'unblocked'; by: string; at: Date; reason?: string; results: readonly ProviderResultView[] }
  | {
      state: 'failed';
      action: ResponseActionView;
      by: string;
      at: Date;
      error?: string;
      reason?: string;
      results: readonly ProviderResultView[];
    };

const PAST: Record<ResponseActionView, string> = { block: 'Blocked', unblock: 'Unblocked' };
const NOUN: Record<ResponseActionView, string> = { block: 'Block', unblock: 'Unblock' };

const unique = (items: readonly string[]) => [...new Set(items)];

/** "Blocked in Duo and Okta; Entra ID failed: <reason>" (escaped mrkdwn); empty when nothing was done. */
export function resultsLine(action: ResponseActionView, results: readonly ProviderResultView[]): string {
  const done = unique(results.filter((r) => r.ok).map((r) => r.label));
  const parts = done.length > 0 ? [`${PAST[action]} in ${clean(providerList(done), 200)}`] : [];
  for (const r of results.filter((x) => !x.ok))
    parts.push(`${clean(r.label, 40)} failed: ${clean(r.error ?? 'unknown error', 400)}`);
  return parts.join('; ');
}

const byAt = (by: string, at: Date) => `${userMention(by)} at ${formatUtc(at)}`;

const reasonLine = (reason: string | undefined) => (reason ? `\nReason: ${clean(reason, 500)}` : '');

/** A failed block or unblock that did succeed somewhere: the card then offers Unblock beside Retry. */
export function isPartial(decision: DecisionView): boolean {
  return decision.state === 'failed' && decision.results.some((r) => r.ok);
}

/** The decision line of a card, escaped mrkdwn. */
export function decisionText(decision: DecisionView): string {
  switch (decision.state) {
    case 'in_progress':
      return `⏳ *${decision.action === 'block' ? 'Blocking' : 'Unblocking'} in progress*, started by ${byAt(decision.by, decision.at)}`;
    case 'approved': {
      const why = decision.reason ? `: ${clean(decision.reason, 500)}` : '.';
      return `✅ *Approved* by ${byAt(decision.by, decision.at)}${why}\nTriage the finding in CII (mark it normal) to close it there.`;
    }
    case 'reopened':
      return `↩️ *Reopened* by ${byAt(decision.by, decision.at)}: open again.`;
    case 'blocked':
    case 'unblocked': {
      const action = decision.state === 'blocked' ? 'block' : 'unblock';
      const line = resultsLine(action, decision.results);
      return `${action === 'block' ? '⛔' : '↩️'} *${PAST[action]}* by ${byAt(decision.by, decision.at)}${line ? `: ${line}` : ''}${reasonLine(decision.reason)}`;
    }
    case 'failed': {
      const reasons = [
        decision.error ? clean(decision.error, 500) : '',
        resultsLine(decision.action, decision.results),
      ].filter(Boolean);
      const partial = isPartial(decision);
      const headline = partial ? `Partially ${PAST[decision.action].toLowerCase()}` : `${NOUN[decision.action]} failed`;
      const next =
        partial && decision.action === 'block'
          ? 'Retry redoes only what failed; Unblock reverses what succeeded.'
          : 'Retry redoes only what failed.';
      return `⚠️ *${headline}* (${byAt(decision.by, decision.at)}): ${reasons.join('; ') || 'unknown error'}${reasonLine(decision.reason)}\n${next}`;
    }
  }
}

/** "Already blocked by @x at <time>." for a late click, escaped mrkdwn. */
export function alreadyText(decision: DecisionView | { state: 'open' }): string {
  switch (decision.state) {
    case 'open':
      return 'This alert has no decision to act on yet.';
    case 'in_progress':
      return `Already being ${decision.action === 'block' ? 'blocked' : 'unblocked'} by ${userMention(decision.by)} (started at ${formatUtc(decision.at)}).`;
    case 'failed':
      return isPartial(decision)
        ? `The last ${decision.action} only partly succeeded (${byAt(decision.by, decision.at)}): use Retry or Unblock on the card.`
        : `The last ${decision.action} failed (${byAt(decision.by, decision.at)}): use Retry on the card.`;
    case 'reopened':
      return `This alert was reopened by ${byAt(decision.by, decision.at)}: it is open again.`;
    default:
      return `Already ${decision.state} by ${byAt(decision.by, decision.at)}.`;
  }
}

export interface ResponseReportInput {
  action: ResponseActionView;
  state: 'blocked' | 'unblocked' | 'failed';
  by: string;
  at: Date;
  error?: string;
  results: readonly ProviderResultView[];
}

/** The thread reply under a card after a block or unblock: one line per provider account. */
export function responseReport(input: ResponseReportInput): SlackMessage {
  const headline =
    input.state === 'failed'
      ? decisionText({
          state: 'failed',
          action: input.action,
          by: input.by,
          at: input.at,
          error: input.error,
          results: input.results,
        })
      : decisionText({ state: input.state, by: input.by, at: input.at, results: input.results });
  const lines = input.results.map((r) => {
    const account = `${clean(r.label, 40)} (${code(r.providerUserId, 100)})`;
    if (r.ok) return `• ${account}: ✅ ${clean(r.steps.join(', ') || 'done', 500)}`;
    const before = r.steps.length > 0 ? ` — done before it failed: ${clean(r.steps.join(', '), 300)}` : '';
    return `• ${account}: ❌ ${clean(r.error ?? 'unknown error', 500)}${before}`;
  });
  const blocks: KnownBlock[] = chunkLines([headline.split('\n')[0]!, ...lines]).map((text) => ({
    type: 'section',
    text: mrkdwn(text),
  }));
  const fallback = `${NOUN[input.action]} ${input.state === 'failed' ? 'failed' : 'done'}: ${
    input.results.map((r) => `${r.label} ${r.ok ? 'ok' : 'failed'}`).join(', ') || (input.error ?? 'nothing to do')
  }`;
  return buildMessage(fallback, blocks);
}
