import type { ActionsBlock, Button, KnownBlock } from '@slack/types';
import type { Severity } from '../../alerts/finding.ts';
import { ACTION_IDS } from './action-ids.ts';
import { hidePlaceholders, providerList, publishedText } from './alert-text.ts';
import { labeled, severityBadge, severityWord } from './format.ts';
import { buildMessage, bulletsWithMore, chunkLines, clean, fieldsOf, LIMITS, mrkdwn, plainText, type SlackMessage, truncate } from './limits.ts';
import { safeUrl } from './links.ts';

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
}

const SHOWN_RECOMMENDATIONS = 10;
const MAX_DESCRIPTION = 2500;

function blockButton(alert: AlertView, providers: string[]): Button {
  const who = alert.displayName?.trim() || alert.login;
  return {
    type: 'button',
    action_id: ACTION_IDS.alertBlock,
    text: plainText('Block'),
    style: 'danger',
    value: alert.id,
    confirm: {
      title: plainText(`Block ${who}?`, LIMITS.confirmTitle),
      // Each part capped so the provider names always fit in the 300-char dialog.
      text: plainText(
        `This disables ${truncate(who, 60)} (${truncate(alert.login, 80)}) in ${truncate(providerList(providers), 120)}.`,
        LIMITS.confirmText,
      ),
      confirm: plainText('Block', LIMITS.confirmButton),
      deny: plainText('Cancel', LIMITS.confirmButton),
      style: 'danger',
    },
  };
}

/** The card posted for one user failing a CII check, with Approve/Block buttons. */
export function alertCard(input: AlertCardInput): SlackMessage {
  const { alert, now, actions } = input;
  const badge = severityBadge(alert.severity, alert.severityLabel);
  const name = alert.displayName?.trim();
  const login = clean(alert.login, 150);
  const description = alert.description.map((line) => clean(hidePlaceholders(line), MAX_DESCRIPTION)).filter((l) => l !== '');
  const recommendations = alert.recommendedActions.map((a) => clean(hidePlaceholders(a), 300)).filter((a) => a !== '');

  const blocks: KnownBlock[] = [
    { type: 'header', text: plainText(`${badge} · ${alert.title}`, LIMITS.header) },
    {
      type: 'section',
      fields: fieldsOf(
        labeled('Severity', clean(badge, 60)),
        labeled('Check', `${clean(alert.title, 200)}\n\`${clean(alert.checkId, 100)}\``),
        labeled('User', name ? `${clean(name, 100)}\n${login}` : login),
        labeled('Published by CII', publishedText(alert.published, now)),
      ),
    },
  ];
  if (description.length > 0) blocks.push({ type: 'section', text: mrkdwn(description.join('\n'), MAX_DESCRIPTION) });
  if (recommendations.length > 0) {
    const lines = ['*Recommended actions*', ...bulletsWithMore(recommendations, SHOWN_RECOMMENDATIONS, (a) => a).split('\n')];
    for (const text of chunkLines(lines)) blocks.push({ type: 'section', text: mrkdwn(text) });
  }

  const providers = 'providers' in actions.block ? actions.block.providers : [];
  const unavailable =
    'unavailableReason' in actions.block
      ? actions.block.unavailableReason
      : providers.length === 0
        ? 'no identity provider account to act on'
        : undefined;
  const buttons: Button[] = [];
  const url = safeUrl(alert.referenceUrl);
  if (url) buttons.push({ type: 'button', action_id: ACTION_IDS.openInCii, text: plainText('Open in CII'), url });
  if (actions.approve) {
    buttons.push({ type: 'button', action_id: ACTION_IDS.alertApprove, text: plainText('Approve'), style: 'primary', value: alert.id });
  }
  if (!unavailable) buttons.push(blockButton(alert, providers));
  const footer: KnownBlock[] = buttons.length > 0 ? [{ type: 'actions', elements: buttons } satisfies ActionsBlock] : [];
  if (unavailable) footer.push({ type: 'context', elements: [mrkdwn(`Block unavailable: ${clean(unavailable, 300)}`)] });

  const who = name ? `${name} (${alert.login})` : alert.login;
  return buildMessage(`CII alert (${severityWord(alert.severity)}): ${alert.title} — ${who}`, blocks, footer);
}
