import type { ContextBlock, KnownBlock, MrkdwnElement, PlainTextElement } from '@slack/types';

/** Slack's Block Kit limits, in characters unless the name says otherwise. */
export const LIMITS = {
  blocksPerMessage: 50,
  blocksPerModal: 100,
  sectionText: 3000,
  field: 2000,
  fieldsPerSection: 10,
  header: 150,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  buttonUrl: 3000,
  actionId: 255,
  blockId: 255,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  modalTitle: 24,
  optionText: 75,
  optionValue: 150,
  optionsPerSelect: 100,
  privateMetadata: 3000,
  /** Slack rejects a message (`msg_blocks_too_long`) past ~13,000 characters of text in all: keep a margin. */
  messageText: 12_000,
  /** Our own cap on the top-level `text`, which only feeds notifications and screen readers. */
  fallbackText: 300,
} as const;

/** What every view returns: ready for `chat.postMessage`, `respond()` or `chat.update`. */
export interface SlackMessage {
  /** Short fallback for notifications and screen readers; never empty. */
  text: string;
  blocks: KnownBlock[];
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;

/** Cuts `text` to at most `max` UTF-16 units, ending with `…`; never splits a surrogate pair. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  let end = max - 1;
  if (end > 0 && isHighSurrogate(text.charCodeAt(end - 1))) end -= 1;
  return text.slice(0, end).trimEnd() + '…';
}

/** Escapes the three characters Slack's mrkdwn gives a meaning to. */
export function escapeMrkdwn(text: string): string {
  // Most text has none of them: tested once rather than copied three times (cards render per lookup).
  if (!/[&<>]/.test(text)) return text;
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Truncates mrkdwn without leaving half an entity (`&am…`) or half a link/mention (`<https://…`). */
export function truncateMrkdwn(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  let body = truncate(text, max).slice(0, -1);
  const amp = body.lastIndexOf('&');
  if (amp >= 0 && !body.includes(';', amp)) body = body.slice(0, amp);
  const open = body.lastIndexOf('<');
  if (open > body.lastIndexOf('>')) body = body.slice(0, open);
  return body.trimEnd() + '…';
}

/**
 * Slack's mrkdwn has no escape for its markers: a zero-width space on each side of `*`, `_`, `~` and a backtick
 * leaves the marker touching no text, so Slack shows it as it is instead of opening or closing a format. A marker
 * between two letters or digits (`first_last`) can neither open nor close one and is left as typed, so it copies.
 */
const ZWSP = '\u200b';
const ALNUM = /^[\p{L}\p{N}]$/u;
function literalMarkers(text: string): string {
  if (!/[*_~`]/.test(text)) return text;
  return text.replace(/[*_~`]/g, (marker, at: number) =>
    marker !== '`' && ALNUM.test(text[at - 1] ?? '') && ALNUM.test(text[at + 1] ?? '')
      ? marker
      : `${ZWSP}${marker}${ZWSP}`,
  );
}

/** Whitespace other than single inner spaces: only such text needs rewriting to one line. */
const NOT_ONE_LINE = /[^\S ]| {2}|^ | $/;
const oneLine = (text: string | null | undefined) => {
  const value = text ?? '';
  return NOT_ONE_LINE.test(value) ? value.replace(/\s+/g, ' ').trim() : value;
};

/** Anything clean() rewrites: a character to escape, a format marker, or whitespace that is not one inner space. */
const NEEDS_REWRITE = /[&<>*_~`]|[^\S ]| {2}|^ | $/;

/** External text (names, titles, logins...) shown literally in mrkdwn: one line, escaped, at most `max` chars. */
export function clean(text: string | null | undefined, max: number): string {
  const value = text ?? '';
  // Most text needs no rewrite: one test rather than one per rewrite (a card cleans a few dozen strings).
  if (!NEEDS_REWRITE.test(value)) return truncateMrkdwn(value, max);
  return truncateMrkdwn(literalMarkers(escapeMrkdwn(oneLine(value))), max);
}

/**
 * External text as an inline code span (no format applies inside one). Text with a backtick, which would close
 * the span early, is shown as literal text instead.
 */
export function code(text: string | null | undefined, max: number): string {
  const line = oneLine(text);
  if (line.includes('`')) return clean(line, max);
  return `\`${truncateMrkdwn(escapeMrkdwn(line), max)}\``;
}

// Slack rejects empty text objects; views never build one on purpose, this only keeps a bug from failing a post.
// Text starting with a visible ASCII character (not a space), nearly all text, needs no regular expression.
const nonEmpty = (text: string) => {
  const first = text.charCodeAt(0);
  return (first > 0x20 && first < 0x7f) || /\S/.test(text) ? text : '-';
};

export function plainText(text: string, max: number = LIMITS.sectionText): PlainTextElement {
  return { type: 'plain_text', text: nonEmpty(truncate(oneLine(text), max)), emoji: true };
}

/** A mrkdwn text object from already-escaped mrkdwn, truncated to `max`. */
export function mrkdwn(text: string, max: number = LIMITS.sectionText): MrkdwnElement {
  return { type: 'mrkdwn', text: nonEmpty(truncateMrkdwn(text, max)) };
}

/** Section fields from already-escaped mrkdwn: empty ones dropped, at most 10 of 2,000 chars each. */
export function fieldsOf(...fields: Array<string | false | null | undefined>): MrkdwnElement[] {
  return fields
    .filter((f): f is string => typeof f === 'string' && f.trim() !== '')
    .slice(0, LIMITS.fieldsPerSection)
    .map((f) => mrkdwn(f, LIMITS.field));
}

/** "a, b, c +N more": the first `shown` items formatted, then how many were left out. */
export function listWithMore<T>(items: readonly T[], shown: number, format: (item: T) => string): string {
  const visible = items.slice(0, shown).map(format);
  const hidden = items.length - visible.length;
  return hidden > 0 ? `${visible.join(', ')} +${hidden} more` : visible.join(', ');
}

/** One bullet line per shown item, then a "+N more" line. */
export function bulletsWithMore<T>(items: readonly T[], shown: number, format: (item: T) => string): string {
  const visible = items.slice(0, shown).map((item) => `• ${format(item)}`);
  const hidden = items.length - visible.length;
  return hidden > 0 ? [...visible, `+${hidden} more`].join('\n') : visible.join('\n');
}

/**
 * Groups lines into texts of at most `max` chars each (a longer line is truncated), so a long list
 * can span several sections instead of being cut at 3,000 chars.
 */
export function chunkLines(lines: readonly string[], max: number = LIMITS.sectionText): string[] {
  // Usually all lines fit in one text: joined at once, unless the first is empty (the loop drops leading empties).
  let total = lines.length - 1;
  for (const line of lines) total += line.length;
  if (total <= max && lines.length > 0 && lines[0] !== '') return [lines.join('\n')];
  const chunks: string[] = [];
  let current = '';
  for (const raw of lines) {
    const line = truncateMrkdwn(raw, max);
    if (current !== '' && current.length + 1 + line.length > max) {
      chunks.push(current);
      current = '';
    }
    current = current === '' ? line : `${current}\n${line}`;
  }
  if (current !== '') chunks.push(current);
  return chunks;
}

function isTextObject(value: object): value is { type: string; text: string } {
  const v = value as { type?: unknown; text?: unknown };
  return (v.type === 'plain_text' || v.type === 'mrkdwn') && typeof v.text === 'string';
}

/** Characters of text in the blocks, counted the way Slack's total-text limit counts them (every text object). */
export function messageTextLength(blocks: readonly KnownBlock[]): number {
  return textLength(blocks);
}

function textLength(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  if (Array.isArray(value)) {
    let total = 0;
    for (const item of value) total += textLength(item);
    return total;
  }
  if (isTextObject(value)) return value.text.length;
  let total = 0;
  for (const key in value) total += textLength((value as Record<string, unknown>)[key]);
  return total;
}

const omittedNotice = (): ContextBlock => ({
  type: 'context',
  elements: [{ type: 'mrkdwn', text: '_Some details were left out to fit Slack’s message size limits._' }],
});
const MIN_CONDENSED = 200;

function condense(block: KnownBlock, budget: number): KnownBlock | undefined {
  if (block.type !== 'section' || !block.text || block.fields || block.accessory || budget < MIN_CONDENSED) {
    return undefined;
  }
  return {
    ...block,
    text: block.text.type === 'mrkdwn' ? mrkdwn(block.text.text, budget) : plainText(block.text.text, budget),
  };
}

/**
 * Keeps a message inside the 50-block cap and the total-text budget: trailing `blocks` are condensed
 * or dropped and a context line says so; `footer` blocks (buttons, provenance) are always kept.
 */
export function fitMessage(blocks: readonly KnownBlock[], footer: readonly KnownBlock[] = []): KnownBlock[] {
  const all = [...blocks, ...footer];
  if (all.length <= LIMITS.blocksPerMessage && messageTextLength(all) <= LIMITS.messageText) return all;
  const maxBlocks = LIMITS.blocksPerMessage - footer.length - 1;
  const notice = omittedNotice();
  let budget = LIMITS.messageText - messageTextLength(footer) - messageTextLength([notice]);
  const kept: KnownBlock[] = [];
  for (const block of blocks) {
    if (kept.length >= maxBlocks) break;
    const size = messageTextLength([block]);
    if (size <= budget) {
      kept.push(block);
      budget -= size;
      continue;
    }
    const condensed = condense(block, budget);
    if (condensed) kept.push(condensed);
    break;
  }
  return [...kept, notice, ...footer];
}

/** Assembles a message: `fallback` is raw text (escaped here), `blocks` are fitted to Slack's limits, `footer` always kept. */
export function buildMessage(
  fallback: string,
  blocks: readonly KnownBlock[],
  footer: readonly KnownBlock[] = [],
): SlackMessage {
  return {
    // Notifications show the fallback unformatted: only Slack's three entities need escaping there.
    text: truncateMrkdwn(escapeMrkdwn(oneLine(fallback)), LIMITS.fallbackText) || 'Cisco Identity Intelligence',
    blocks: fitMessage(blocks, footer),
  };
}
