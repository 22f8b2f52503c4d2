// Slack's Block Kit rules, written independently of src/ so the fake Slack catches what the app's
// own trimming misses. Error strings mimic Slack's `invalid_blocks` reasons:
// `<reason> [json-pointer:/blocks/0/text/text]`.

const MAX_MESSAGE_BLOCKS = 50;
const MAX_MODAL_BLOCKS = 100;
/** Past roughly this much text in all blocks together, Slack answers `msg_blocks_too_long`. */
const MAX_MESSAGE_BLOCKS_TEXT = 13_000;

export type Surface = 'message' | 'modal';

type Obj = Record<string, unknown>;

const BLOCK_TYPES = new Set([
  'section',
  'header',
  'context',
  'actions',
  'divider',
  'image',
  'input',
  'rich_text',
  'markdown',
  'file',
  'video',
]);
const BUTTON_STYLES = new Set(['primary', 'danger']);

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

interface Ctx {
  errors: string[];
  actionIds: Set<string>;
  blockIds: Set<string>;
}

function fail(ctx: Ctx, reason: string, pointer: string): void {
  ctx.errors.push(`${reason} [json-pointer:${pointer}]`);
}

function maxLength(ctx: Ctx, value: unknown, max: number, pointer: string): void {
  if (typeof value === 'string' && value.length > max) fail(ctx, `must be less than ${max + 1} characters`, pointer);
}

function textObject(ctx: Ctx, value: unknown, pointer: string, max: number, plainOnly = false): void {
  if (!isObj(value)) {
    fail(ctx, 'must be a text object', pointer);
    return;
  }
  if (value.type !== 'plain_text' && value.type !== 'mrkdwn') {
    fail(ctx, 'must be a valid enum value (plain_text or mrkdwn)', `${pointer}/type`);
  } else if (plainOnly && value.type !== 'plain_text') {
    fail(ctx, 'must be plain_text', `${pointer}/type`);
  }
  if (typeof value.text !== 'string' || value.text.length === 0) {
    fail(ctx, 'must be more than 0 characters', `${pointer}/text`);
    return;
  }
  maxLength(ctx, value.text, max, `${pointer}/text`);
}

function uniqueId(ctx: Ctx, seen: Set<string>, value: unknown, pointer: string, what: string): void {
  if (value === undefined) return;
  if (typeof value !== 'string' || value.length === 0) {
    fail(ctx, `${what} must be a non-empty string`, pointer);
    return;
  }
  maxLength(ctx, value, 255, pointer);
  if (seen.has(value)) fail(ctx, `${what} '${value}' already exists`, pointer);
  seen.add(value);
}

function confirmDialog(ctx: Ctx, value: unknown, pointer: string): void {
  if (!isObj(value)) {
    fail(ctx, 'must be an object', pointer);
    return;
  }
  textObject(ctx, value.title, `${pointer}/title`, 100, true);
  textObject(ctx, value.text, `${pointer}/text`, 300);
  textObject(ctx, value.confirm, `${pointer}/confirm`, 30, true);
  textObject(ctx, value.deny, `${pointer}/deny`, 30, true);
  if (value.style !== undefined && (typeof value.style !== 'string' || !BUTTON_STYLES.has(value.style))) {
    fail(ctx, 'must be a valid enum value (primary or danger)', `${pointer}/style`);
  }
}

function imageElement(ctx: Ctx, el: Obj, pointer: string): void {
  if (typeof el.image_url !== 'string' && !isObj(el.slack_file))
    fail(ctx, 'must provide image_url', `${pointer}/image_url`);
  maxLength(ctx, el.image_url, 3000, `${pointer}/image_url`);
  if (typeof el.alt_text !== 'string' || el.alt_text.length === 0)
    fail(ctx, 'must provide alt_text', `${pointer}/alt_text`);
  maxLength(ctx, el.alt_text, 2000, `${pointer}/alt_text`);
}

/** How many options each choice element takes, and whether its option texts must be plain text. */
const OPTION_LIMITS: Record<string, { min: number; max: number; plainOnly: boolean }> = {
  static_select: { min: 1, max: 100, plainOnly: true },
  multi_static_select: { min: 1, max: 100, plainOnly: true },
  overflow: { min: 1, max: 5, plainOnly: true },
  radio_buttons: { min: 1, max: 10, plainOnly: false },
  checkboxes: { min: 1, max: 10, plainOnly: false },
};

function option(ctx: Ctx, o: unknown, pointer: string, plainOnly: boolean): string | undefined {
  if (!isObj(o)) {
    fail(ctx, 'must be an option object', pointer);
    return undefined;
  }
  textObject(ctx, o.text, `${pointer}/text`, 75, plainOnly);
  if (typeof o.value !== 'string' || o.value.length === 0) fail(ctx, 'must provide a value', `${pointer}/value`);
  maxLength(ctx, o.value, 150, `${pointer}/value`);
  return typeof o.value === 'string' ? o.value : undefined;
}

/** Selects, overflow menus, radio buttons and checkboxes: their options, and initial options among them. */
function choiceElement(ctx: Ctx, el: Obj, pointer: string, limits: { min: number; max: number; plainOnly: boolean }) {
  const groups = Array.isArray(el.option_groups) ? (el.option_groups as unknown[]) : undefined;
  const options = groups
    ? groups.flatMap((g) => (isObj(g) && Array.isArray(g.options) ? (g.options as unknown[]) : []))
    : el.options;
  const where = groups ? `${pointer}/option_groups` : `${pointer}/options`;
  if (!Array.isArray(options) || options.length < limits.min) {
    fail(ctx, `must provide at least ${limits.min} item`, where);
    return;
  }
  if (options.length > limits.max) fail(ctx, `must provide no more than ${limits.max} items`, where);
  const values = new Set(options.map((o, i) => option(ctx, o, `${where}/${i}`, limits.plainOnly)));
  const initial: Array<[unknown, string]> = [
    ...(el.initial_option === undefined ? [] : [[el.initial_option, `${pointer}/initial_option`] as [unknown, string]]),
    ...(Array.isArray(el.initial_options)
      ? el.initial_options.map((o, i): [unknown, string] => [o, `${pointer}/initial_options/${i}`])
      : []),
  ];
  for (const [o, at] of initial) {
    if (!isObj(o) || !values.has(o.value as string)) fail(ctx, 'must match one of the options', at);
  }
}

function element(ctx: Ctx, el: unknown, pointer: string): void {
  if (!isObj(el) || typeof el.type !== 'string') {
    fail(ctx, 'must be an element with a type', pointer);
    return;
  }
  if (el.type === 'image') {
    imageElement(ctx, el, pointer);
    return;
  }
  uniqueId(ctx, ctx.actionIds, el.action_id, `${pointer}/action_id`, 'action_id');
  if (el.confirm !== undefined) confirmDialog(ctx, el.confirm, `${pointer}/confirm`);
  if (el.placeholder !== undefined) textObject(ctx, el.placeholder, `${pointer}/placeholder`, 150, true);
  if (OPTION_LIMITS[el.type] !== undefined) {
    choiceElement(ctx, el, pointer, OPTION_LIMITS[el.type]!);
    return;
  }
  if (el.type !== 'button') return;
  textObject(ctx, el.text, `${pointer}/text`, 75, true);
  maxLength(ctx, el.value, 2000, `${pointer}/value`);
  maxLength(ctx, el.url, 3000, `${pointer}/url`);
  maxLength(ctx, el.accessibility_label, 75, `${pointer}/accessibility_label`);
  if (el.style !== undefined && (typeof el.style !== 'string' || !BUTTON_STYLES.has(el.style))) {
    fail(ctx, 'must be a valid enum value (primary or danger)', `${pointer}/style`);
  }
}

function elementList(
  ctx: Ctx,
  list: unknown,
  max: number,
  pointer: string,
  check: (el: unknown, p: string) => void,
): void {
  if (!Array.isArray(list) || list.length === 0) {
    fail(ctx, 'must provide at least 1 item', pointer);
    return;
  }
  if (list.length > max) fail(ctx, `must provide no more than ${max} items`, pointer);
  list.forEach((el, i) => check(el, `${pointer}/${i}`));
}

function block(ctx: Ctx, b: unknown, pointer: string): void {
  if (!isObj(b) || typeof b.type !== 'string') {
    fail(ctx, 'must be a block object with a type', pointer);
    return;
  }
  if (!BLOCK_TYPES.has(b.type)) {
    fail(ctx, `unsupported type: ${b.type}`, `${pointer}/type`);
    return;
  }
  uniqueId(ctx, ctx.blockIds, b.block_id, `${pointer}/block_id`, 'block_id');
  switch (b.type) {
    case 'section':
      if (b.text === undefined && b.fields === undefined) fail(ctx, 'must provide text or fields', pointer);
      if (b.text !== undefined) textObject(ctx, b.text, `${pointer}/text`, 3000);
      if (b.fields !== undefined) {
        elementList(ctx, b.fields, 10, `${pointer}/fields`, (f, p) => textObject(ctx, f, p, 2000));
      }
      if (b.accessory !== undefined) element(ctx, b.accessory, `${pointer}/accessory`);
      break;
    case 'header':
      textObject(ctx, b.text, `${pointer}/text`, 150, true);
      break;
    case 'context':
      elementList(ctx, b.elements, 10, `${pointer}/elements`, (el, p) => {
        if (isObj(el) && el.type === 'image') imageElement(ctx, el, p);
        else textObject(ctx, el, p, 3000);
      });
      break;
    case 'actions':
      elementList(ctx, b.elements, 25, `${pointer}/elements`, (el, p) => element(ctx, el, p));
      break;
    case 'image':
      imageElement(ctx, b, pointer);
      if (b.title !== undefined) textObject(ctx, b.title, `${pointer}/title`, 2000, true);
      break;
    case 'input':
      textObject(ctx, b.label, `${pointer}/label`, 2000, true);
      if (b.hint !== undefined) textObject(ctx, b.hint, `${pointer}/hint`, 2000, true);
      element(ctx, b.element, `${pointer}/element`);
      break;
    case 'markdown':
      if (typeof b.text !== 'string' || b.text.length === 0)
        fail(ctx, 'must be more than 0 characters', `${pointer}/text`);
      maxLength(ctx, b.text, 12_000, `${pointer}/text`);
      break;
    default:
      break;
  }
}

function checkBlockList(ctx: Ctx, blocks: unknown, surface: Surface, pointer: string): void {
  if (!Array.isArray(blocks)) {
    fail(ctx, 'must be an array', pointer);
    return;
  }
  const max = surface === 'modal' ? MAX_MODAL_BLOCKS : MAX_MESSAGE_BLOCKS;
  if (blocks.length > max) fail(ctx, `must provide no more than ${max} items`, pointer);
  blocks.forEach((b, i) => block(ctx, b, `${pointer}/${i}`));
}

function newCtx(): Ctx {
  return { errors: [], actionIds: new Set(), blockIds: new Set() };
}

/** Problems Slack would report as `invalid_blocks` for these blocks; empty when valid. */
export function checkBlocks(blocks: unknown, surface: Surface = 'message'): string[] {
  const ctx = newCtx();
  checkBlockList(ctx, blocks, surface, '/blocks');
  return ctx.errors;
}

/** Characters of text in all text objects of the blocks, nested ones included. */
export function blocksTextLength(blocks: unknown): number {
  if (Array.isArray(blocks)) return blocks.reduce<number>((sum, b) => sum + blocksTextLength(b), 0);
  if (!isObj(blocks)) return 0;
  let own = 0;
  if (typeof blocks.text === 'string' && ['plain_text', 'mrkdwn', 'text', 'markdown'].includes(String(blocks.type))) {
    own = blocks.text.length;
  }
  return Object.values(blocks).reduce<number>((sum, v) => sum + (typeof v === 'object' ? blocksTextLength(v) : 0), own);
}

/** True when a message whose blocks are each valid would still fail with `msg_blocks_too_long`. */
export function isMessageTooLong(blocks: unknown): boolean {
  return blocksTextLength(blocks) > MAX_MESSAGE_BLOCKS_TEXT;
}

/** Problems Slack would report for a Home tab view (`views.publish`); empty when valid. */
export function checkHomeView(view: unknown): string[] {
  const ctx = newCtx();
  if (!isObj(view)) {
    fail(ctx, 'must be an object', '/view');
    return ctx.errors;
  }
  if (view.type !== 'home') {
    fail(ctx, 'must be a valid enum value (home)', '/view/type');
    return ctx.errors;
  }
  maxLength(ctx, view.private_metadata, 3000, '/view/private_metadata');
  maxLength(ctx, view.callback_id, 255, '/view/callback_id');
  maxLength(ctx, view.external_id, 255, '/view/external_id');
  // A Home tab takes up to 100 blocks, as a modal does.
  checkBlockList(ctx, view.blocks, 'modal', '/view/blocks');
  return ctx.errors;
}

/** Problems Slack would report for a view (`views.open`/`update`/`push`); empty when valid. */
export function checkView(view: unknown): string[] {
  const ctx = newCtx();
  if (!isObj(view)) {
    fail(ctx, 'must be an object', '/view');
    return ctx.errors;
  }
  if (view.type !== 'modal') {
    fail(ctx, 'must be a valid enum value (modal)', '/view/type');
    return ctx.errors;
  }
  textObject(ctx, view.title, '/view/title', 24, true);
  if (view.submit !== undefined) textObject(ctx, view.submit, '/view/submit', 24, true);
  if (view.close !== undefined) textObject(ctx, view.close, '/view/close', 24, true);
  maxLength(ctx, view.private_metadata, 3000, '/view/private_metadata');
  maxLength(ctx, view.callback_id, 255, '/view/callback_id');
  maxLength(ctx, view.external_id, 255, '/view/external_id');
  checkBlockList(ctx, view.blocks, 'modal', '/view/blocks');
  const hasInput = Array.isArray(view.blocks) && view.blocks.some((b) => isObj(b) && b.type === 'input');
  if (hasInput && view.submit === undefined)
    fail(ctx, 'must provide submit when the view has input blocks', '/view/submit');
  return ctx.errors;
}
