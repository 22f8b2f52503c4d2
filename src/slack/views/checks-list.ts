import type { KnownBlock } from '@slack/types';
import type { Severity } from '../../alerts/finding.ts';
import { severityBadge } from './format.ts';
import { buildMessage, chunkLines, clean, code, mrkdwn, type SlackMessage } from './limits.ts';

export interface CheckLineView {
  id: string;
  title: string;
  defaultSeverity?: Severity;
  description?: string;
  inCatalogue: boolean;
  idConfirmed: boolean;
  recentFindings: number;
}

/** `/cii checks`: the catalogue merged with every check id received, with the findings of the last days. */
export function checksList(input: { checks: CheckLineView[]; days: number }): SlackMessage {
  const lines = input.checks.map((c) => {
    const source = !c.inCatalogue
      ? ' · _received from CII, not in the catalogue_'
      : c.idConfirmed
        ? ''
        : ' · _id guessed_';
    const severity = c.defaultSeverity ? ` · ${severityBadge(c.defaultSeverity)}` : '';
    const description = c.description ? `\n    ${clean(c.description, 200)}` : '';
    return `• ${code(c.id, 128)} *${clean(c.title, 150)}*${severity} · ${c.recentFindings} finding${c.recentFindings === 1 ? '' : 's'}${source}${description}`;
  });
  const blocks: KnownBlock[] = chunkLines([
    `*CII checks* (findings in the last ${input.days} days). Subscribe with \`/cii subscribe <check-id>\`.`,
    ...lines,
  ]).map((text) => ({ type: 'section', text: mrkdwn(text) }));
  return buildMessage(`${input.checks.length} CII checks`, blocks);
}
