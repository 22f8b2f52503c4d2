import type { ActionsBlock, ActionsBlockElement, Button, KnownBlock } from '@slack/types';
import type { FindingContext, Severity } from '../../alerts/finding.ts';
import { ACTION_IDS } from './action-ids.ts';
import { decisionButtons } from './alert-buttons.ts';
import { decisionText, type DecisionView } from './alert-decision.ts';
import { evidenceFields, lookupIpOf, type EvidenceInput, type UserContextView } from './alert-evidence.ts';
import { detailKey, detailValue, explain, publishedText, type DetailView } from './alert-text.ts';
import { formatRelative, humanize, severityBadge, severityWord } from './format.ts';
import {
  buildMessage,
  bulletsWithMore,
  chunkLines,
  clean,
  code,
  fieldsOf,
  LIMITS,
  mrkdwn,
  plainText,
  type SlackMessage,
} from './limits.ts';
import { principalMention, safeUrl } from './links.ts';
import { muteMenu, type MuteChoice } from './mutes.ts';
import { verificationBlock, type VerificationView } from './verify-state.ts';

/** Why Block is not offered when no identity provider is configured. */
export const BLOCK_NEEDS_PROVIDER = 'Block needs an identity provider (Duo, Okta or Entra ID) configured for this app.';

/** One user failing one check, as the alert card shows it. */
export interface AlertView {
  /** Our stored alert's id: the only thing the buttons carry. */
  id: string;
  checkId: string;
  title: string;
  severity: Severity;
  severityLabel: string;
  login: string;
  displayName?: string;
  referenceUrl?: string;
  /** ISO 8601, as CII sent it. */
  published: string;
  description: string[];
  recommendedActions: string[];
  /** `unrouted`: no subscription matched; the card is in the fallback channel and says so. */
  routing?: 'routed' | 'unrouted' | 'muted';
  /** The key-value details CII sent about this user (`loginDetails`); they fill the description's placeholders. */
  details?: DetailView[];
  /** CII's trust level for the user (newer payloads), e.g. UNTRUSTED. */
  trustLevel?: string;
  /** Topics, scope, frameworks and explainability details of the check (newer payloads). */
  context?: FindingContext;
}

export interface AlertActions {
  approve: boolean;
  /** The providers Block will act on, or why Block cannot be offered. */
  block: { providers: string[] } | { unavailableReason: string };
}

export interface AlertCardInput {
  alert: AlertView;
  now: Date;
  actions: AlertActions;
  /** Absent for an open alert: then the card offers Approve and Block. */
  decision?: DecisionView;
  /** Where asking the user "was this you?" stands; absent when the check does not ask. */
  verification?: VerificationView;
  /** Set when CII_RESPONDERS is empty: nobody may act yet, the card says whom to ask (user/group ids, may be empty). */
  noResponders?: { askWhom: readonly string[] };
  /** What CII knows about the user: who, where, accounts. */
  userContext?: UserContextView;
  /** CII was asked for the context and did not answer in time: the card says so. */
  contextUnavailable?: boolean;
  /** CII answered that it has no user with this login. */
  userUnknown?: boolean;
  /** A thread card under a summary card: the check's description is on the summary, not repeated here. */
  inThread?: boolean;
  /** Group names that flag a user as privileged; admin-like names by default. */
  privilegedGroups?: RegExp;
  /** The durations of the card's Mute menu; no menu when absent. */
  muteChoices?: readonly MuteChoice[];
}

/** Admin-like group names (the default of CII_PRIVILEGED_GROUPS). */
export const DEFAULT_PRIVILEGED_GROUPS =
  /\b(admins?|administrators?|owners?|super ?users?|superadmins?|root|privileged|operators?|global admin\w*)\b/i;

/** What the card says when CII has no user with the alert's login. */
const USER_UNKNOWN = 'CII has no user with this login: who, where and the accounts cannot be shown.';

/** What the card says while CII has not answered about the user. */
export const CONTEXT_UNAVAILABLE =
  'CII did not answer in time: who the user is, where they signed in and their accounts are missing. This card is completed when CII answers.';

const SHOWN_RECOMMENDATIONS = 3;
const SHOWN_DETAILS = 6;
const SHOWN_CONTEXT_ITEMS = 8;
const MAX_DESCRIPTION = 2500;

function noRespondersNote(askWhom: readonly string[]): KnownBlock {
  const whom = askWhom.length > 0 ? askWhom.slice(0, 10).map(principalMention).join(', ') : 'a Slack admin';
  return {
    type: 'context',
    elements: [
      mrkdwn(`No responders configured — ask ${whom} to set CII_RESPONDERS so someone can act on this alert.`),
    ],
  };
}

/** What the card offers below its details: the decision line, if any, and the buttons for what may follow. */
function footerOf(input: AlertCardInput): KnownBlock[] {
  const { alert, actions, decision } = input;
  const buttons: Button[] = [];
  const url = safeUrl(alert.referenceUrl);
  if (url) buttons.push({ type: 'button', action_id: ACTION_IDS.openInCii, text: plainText('Open in CII'), url });
  const ip = lookupIpOf(input.userContext);
  const lookupIp: Button[] = ip
    ? [{ type: 'button', action_id: ACTION_IDS.lookupIp, text: plainText(`Look up ${ip}`, 40), value: ip }]
    : [];
  const note = input.noResponders ? [noRespondersNote(input.noResponders.askWhom)] : [];

  const providers = 'providers' in actions.block ? actions.block.providers : [];
  const unavailable =
    'unavailableReason' in actions.block
      ? actions.block.unavailableReason
      : providers.length === 0
        ? 'no identity provider account to act on'
        : undefined;
  buttons.push(...decisionButtons(alert, decision, { approve: actions.approve, block: !unavailable }), ...lookupIp);
  const footer: KnownBlock[] = decision ? [{ type: 'section', text: mrkdwn(decisionText(decision)) }] : [];
  const elements: ActionsBlockElement[] = [...buttons];
  if (input.muteChoices && input.muteChoices.length > 0) elements.push(muteMenu(alert.id, input.muteChoices));
  if (elements.length > 0) footer.push({ type: 'actions', elements } satisfies ActionsBlock);
  const offersBlock = !decision || decision.state === 'reopened' || decision.state === 'unblocked';
  if (unavailable && offersBlock)
    footer.push({ type: 'context', elements: [mrkdwn(`Block unavailable: ${clean(unavailable, 300)}`)] });
  return [...footer, ...note];
}

/** "Topics: … · Scope: … · Frameworks: …", or undefined when the payload gave none. */
export function checkContextLine(context: FindingContext | undefined): string | undefined {
  if (!context) return undefined;
  const list = (items: string[]) => {
    const shown = items.slice(0, SHOWN_CONTEXT_ITEMS).map((i) => clean(humanize(i), 80));
    const more = items.length - shown.length;
    return more > 0 ? `${shown.join(', ')} (+${more} more)` : shown.join(', ');
  };
  const parts = [
    context.checkTopics.length > 0 && `*Topics:* ${list(context.checkTopics)}`,
    context.checkScope && `*Scope:* ${clean(humanize(context.checkScope), 80)}`,
    context.frameworks.length > 0 && `*Frameworks:* ${list(context.frameworks)}`,
  ].filter((p): p is string => !!p);
  return parts.length > 0 ? parts.join(' · ') : undefined;
}

/** A block's results (a partial one's too): the card's accounts then read as the block left them, not as CII saw them. */
function blockResultsOf(decision: DecisionView | undefined): Pick<EvidenceInput, 'blockResults'> {
  if (decision?.state === 'blocked') return { blockResults: decision.results };
  if (decision?.state === 'failed' && decision.action === 'block') return { blockResults: decision.results };
  return {};
}

/** The card posted for one user failing a CII check: Approve/Block buttons while open, the decision after. */
export function alertCard(input: AlertCardInput): SlackMessage {
  const { alert, now } = input;
  const badge = severityBadge(alert.severity, alert.severityLabel);
  const unranked = severityWord(alert.severity, alert.severityLabel) !== severityWord(alert.severity);
  const name = input.userContext?.user.endUserDetails.displayName?.trim() || alert.displayName?.trim();
  const trust = alert.trustLevel?.trim();
  const details = [...(alert.details ?? []), ...(alert.context?.explainabilityDetails ?? [])];
  const why = explain(alert.description, details);
  // Under a summary, which carries the check's description, a thread card keeps only what is about its user.
  const whyLines = why.lines.filter((_, i) => !input.inThread || why.personal[i]);
  const recommendations = input.inThread ? [] : explain(alert.recommendedActions, details).lines;
  const providers = 'providers' in input.actions.block ? input.actions.block.providers : [];
  const checkContext = checkContextLine(alert.context);

  // "More" opens the details the compact card leaves out; beside the first section, away from the decision buttons.
  const more: Button = { type: 'button', action_id: ACTION_IDS.alertMore, text: plainText('More'), value: alert.id };
  const blocks: KnownBlock[] = [{ type: 'header', text: plainText(`${badge} · ${alert.title}`, LIMITS.header) }];
  if (whyLines.length > 0)
    blocks.push({
      type: 'section',
      text: mrkdwn(whyLines.map((l) => clean(l, MAX_DESCRIPTION)).join('\n')),
      accessory: more,
    });
  blocks.push({
    type: 'section',
    ...(whyLines.length > 0 ? {} : { accessory: more }),
    fields: fieldsOf(
      ...evidenceFields({
        login: alert.login,
        ...(name ? { displayName: name } : {}),
        ...(input.userContext ? { context: input.userContext } : {}),
        ...(trust ? { trustLevel: trust } : {}),
        blockProviders: providers,
        privilegedGroups: input.privilegedGroups ?? DEFAULT_PRIVILEGED_GROUPS,
        now,
        ...blockResultsOf(input.decision),
      }),
    ),
  });
  if (!input.userContext && (input.userUnknown || input.contextUnavailable)) {
    const line = input.userUnknown ? `❔ ${USER_UNKNOWN}` : `⚠️ ${CONTEXT_UNAVAILABLE}`;
    blocks.push({ type: 'context', elements: [mrkdwn(line)] });
  }
  if (why.unused.length > 0) {
    // Values hold commas ("Duo, Entra ID"): the details are set apart with a middle dot.
    const shown = why.unused
      .slice(0, SHOWN_DETAILS)
      .map((d) => `${clean(detailKey(d.key), 60)}: ${clean(detailValue(d.value), 100)}`);
    const hidden = why.unused.length - shown.length;
    const list = `${shown.join(' · ')}${hidden > 0 ? ` · +${hidden} more` : ''}`;
    blocks.push({ type: 'context', elements: [mrkdwn(`*Details from CII:* ${list}`)] });
  }
  if (checkContext && !input.inThread) blocks.push({ type: 'context', elements: [mrkdwn(checkContext)] });
  if (alert.routing === 'unrouted') {
    blocks.push({
      type: 'context',
      elements: [mrkdwn('⚠️ *Unrouted*: no subscription matched this alert; it is posted in the fallback channel.')],
    });
  }
  if (recommendations.length > 0) {
    const lines = [
      '*Recommended*',
      ...bulletsWithMore(recommendations, SHOWN_RECOMMENDATIONS, (a) => clean(a, 300)).split('\n'),
    ];
    for (const text of chunkLines(lines)) blocks.push({ type: 'section', text: mrkdwn(text) });
  }
  const provenance = [
    `Check ${code(alert.checkId, 100)}`,
    unranked && `severity ranked with ${alert.severity}`,
    `published by CII ${publishedText(alert.published, now)}`,
    input.userContext && `user details fetched ${formatRelative(input.userContext.fetchedAt, now)}`,
  ].filter((p): p is string => !!p);
  blocks.push({ type: 'context', elements: [mrkdwn(provenance.join(' · '))] });

  const who = name ? `${name} (${alert.login})` : alert.login;
  const verification = input.verification ? [verificationBlock(input.verification)] : [];
  const trustText = trust ? `, trust level ${humanize(trust)}` : '';
  return buildMessage(
    `CII alert (${severityWord(alert.severity, alert.severityLabel)}): ${alert.title} — ${who}${trustText}`,
    blocks,
    [...verification, ...footerOf(input)],
  );
}
