import type { KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import { SEVERITIES, type Severity } from '../../alerts/finding.ts';
import { SUBSCRIPTION_INPUTS, VIEW_IDS } from './action-ids.ts';
import { severityBadge } from './format.ts';
import { escapeMrkdwn, LIMITS, mrkdwn, plainText, truncate } from './limits.ts';
import { channelMention } from './links.ts';

/** A check the multi-select offers. */
export interface CheckOption {
  id: string;
  title: string;
}

/** What the filter chosen would have brought the channel over the last days. */
export type PreviewView =
  { kind: 'counting' } | { kind: 'counted'; matching: number; missed: number; days: number } | { kind: 'failed' };

export interface SubscriptionModalInput {
  channelId: string;
  /** The catalogue merged with the checks received, as `/cii checks` lists them. */
  checks: readonly CheckOption[];
  /** Check ids picked (none: every check). */
  selected: readonly string[];
  minSeverity: Severity;
  preview: PreviewView;
}

const checkOption = (c: CheckOption): PlainTextOption => ({
  text: plainText(`${c.title} (${c.id})`, LIMITS.optionText),
  value: truncate(c.id, LIMITS.optionValue),
});

const severityOption = (s: Severity): PlainTextOption => ({
  text: plainText(`${severityBadge(s)} and above`, LIMITS.optionText),
  value: s,
});

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function previewText(preview: PreviewView, channelId: string): string {
  switch (preview.kind) {
    case 'counting':
      return '⏳ Counting the alerts this filter would have posted…';
    case 'failed':
      return '⚠️ Could not count the alerts this filter would have posted; subscribing still works.';
    case 'counted': {
      const here = channelMention(channelId);
      const head = `📊 This would have posted *${plural(preview.matching, 'alert')}* in ${here} in the last ${preview.days} days.`;
      if (preview.missed === 0) return preview.matching === 0 ? head : `${head} Every one of them is already here.`;
      const them = preview.missed === 1 ? 'it' : 'them';
      const gap =
        preview.missed === preview.matching
          ? `${here} has had none of ${them}`
          : `${preview.missed} of them never reached ${here}`;
      return `${head} ${gap}: *Post them here*, after subscribing, posts ${them}.`;
    }
  }
}

/** The text command that subscribes the same way, to show the modal and `/cii subscribe` are one thing. */
function sameAs(selected: readonly string[], minSeverity: Severity): string {
  const words = ['/cii subscribe', ...selected, ...(minSeverity === 'low' ? [] : [`severity:${minSeverity}`])];
  return `Same as typing \`${escapeMrkdwn(words.join(' '))}\``;
}

/**
 * **Add subscription…**: checks from the catalogue, a minimum severity and a live preview of what the filter
 * would have posted here; each change comes back as a block action and the view is updated with its count.
 */
export function subscriptionModal(input: SubscriptionModalInput): ModalView {
  const options = input.checks.slice(0, LIMITS.optionsPerSelect).map(checkOption);
  const selected = options.filter((o) => input.selected.includes(o.value ?? ''));
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: mrkdwn(`Post CII alerts in ${channelMention(input.channelId)}. Leave the checks empty for every check.`),
    },
    {
      type: 'input',
      block_id: SUBSCRIPTION_INPUTS.checks.blockId,
      optional: true,
      dispatch_action: true,
      label: plainText('Checks'),
      element: {
        type: 'multi_static_select',
        action_id: SUBSCRIPTION_INPUTS.checks.actionId,
        placeholder: plainText('Every check', 150),
        options,
        ...(selected.length > 0 ? { initial_options: selected } : {}),
      },
    },
    {
      type: 'input',
      block_id: SUBSCRIPTION_INPUTS.severity.blockId,
      dispatch_action: true,
      label: plainText('Minimum severity'),
      element: {
        type: 'static_select',
        action_id: SUBSCRIPTION_INPUTS.severity.actionId,
        options: SEVERITIES.map(severityOption),
        initial_option: severityOption(input.minSeverity),
      },
    },
    { type: 'section', text: mrkdwn(previewText(input.preview, input.channelId)) },
    {
      type: 'context',
      elements: [
        mrkdwn(
          sameAs(
            selected.map((o) => o.value ?? ''),
            input.minSeverity,
          ),
        ),
      ],
    },
  ];
  return {
    type: 'modal',
    callback_id: VIEW_IDS.subscriptionAdd,
    private_metadata: truncate(JSON.stringify({ channelId: input.channelId }), LIMITS.privateMetadata),
    title: plainText('Add subscription', LIMITS.modalTitle),
    submit: plainText('Subscribe', LIMITS.modalTitle),
    close: plainText('Cancel', LIMITS.modalTitle),
    blocks,
  };
}

/** The picks read back from the modal's state (a block action or the submission). */
export function readSubscriptionChoice(
  values: Record<string, Record<string, { selected_options?: unknown; selected_option?: unknown }>> | undefined,
): { checkIds: string[]; minSeverity: Severity } {
  const valueOf = (o: unknown) =>
    typeof o === 'object' && o !== null && typeof (o as { value?: unknown }).value === 'string'
      ? (o as { value: string }).value
      : undefined;
  const { checks, severity } = SUBSCRIPTION_INPUTS;
  const picked = values?.[checks.blockId]?.[checks.actionId]?.selected_options;
  const checkIds = (Array.isArray(picked) ? picked.map(valueOf) : []).filter((v): v is string => v !== undefined);
  const sev = valueOf(values?.[severity.blockId]?.[severity.actionId]?.selected_option);
  return {
    checkIds: [...new Set(checkIds)].sort(),
    minSeverity: (SEVERITIES as readonly string[]).includes(sev ?? '') ? (sev as Severity) : 'low',
  };
}
