import type { ActionsBlock, Button, KnownBlock } from '@slack/types';
import type { FindingContext, Severity } from '../../alerts/finding.ts';
import { ACTION_IDS } from './action-ids.ts';
import { decisionButtons } from './alert-buttons.ts';
import { decisionText, type DecisionView } from './alert-decision.ts';
import { fillPlaceholders, publishedText } from './alert-text.ts';
import { humanize, labeled, severityBadge, severityWord, trustBadge } from './format.ts';
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
}

const SHOWN_RECOMMENDATIONS = 10;
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
  const note = input.noResponders ? [noRespondersNote(input.noResponders.askWhom)] : [];

  const providers = 'providers' in actions.block ? actions.block.providers : [];
  const unavailable =
    'unavailableReason' in actions.block
      ? actions.block.unavailableReason
      : providers.length === 0
        ? 'no identity provider account to act on'
        : undefined;
  buttons.push(...decisionButtons(alert, decision, { approve: actions.approve, block: !unavailable }));
  const footer: KnownBlock[] = decision ? [{ type: 'section', text: mrkdwn(decisionText(decision)) }] : [];
  if (buttons.length > 0) footer.push({ type: 'actions', elements: buttons } satisfies ActionsBlock);
  const offersBlock = !decision || decision.state === 'reopened' || decision.state === 'unblocked';
  if (unavailable && offersBlock)
    footer.push({ type: 'context', elements: [mrkdwn(`Block unavailable: ${clean(unavailable, 300)}`)] });
  return [...footer, ...note];
}

/** "Topics: … · Scope: … · Frameworks: …", or undefined when the payload gave none. */
function contextLine(context: FindingContext | undefined): string | undefined {
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

/** The card posted for one user failing a CII check: Approve/Block buttons while open, the decision after. */
export function alertCard(input: AlertCardInput): SlackMessage {
  const { alert, now } = input;
  const badge = severityBadge(alert.severity, alert.severityLabel);
  const unranked = severityWord(alert.severity, alert.severityLabel) !== severityWord(alert.severity);
  const name = alert.displayName?.trim();
  const login = clean(alert.login, 150);
  const trust = alert.trustLevel?.trim();
  const values = alert.context?.explainabilityDetails;
  const description = alert.description
    .map((line) => clean(fillPlaceholders(line, values), MAX_DESCRIPTION))
    .filter((l) => l !== '');
  const recommendations = alert.recommendedActions
    .map((a) => clean(fillPlaceholders(a, values), 300))
    .filter((a) => a !== '');
  const context = contextLine(alert.context);

  const blocks: KnownBlock[] = [
    { type: 'header', text: plainText(`${badge} · ${alert.title}`, LIMITS.header) },
    {
      type: 'section',
      fields: fieldsOf(
        labeled('Severity', clean(badge, 60) + (unranked ? `\n_ranked with ${alert.severity}_` : '')),
        trust ? labeled('User trust level', `*${clean(trustBadge(trust), 60)}*`) : undefined,
        labeled('Check', `${clean(alert.title, 200)}\n${code(alert.checkId, 100)}`),
        labeled('User', name ? `${clean(name, 100)}\n${login}` : login),
        labeled('Published by CII', publishedText(alert.published, now)),
      ),
    },
  ];
  if (alert.routing === 'unrouted') {
    blocks.push({
      type: 'context',
      elements: [mrkdwn('⚠️ *Unrouted*: no subscription matched this alert; it is posted in the fallback channel.')],
    });
  }
  if (description.length > 0) blocks.push({ type: 'section', text: mrkdwn(description.join('\n'), MAX_DESCRIPTION) });
  if (context) blocks.push({ type: 'context', elements: [mrkdwn(context)] });
  if (recommendations.length > 0) {
    const lines = [
      '*Recommended actions*',
      ...bulletsWithMore(recommendations, SHOWN_RECOMMENDATIONS, (a) => a).split('\n'),
    ];
    for (const text of chunkLines(lines)) blocks.push({ type: 'section', text: mrkdwn(text) });
  }

  const who = name ? `${name} (${alert.login})` : alert.login;
  const verification = input.verification ? [verificationBlock(input.verification)] : [];
  const trustText = trust ? `, trust level ${humanize(trust)}` : '';
  return buildMessage(
    `CII alert (${severityWord(alert.severity, alert.severityLabel)}): ${alert.title} — ${who}${trustText}`,
    blocks,
    [...verification, ...footerOf(input)],
  );
}
