// Block Kit and mrkdwn to HTML, for the demo console. Pure functions (no DOM): the tests import them.
// Everything that comes from a message is escaped; only http(s) and mailto links are kept.

const HTML_ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const SLACK_ENTITIES = { amp: '&', lt: '<', gt: '>' };
// Private-use characters mark placeholders for already-rendered fragments; they are stripped from the input.
const HOLD_OPEN = '\uE000';
const HOLD_CLOSE = '\uE001';

const EMOJI = {
  white_check_mark: '✅',
  heavy_check_mark: '✔️',
  x: '❌',
  warning: '⚠️',
  rotating_light: '🚨',
  no_entry: '⛔',
  no_entry_sign: '🚫',
  lock: '🔒',
  unlock: '🔓',
  key: '🔑',
  shield: '🛡️',
  bust_in_silhouette: '👤',
  busts_in_silhouette: '👥',
  red_circle: '🔴',
  large_orange_circle: '🟠',
  large_yellow_circle: '🟡',
  large_green_circle: '🟢',
  large_blue_circle: '🔵',
  mag: '🔍',
  link: '🔗',
  information_source: 'ℹ️',
  hourglass_flowing_sand: '⏳',
  clock3: '🕒',
  globe_with_meridians: '🌐',
  computer: '💻',
  iphone: '📱',
  thumbsup: '👍',
  '+1': '👍',
  tada: '🎉',
  zap: '⚡',
};

export function escapeHtml(value) {
  return String(value ?? '').replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/** Slack escapes only &, < and > in message text. */
function decodeSlack(value) {
  return value.replace(/&(amp|lt|gt);/g, (_, name) => SLACK_ENTITIES[name]);
}

function emojify(escaped) {
  return escaped.replace(/:([a-z0-9_+-]+):/g, (whole, name) => EMOJI[name] ?? whole);
}

/** The URL if it is safe to link to (http, https, mailto), else undefined. */
export function safeUrl(raw) {
  const url = String(raw ?? '').trim();
  return /^(https?:\/\/|mailto:)[^\s]+$/i.test(url) ? url : undefined;
}

function controlSequence(inner, lookup) {
  const [target = '', ...rest] = inner.split('|');
  const label = rest.length > 0 ? decodeSlack(rest.join('|')) : undefined;
  if (target.startsWith('@')) {
    const id = target.slice(1);
    const name = lookup.user?.(id) ?? label?.replace(/^@/, '') ?? id;
    return `<span class="mention">@${escapeHtml(name)}</span>`;
  }
  if (target.startsWith('#')) {
    const id = target.slice(1);
    const name = lookup.channel?.(id) ?? label?.replace(/^#/, '') ?? id;
    return `<span class="mention">#${escapeHtml(name)}</span>`;
  }
  if (target.startsWith('!subteam^')) {
    const id = target.slice('!subteam^'.length);
    const name = lookup.usergroup?.(id) ?? label?.replace(/^@/, '') ?? id;
    return `<span class="mention">@${escapeHtml(name)}</span>`;
  }
  if (target.startsWith('!date^')) return escapeHtml(label ?? '');
  if (/^!(here|channel|everyone)$/.test(target)) return `<span class="mention">@${target.slice(1)}</span>`;
  const href = safeUrl(decodeSlack(target));
  if (href === undefined) return escapeHtml(`<${decodeSlack(inner)}>`);
  const text = label === undefined || label === '' ? href.replace(/^mailto:/i, '') : label;
  return `<a href="${escapeHtml(href)}" target="_blank" rel="noopener noreferrer">${escapeHtml(text)}</a>`;
}

// Slack's rules: the marker hugs non-space text and is not inside a word. A zero-width space counts as a space
// (it is how a marker is shown literally), so `S` below is "not a space, not a zero-width space".
const S = '[^\\s\\u200b]';
const emphasis = (m) => new RegExp(`(^|[^\\w${m}])${m}(?=${S})([^${m}\\n]*?${S}|${S})${m}(?![\\w${m}])`, 'g');
const BOLD = emphasis('\\*');
const ITALIC = emphasis('_');
const STRIKE = emphasis('~');
const C = '[^\\s\\u200b`]';
const CODE = new RegExp(`\`(?=${C})([^\`\\n]*?${C}|${C})\``, 'g');

function renderInline(line, lookup) {
  const held = [];
  const hold = (html) => `${HOLD_OPEN}${held.push(html) - 1}${HOLD_CLOSE}`;
  let s = line.replace(CODE, (_, code) => hold(`<code>${escapeHtml(decodeSlack(code))}</code>`));
  s = s.replace(/<([^<>\n]+)>/g, (_, inner) => hold(controlSequence(inner, lookup)));
  s = emojify(escapeHtml(decodeSlack(s)));
  s = s.replace(BOLD, '$1<b>$2</b>').replace(ITALIC, '$1<i>$2</i>').replace(STRIKE, '$1<s>$2</s>');
  return s.replace(new RegExp(`${HOLD_OPEN}(\\d+)${HOLD_CLOSE}`, 'g'), (_, i) => held[Number(i)]);
}

function renderLines(segment, lookup) {
  const out = [];
  let quote = [];
  let lines = [];
  const flush = () => {
    if (lines.length > 0) out.push(lines.join('<br>'));
    if (quote.length > 0) out.push(`<blockquote>${quote.join('<br>')}</blockquote>`);
    lines = [];
    quote = [];
  };
  for (const line of segment.split('\n')) {
    const quoted = /^(?:>|&gt;) ?(.*)$/.exec(line);
    if (quoted !== null) {
      if (lines.length > 0) flush();
      quote.push(renderInline(quoted[1], lookup));
    } else {
      if (quote.length > 0) flush();
      lines.push(renderInline(line, lookup));
    }
  }
  flush();
  return out.join('');
}

/**
 * Slack mrkdwn to HTML: *bold*, _italic_, ~strike~, `code`, ```pre```, > quotes, <url|label>, <@U…>, <#C…>,
 * <!subteam^S…>, <!here>, &amp;/&lt;/&gt;, a few :emoji:. `lookup` resolves ids to names: { user(id), channel(id), usergroup(id) }.
 */
export function renderMrkdwn(text, lookup = {}) {
  const source = String(text ?? '').replace(/[\uE000\uE001]/g, '');
  const parts = source.split('```');
  // An unclosed fence is plain text.
  if (parts.length % 2 === 0) {
    const unclosed = parts.pop();
    parts.push(`${parts.pop()}\`\`\`${unclosed}`);
  }
  return parts
    .map((part, i) => {
      if (i % 2 === 1) return `<pre>${escapeHtml(decodeSlack(part.replace(/^\n/, '').replace(/\n$/, '')))}</pre>`;
      // The newline that ends the line before a fence, or starts the line after one, is part of the fence.
      let plain = part;
      if (i > 0 && plain.startsWith('\n')) plain = plain.slice(1);
      if (i < parts.length - 1 && plain.endsWith('\n')) plain = plain.slice(0, -1);
      return plain === '' ? '' : renderLines(plain, lookup);
    })
    .join('');
}

/** A text object (plain_text or mrkdwn) to HTML. */
export function renderText(obj, lookup = {}) {
  if (obj === null || typeof obj !== 'object') return '';
  if (obj.type === 'mrkdwn') return renderMrkdwn(obj.text, lookup);
  const plain = escapeHtml(obj.text ?? '');
  return (obj.emoji === false ? plain : emojify(plain)).replace(/\n/g, '<br>');
}

function attr(name, value) {
  return value === undefined || value === null ? '' : ` ${name}="${escapeHtml(value)}"`;
}

function renderButton(el, blockId) {
  const style = el.style === 'primary' || el.style === 'danger' ? ` btn-${el.style}` : '';
  const common =
    attr('data-action-id', el.action_id) +
    attr('data-block-id', blockId) +
    attr('data-confirm', el.confirm ? JSON.stringify(el.confirm) : undefined) +
    attr('aria-label', el.accessibility_label);
  const label = renderText(el.text);
  const href = safeUrl(el.url);
  if (href !== undefined) {
    return `<a class="btn btn-link${style}" href="${escapeHtml(href)}" target="_blank" rel="noopener noreferrer"${common}>${label} <span class="ext">↗</span></a>`;
  }
  return `<button type="button" class="btn${style}"${common}>${label}</button>`;
}

function renderImage(el, cls) {
  const src = safeUrl(el.image_url);
  if (src === undefined) return '';
  return `<img class="${cls}" src="${escapeHtml(src)}" alt="${escapeHtml(el.alt_text ?? '')}">`;
}

function unsupported(type) {
  return `<span class="unsupported">[${escapeHtml(type ?? 'unknown')}]</span>`;
}

/** A select menu in a message: picking an option sends it, as in Slack. */
function renderMenu(el, blockId) {
  const options = renderOptions(el)
    .map((o) => `<option value="${escapeHtml(o.value)}">${o.label}</option>`)
    .join('');
  const placeholder = escapeHtml(el.placeholder?.text ?? 'Select…');
  return (
    `<select class="btn menu"${attr('data-action-id', el.action_id)}${attr('data-block-id', blockId)} aria-label="${placeholder}">` +
    `<option value="" selected disabled>${placeholder}</option>${options}</select>`
  );
}

function renderElement(el, blockId, ctx) {
  if (el === null || typeof el !== 'object') return '';
  if (el.type === 'button') return renderButton(el, blockId);
  if (el.type === 'static_select') return renderMenu(el, blockId);
  if (el.type === 'image') return renderImage(el, 'accessory-image');
  if (el.type === 'plain_text' || el.type === 'mrkdwn') return `<span>${renderText(el, ctx.lookup)}</span>`;
  return unsupported(el.type);
}

function inputId(blockId, actionId) {
  return `in-${blockId}-${actionId}`.replace(/[^\w-]/g, '_');
}

function renderOptions(el) {
  return (Array.isArray(el.options) ? el.options : []).map((o) => ({
    value: String(o.value ?? ''),
    label: renderText(o.text),
  }));
}

/**
 * A modal input element; its state is read back by the page from the data attributes. `dispatch`: a change is sent
 * to the app at once (the input block's `dispatch_action`).
 */
function renderInputElement(el, blockId, dispatch = false) {
  const data =
    attr('data-block-id', blockId) +
    attr('data-action-id', el.action_id) +
    attr('data-type', el.type) +
    (dispatch ? ' data-dispatch="true"' : '');
  const id = inputId(blockId, el.action_id);
  switch (el.type) {
    case 'plain_text_input': {
      const placeholder = attr('placeholder', el.placeholder?.text);
      const value = el.initial_value ?? '';
      return el.multiline
        ? `<textarea id="${escapeHtml(id)}" class="input" rows="4"${placeholder}${data}>${escapeHtml(value)}</textarea>`
        : `<input id="${escapeHtml(id)}" class="input" type="text"${attr('value', value)}${placeholder}${data}>`;
    }
    case 'static_select': {
      const initial = el.initial_option?.value;
      const options = renderOptions(el)
        .map(
          (o) => `<option value="${escapeHtml(o.value)}"${o.value === initial ? ' selected' : ''}>${o.label}</option>`,
        )
        .join('');
      const none =
        initial === undefined ? `<option value="">${escapeHtml(el.placeholder?.text ?? 'Select…')}</option>` : '';
      return `<select id="${escapeHtml(id)}" class="input"${data}>${none}${options}</select>`;
    }
    case 'radio_buttons':
    case 'checkboxes':
    // A multi-select shows its options as a list of ticks: every choice visible at once.
    case 'multi_static_select': {
      const kind = el.type === 'radio_buttons' ? 'radio' : 'checkbox';
      const initial = new Set(
        (el.type === 'radio_buttons' ? [el.initial_option] : (el.initial_options ?? []))
          .filter(Boolean)
          .map((o) => String(o.value)),
      );
      const items = renderOptions(el)
        .map(
          (o) =>
            `<label class="choice"><input type="${kind}" name="${escapeHtml(id)}" value="${escapeHtml(o.value)}"${initial.has(o.value) ? ' checked' : ''}> ${o.label}</label>`,
        )
        .join('');
      const cls = el.type === 'multi_static_select' ? 'choices choices-multi' : 'choices';
      return `<div class="${cls}" id="${escapeHtml(id)}"${data}>${items}</div>`;
    }
    default:
      return unsupported(el.type);
  }
}

function renderBlock(block, index, ctx) {
  const lookup = ctx.lookup;
  const blockId = typeof block.block_id === 'string' ? block.block_id : `fake-block-${index}`;
  switch (block.type) {
    case 'header':
      return `<div class="b-header">${renderText(block.text, lookup)}</div>`;
    case 'divider':
      return '<hr class="b-divider">';
    case 'section': {
      const text = block.text ? `<div class="b-text">${renderText(block.text, lookup)}</div>` : '';
      const fields = Array.isArray(block.fields)
        ? `<div class="b-fields">${block.fields.map((f) => `<div class="b-field">${renderText(f, lookup)}</div>`).join('')}</div>`
        : '';
      const accessory = block.accessory
        ? `<div class="b-accessory">${renderElement(block.accessory, blockId, ctx)}</div>`
        : '';
      return `<div class="b-section"><div class="b-main">${text}${fields}</div>${accessory}</div>`;
    }
    case 'context': {
      const items = (Array.isArray(block.elements) ? block.elements : []).map((el) =>
        el?.type === 'image' ? renderImage(el, 'context-image') : `<span>${renderText(el, lookup)}</span>`,
      );
      return `<div class="b-context">${items.join('')}</div>`;
    }
    case 'actions': {
      const items = (Array.isArray(block.elements) ? block.elements : []).map((el) => renderElement(el, blockId, ctx));
      return `<div class="b-actions">${items.join('')}</div>`;
    }
    case 'image': {
      const title = block.title ? `<figcaption>${renderText(block.title, lookup)}</figcaption>` : '';
      return `<figure class="b-image">${title}${renderImage(block, 'image')}</figure>`;
    }
    case 'input': {
      const optional = block.optional ? ' <span class="optional">(optional)</span>' : '';
      const id = inputId(blockId, block.element?.action_id);
      const hint = block.hint ? `<div class="hint">${renderText(block.hint, lookup)}</div>` : '';
      return (
        `<div class="b-input"><label class="label" for="${escapeHtml(id)}">${renderText(block.label, lookup)}${optional}</label>` +
        `${renderInputElement(block.element ?? {}, blockId, block.dispatch_action === true)}<div class="input-error"${attr('data-error-for', blockId)}></div>${hint}</div>`
      );
    }
    default:
      return `<div class="b-unknown">${unsupported(`${block.type} block`)}</div>`;
  }
}

/** Block Kit blocks to HTML; ctx: { lookup }. */
export function renderBlocks(blocks, ctx = {}) {
  const full = { lookup: {}, ...ctx };
  return (Array.isArray(blocks) ? blocks : [])
    .filter((b) => b !== null && typeof b === 'object')
    .map((b, i) => renderBlock(b, i, full))
    .join('');
}

const ATTACHMENT_COLORS = { good: '#2eb67d', warning: '#ecb22e', danger: '#e01e5a' };

function attachmentColor(color) {
  if (typeof color !== 'string') return '#dddddd';
  if (ATTACHMENT_COLORS[color]) return ATTACHMENT_COLORS[color];
  const hex = color.startsWith('#') ? color : `#${color}`;
  return /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.test(hex) ? hex : '#dddddd';
}

/** A message body: its blocks (or its text when it has none) and legacy attachments. */
export function renderMessageBody(message, ctx = {}) {
  const lookup = ctx.lookup ?? {};
  const hasBlocks = Array.isArray(message.blocks) && message.blocks.length > 0;
  const main = hasBlocks
    ? renderBlocks(message.blocks, ctx)
    : `<div class="b-text">${renderMrkdwn(message.text, lookup)}</div>`;
  const attachments = (Array.isArray(message.attachments) ? message.attachments : [])
    .map((a) => {
      const body = Array.isArray(a.blocks) ? renderBlocks(a.blocks, ctx) : '';
      const text = typeof a.text === 'string' ? `<div class="b-text">${renderMrkdwn(a.text, lookup)}</div>` : '';
      return `<div class="attachment" style="border-left-color:${attachmentColor(a.color)}">${text}${body}</div>`;
    })
    .join('');
  return main + attachments;
}

/** A modal (a `views.open` view) as HTML: title, blocks, submit and close buttons. */
export function renderModal(view, ctx = {}) {
  const close = view.close ? renderText(view.close) : 'Cancel';
  const submit = view.submit
    ? `<button type="button" class="btn btn-primary" data-modal="submit">${renderText(view.submit)}</button>`
    : '';
  return (
    `<div class="modal-title">${renderText(view.title)}</div>` +
    `<div class="modal-body">${renderBlocks(view.blocks, ctx)}</div>` +
    `<div class="modal-footer"><button type="button" class="btn" data-modal="close">${close}</button>${submit}</div>`
  );
}

/** A Slack confirm object as the HTML of a dialog. */
export function renderConfirm(confirm, ctx = {}) {
  const style = confirm.style === 'danger' ? ' btn-danger' : ' btn-primary';
  return (
    `<div class="modal-title">${renderText(confirm.title)}</div>` +
    `<div class="modal-body"><div class="b-text">${renderText(confirm.text, ctx.lookup)}</div></div>` +
    `<div class="modal-footer"><button type="button" class="btn" data-confirm-answer="deny">${confirm.deny ? renderText(confirm.deny) : 'Cancel'}</button>` +
    `<button type="button" class="btn${style}" data-confirm-answer="confirm">${confirm.confirm ? renderText(confirm.confirm) : 'Yes'}</button></div>`
  );
}
