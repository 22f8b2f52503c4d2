import type { Button, KnownBlock } from '@slack/types';
import type { Severity } from '../../alerts/finding.ts';
import { ACTION_IDS } from './action-ids.ts';
import { buildMessage, code, LIMITS, listWithMore, mrkdwn, plainText, type SlackMessage } from './limits.ts';

/** What a subscribe button carries: the filter to subscribe, and whether unknown ids are accepted as they are. */
export interface SubscribeChoice {
  checkIds: string[];
  minSeverity: Severity;
  anyway: boolean;
}

function encodeSubscribeChoice(choice: SubscribeChoice): string {
  return JSON.stringify({ c: choice.checkIds, s: choice.minSeverity, a: choice.anyway ? 1 : 0 });
}

export interface UnknownChecksInput {
  checkIds: string[];
  minSeverity: Severity;
  unknown: Array<{ id: string; suggestions: string[] }>;
}

const MAX_BUTTONS = 10;

/** `/cii subscribe` with ids no one knows: nothing stored, the closest known ids and **Subscribe anyway** offered. */
export function unknownChecks(input: UnknownChecksInput): SlackMessage {
  const lines = input.unknown.map(({ id, suggestions }) =>
    suggestions.length > 0
      ? `⚠️ ${code(id, 128)} is not a CII check this app knows. Did you mean ${listWithMore(suggestions, 3, (s) => code(s, 128))}?`
      : `⚠️ ${code(id, 128)} is not a CII check this app knows, and no known check is close.`,
  );
  const buttons: Button[] = [];
  for (const { id, suggestions } of input.unknown) {
    for (const suggestion of suggestions) {
      const checkIds = [...new Set(input.checkIds.map((c) => (c === id ? suggestion : c)))].sort();
      buttons.push({
        type: 'button',
        action_id: `${ACTION_IDS.subscribeChoice}:${buttons.length}`,
        text: plainText(`Subscribe to ${suggestion}`, LIMITS.buttonText),
        value: encodeSubscribeChoice({ checkIds, minSeverity: input.minSeverity, anyway: false }),
      });
    }
  }
  const usable = buttons.filter((b) => (b.value ?? '').length <= LIMITS.buttonValue).slice(0, MAX_BUTTONS);
  const anyway = encodeSubscribeChoice({ checkIds: input.checkIds, minSeverity: input.minSeverity, anyway: true });
  if (anyway.length <= LIMITS.buttonValue) {
    usable.push({
      type: 'button',
      action_id: `${ACTION_IDS.subscribeChoice}:anyway`,
      text: plainText('Subscribe anyway', LIMITS.buttonText),
      value: anyway,
    });
  }
  const blocks: KnownBlock[] = [
    { type: 'section', text: mrkdwn(lines.join('\n')) },
    {
      type: 'context',
      elements: [mrkdwn('Nothing was stored. `/cii checks` lists the checks this app knows and those CII sent.')],
    },
    ...(usable.length > 0 ? [{ type: 'actions', elements: usable } satisfies KnownBlock] : []),
  ];
  const first = input.unknown[0]!;
  const fallback = first.suggestions[0]
    ? `Unknown check ${first.id}: did you mean ${first.suggestions[0]}? Nothing was stored.`
    : `Unknown check ${first.id}: nothing was stored.`;
  return buildMessage(fallback, blocks);
}
