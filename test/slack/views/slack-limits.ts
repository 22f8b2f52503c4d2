import type { KnownBlock } from '@slack/types';
import { LIMITS, type SlackMessage } from '../../../src/slack/views/limits.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Every text object (plain_text / mrkdwn) in the blocks, with its path for messages. */
export function textObjects(blocks: readonly KnownBlock[]): Array<{ path: string; type: string; text: string }> {
  const found: Array<{ path: string; type: string; text: string }> = [];
  const walk = (value: unknown, path: string): void => {
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${path}[${i}]`));
    else if (isObj(value)) {
      if ((value.type === 'plain_text' || value.type === 'mrkdwn') && typeof value.text === 'string') {
        found.push({ path, type: value.type, text: value.text });
      } else for (const [k, v] of Object.entries(value)) walk(v, `${path}.${k}`);
    }
  };
  walk(blocks, 'blocks');
  return found;
}

/** All text a reader could see: the fallback and every text object. */
export function allText(message: SlackMessage): string {
  return [message.text, ...textObjects(message.blocks).map((t) => t.text)].join('\n');
}

/** Every button in the message. */
export function buttons(message: SlackMessage): Obj[] {
  return message.blocks.flatMap((b) => (b.type === 'actions' ? (b.elements as unknown as Obj[]) : []));
}

// Raw `<` only opens links and mentions; raw `&` only opens one of the three entities.
const BAD_ANGLE = /<(?!https?:\/\/|@|#|!)/;
const BAD_AMP = /&(?!amp;|lt;|gt;)/;

/** What Slack would reject (or mis-render) in this message; empty when it is fine. */
export function limitViolations(message: SlackMessage): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, what: string) => {
    if (!ok) problems.push(what);
  };
  const len = (s: unknown) => (typeof s === 'string' ? s.length : 0);
  check(message.text.trim().length > 0, 'empty fallback text');
  check(message.text.length <= LIMITS.fallbackText, `fallback text ${message.text.length} chars`);
  check(
    !BAD_ANGLE.test(message.text) && !BAD_AMP.test(message.text),
    `unescaped fallback: ${message.text.slice(0, 80)}`,
  );
  check(message.blocks.length <= LIMITS.blocksPerMessage, `${message.blocks.length} blocks`);
  const texts = textObjects(message.blocks);
  const total = texts.reduce((n, t) => n + t.text.length, 0);
  check(total <= LIMITS.messageText, `total text ${total} chars`);
  for (const t of texts) {
    check(t.text.trim().length > 0, `empty text at ${t.path}`);
    if (t.type === 'mrkdwn') {
      check(!BAD_ANGLE.test(t.text), `unescaped < at ${t.path}: ${t.text.slice(0, 80)}`);
      check(!BAD_AMP.test(t.text), `unescaped & at ${t.path}: ${t.text.slice(0, 80)}`);
    }
  }
  message.blocks.forEach((block, i) => {
    const b = block as unknown as Obj;
    const at = `block ${i} (${block.type})`;
    check(len(b.block_id) <= LIMITS.blockId, `${at}: block_id too long`);
    if (block.type === 'header')
      check(block.text.text.length <= LIMITS.header, `${at}: header ${block.text.text.length}`);
    if (block.type === 'section') {
      check(!!block.text || (block.fields?.length ?? 0) > 0, `${at}: section without text or fields`);
      check(len(block.text?.text) <= LIMITS.sectionText, `${at}: text ${len(block.text?.text)}`);
      check((block.fields?.length ?? 0) <= LIMITS.fieldsPerSection, `${at}: ${block.fields?.length} fields`);
      for (const f of block.fields ?? []) check(f.text.length <= LIMITS.field, `${at}: field ${f.text.length}`);
    }
    if (block.type === 'context') {
      check(
        block.elements.length > 0 && block.elements.length <= LIMITS.contextElements,
        `${at}: ${block.elements.length} elements`,
      );
      for (const e of block.elements as unknown as Obj[])
        check(len(e.text) <= LIMITS.sectionText, `${at}: element ${len(e.text)}`);
    }
    if (block.type === 'actions') {
      check(
        block.elements.length > 0 && block.elements.length <= LIMITS.actionsElements,
        `${at}: ${block.elements.length} elements`,
      );
      const ids = block.elements.map((e) => (e as unknown as Obj).action_id);
      check(new Set(ids).size === ids.length, `${at}: duplicate action_id`);
      for (const e of block.elements as unknown as Obj[]) {
        const text = (e.text as Obj | undefined)?.text;
        check(len(text) <= LIMITS.buttonText, `${at}: button text ${len(text)}`);
        check(typeof e.action_id === 'string' && len(e.action_id) <= LIMITS.actionId, `${at}: action_id`);
        check(len(e.value) <= LIMITS.buttonValue, `${at}: value ${len(e.value)}`);
        check(len(e.url) <= LIMITS.buttonUrl, `${at}: url ${len(e.url)}`);
        if (e.url !== undefined)
          check(typeof e.url === 'string' && /^https?:\/\//.test(e.url), `${at}: url scheme ${JSON.stringify(e.url)}`);
        const confirm = e.confirm as Obj | undefined;
        if (confirm) {
          const part = (k: string) => len((confirm[k] as Obj | undefined)?.text);
          check(part('title') <= LIMITS.confirmTitle, `${at}: confirm title ${part('title')}`);
          check(part('text') <= LIMITS.confirmText, `${at}: confirm text ${part('text')}`);
          check(
            part('confirm') <= LIMITS.confirmButton && part('deny') <= LIMITS.confirmButton,
            `${at}: confirm buttons`,
          );
        }
      }
    }
  });
  return problems;
}
