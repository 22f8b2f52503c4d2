import { describe, expect, it } from 'vitest';
import { blocksTextLength, checkBlocks, checkView, isMessageTooLong } from '../../../sim/slack/block-rules.ts';

const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });
const plain = (text: string) => ({ type: 'plain_text', text });
const section = (text: string) => ({ type: 'section', text: mrkdwn(text) });
const button = (actionId: string, extra: Record<string, unknown> = {}) => ({
  type: 'button',
  action_id: actionId,
  text: plain('Go'),
  ...extra,
});

describe('checkBlocks', () => {
  it('checks the options of menus: how many, their texts and values, and that an initial option is one of them', () => {
    const option = (value: string, text = value) => ({ text: plain(text), value });
    const menu = (extra: Record<string, unknown>) => [
      { type: 'actions', elements: [{ type: 'static_select', action_id: 'm', placeholder: plain('Pick'), ...extra }] },
    ];
    expect(checkBlocks(menu({ options: [option('a'), option('b')], initial_option: option('b') }))).toEqual([]);
    expect(checkBlocks(menu({ options: [] }))).toEqual([
      'must provide at least 1 item [json-pointer:/blocks/0/elements/0/options]',
    ]);
    expect(checkBlocks(menu({ options: [option('a')], initial_option: option('z') }))).toEqual([
      'must match one of the options [json-pointer:/blocks/0/elements/0/initial_option]',
    ]);
    expect(
      checkBlocks(menu({ options: [option('x'.repeat(151), 'long'), { text: mrkdwn('*b*'), value: 'b' }] })),
    ).toEqual([
      'must be less than 151 characters [json-pointer:/blocks/0/elements/0/options/0/value]',
      'must be plain_text [json-pointer:/blocks/0/elements/0/options/1/text/type]',
    ]);
    const overflow = [
      {
        type: 'actions',
        elements: [{ type: 'overflow', action_id: 'o', options: 'abcdef'.split('').map((v) => option(v)) }],
      },
    ];
    expect(checkBlocks(overflow)).toEqual([
      'must provide no more than 5 items [json-pointer:/blocks/0/elements/0/options]',
    ]);
  });

  it('accepts a typical alert card', () => {
    const blocks = [
      { type: 'header', text: plain('Failed check: MFA bypass') },
      {
        type: 'section',
        text: mrkdwn('*bob@example.com*'),
        fields: [mrkdwn('*Severity*\nhigh'), mrkdwn('*Source*\nOkta')],
      },
      { type: 'context', elements: [mrkdwn('CII'), { type: 'image', image_url: 'https://x/y.png', alt_text: 'logo' }] },
      { type: 'divider' },
      {
        type: 'actions',
        block_id: 'alert-actions',
        elements: [
          button('approve', { style: 'primary', value: 'a1:v1' }),
          button('block', {
            style: 'danger',
            value: 'a1:v1',
            confirm: {
              title: plain('Block?'),
              text: mrkdwn('Disable bob'),
              confirm: plain('Block'),
              deny: plain('Cancel'),
            },
          }),
        ],
      },
    ];
    expect(checkBlocks(blocks)).toEqual([]);
  });

  it('rejects more than 50 blocks in a message but accepts 100 in a modal', () => {
    const fifty = Array.from({ length: 50 }, () => ({ type: 'divider' }));
    expect(checkBlocks(fifty)).toEqual([]);
    expect(checkBlocks([...fifty, { type: 'divider' }])).toEqual([
      'must provide no more than 50 items [json-pointer:/blocks]',
    ]);
    expect(checkBlocks([...fifty, ...fifty], 'modal')).toEqual([]);
    expect(checkBlocks([...fifty, ...fifty, { type: 'divider' }], 'modal')).toHaveLength(1);
  });

  it('reports a 3001-character section text with its json pointer', () => {
    expect(checkBlocks([section('x'.repeat(3000))])).toEqual([]);
    expect(checkBlocks([section('x'.repeat(3001))])).toEqual([
      'must be less than 3001 characters [json-pointer:/blocks/0/text/text]',
    ]);
  });

  it('limits section fields to 10 of at most 2000 characters', () => {
    const fields = (n: number, len = 5) => Array.from({ length: n }, () => mrkdwn('y'.repeat(len)));
    expect(checkBlocks([{ type: 'section', fields: fields(10) }])).toEqual([]);
    expect(checkBlocks([{ type: 'section', fields: fields(11) }])).toEqual([
      'must provide no more than 10 items [json-pointer:/blocks/0/fields]',
    ]);
    expect(checkBlocks([{ type: 'section', fields: fields(1, 2001) }])).toEqual([
      'must be less than 2001 characters [json-pointer:/blocks/0/fields/0/text]',
    ]);
  });

  it('requires plain_text of at most 150 characters in a header', () => {
    expect(checkBlocks([{ type: 'header', text: plain('h'.repeat(151)) }])).toHaveLength(1);
    expect(checkBlocks([{ type: 'header', text: mrkdwn('*h*') }])).toEqual([
      'must be plain_text [json-pointer:/blocks/0/text/type]',
    ]);
  });

  it('limits context to 10 elements and actions to 25', () => {
    const ctx = (n: number) => ({ type: 'context', elements: Array.from({ length: n }, () => mrkdwn('c')) });
    const acts = (n: number) => ({ type: 'actions', elements: Array.from({ length: n }, (_, i) => button(`a${i}`)) });
    expect(checkBlocks([ctx(10), acts(25)])).toEqual([]);
    expect(checkBlocks([ctx(11)])).toHaveLength(1);
    expect(checkBlocks([acts(26)])).toHaveLength(1);
  });

  it('checks button text, value, url, accessibility label and style', () => {
    const errors = checkBlocks([
      {
        type: 'actions',
        elements: [
          button('b1', { text: plain('t'.repeat(76)) }),
          button('b2', { value: 'v'.repeat(2001) }),
          button('b3', { url: `https://x/${'u'.repeat(3000)}` }),
          button('b4', { accessibility_label: 'l'.repeat(76) }),
          button('b5', { style: 'default' }),
          button('b6', { text: mrkdwn('*bold*') }),
        ],
      },
    ]);
    expect(errors).toEqual([
      'must be less than 76 characters [json-pointer:/blocks/0/elements/0/text/text]',
      'must be less than 2001 characters [json-pointer:/blocks/0/elements/1/value]',
      'must be less than 3001 characters [json-pointer:/blocks/0/elements/2/url]',
      'must be less than 76 characters [json-pointer:/blocks/0/elements/3/accessibility_label]',
      'must be a valid enum value (primary or danger) [json-pointer:/blocks/0/elements/4/style]',
      'must be plain_text [json-pointer:/blocks/0/elements/5/text/type]',
    ]);
  });

  it('rejects duplicate or over-long action_id and block_id', () => {
    const errors = checkBlocks([
      { type: 'actions', block_id: 'same', elements: [button('dup'), button('dup')] },
      { type: 'section', block_id: 'same', text: mrkdwn('s'), accessory: button('a'.repeat(256)) },
    ]);
    expect(errors).toEqual([
      "action_id 'dup' already exists [json-pointer:/blocks/0/elements/1/action_id]",
      "block_id 'same' already exists [json-pointer:/blocks/1/block_id]",
      'must be less than 256 characters [json-pointer:/blocks/1/accessory/action_id]',
    ]);
  });

  it('checks confirm dialog limits and plain_text buttons', () => {
    const confirm = {
      title: plain('t'.repeat(101)),
      text: mrkdwn('x'.repeat(301)),
      confirm: plain('c'.repeat(31)),
      deny: mrkdwn('no'),
    };
    expect(checkBlocks([{ type: 'actions', elements: [button('b', { confirm })] }])).toEqual([
      'must be less than 101 characters [json-pointer:/blocks/0/elements/0/confirm/title/text]',
      'must be less than 301 characters [json-pointer:/blocks/0/elements/0/confirm/text/text]',
      'must be less than 31 characters [json-pointer:/blocks/0/elements/0/confirm/confirm/text]',
      'must be plain_text [json-pointer:/blocks/0/elements/0/confirm/deny/type]',
    ]);
  });

  it('rejects bad text objects, unknown block types and images without alt_text', () => {
    expect(checkBlocks([{ type: 'section', text: { type: 'html', text: 'x' } }])).toHaveLength(1);
    expect(checkBlocks([section('')])).toEqual(['must be more than 0 characters [json-pointer:/blocks/0/text/text]']);
    expect(checkBlocks([{ type: 'carousel' }])).toEqual(['unsupported type: carousel [json-pointer:/blocks/0/type]']);
    expect(checkBlocks([{ type: 'image', image_url: 'https://x/y.png' }])).toEqual([
      'must provide alt_text [json-pointer:/blocks/0/alt_text]',
    ]);
    expect(checkBlocks('not an array')).toEqual(['must be an array [json-pointer:/blocks]']);
  });
});

describe('message length', () => {
  it('counts text of nested text objects and flags over 13,000 characters', () => {
    const blocks = Array.from({ length: 5 }, () => section('z'.repeat(2600)));
    expect(blocksTextLength(blocks)).toBe(13_000);
    expect(isMessageTooLong(blocks)).toBe(false);
    blocks.push({ type: 'context', elements: [mrkdwn('!')] } as never);
    expect(isMessageTooLong(blocks)).toBe(true);
    expect(checkBlocks(blocks)).toEqual([]);
  });
});

describe('checkView', () => {
  const modal = (extra: Record<string, unknown> = {}) => ({
    type: 'modal',
    title: plain('Block user'),
    blocks: [section('ok')],
    ...extra,
  });

  it('accepts a valid modal', () => {
    expect(
      checkView(modal({ submit: plain('Block'), close: plain('Cancel'), private_metadata: 'm'.repeat(3000) })),
    ).toEqual([]);
  });

  it('limits title, submit and close to 24 characters and private_metadata to 3000', () => {
    expect(
      checkView(
        modal({
          title: plain('t'.repeat(25)),
          submit: plain('s'.repeat(25)),
          close: plain('c'.repeat(25)),
          private_metadata: 'm'.repeat(3001),
        }),
      ),
    ).toEqual([
      'must be less than 25 characters [json-pointer:/view/title/text]',
      'must be less than 25 characters [json-pointer:/view/submit/text]',
      'must be less than 25 characters [json-pointer:/view/close/text]',
      'must be less than 3001 characters [json-pointer:/view/private_metadata]',
    ]);
  });

  it('requires type modal and a submit button when the view has inputs', () => {
    expect(checkView({ ...modal(), type: 'home' })).toEqual([
      'must be a valid enum value (modal) [json-pointer:/view/type]',
    ]);
    const input = { type: 'input', label: plain('Reason'), element: { type: 'plain_text_input', action_id: 'reason' } };
    expect(checkView(modal({ blocks: [input] }))).toEqual([
      'must provide submit when the view has input blocks [json-pointer:/view/submit]',
    ]);
  });
});
