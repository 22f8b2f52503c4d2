import type { KnownBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import {
  buildMessage,
  code,
  bulletsWithMore,
  chunkLines,
  clean,
  escapeMrkdwn,
  fieldsOf,
  fitMessage,
  LIMITS,
  listWithMore,
  messageTextLength,
  mrkdwn,
  plainText,
  truncate,
  truncateMrkdwn,
} from '../../../src/slack/views/limits.ts';
import { limitViolations } from './slack-limits.ts';

const section = (text: string): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text } });

describe('truncate', () => {
  it('leaves text within the limit unchanged', () => {
    expect(truncate('Jane Doe', 8)).toBe('Jane Doe');
  });

  it('cuts to the limit and ends with an ellipsis', () => {
    const out = truncate('abcdefghij', 5);
    expect(out).toBe('abcd…');
    expect(out.length).toBe(5);
  });

  it('never splits a surrogate pair', () => {
    const out = truncate('ab😀😀😀', 4);
    expect(out).toBe('ab…');
    expect(out.length).toBeLessThanOrEqual(4);
    expect(out).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
  });

  it('gives an empty string for a zero limit', () => {
    expect(truncate('abc', 0)).toBe('');
  });
});

describe('escaping', () => {
  it('escapes &, < and > the way Slack asks', () => {
    expect(escapeMrkdwn('a & b <!channel> > c')).toBe('a &amp; b &lt;!channel&gt; &gt; c');
  });

  it('clean() escapes, collapses whitespace to one line and trims', () => {
    expect(clean('  R&D\n <team>\t ', 100)).toBe('R&amp;D &lt;team&gt;');
    expect(clean(undefined, 10)).toBe('');
    expect(clean(null, 10)).toBe('');
  });

  it('clean() leaves text needing no rewrite as it is, and still cuts it to its limit', () => {
    expect(clean('Jane Doe (Finance)', 100)).toBe('Jane Doe (Finance)');
    expect(clean('Jane Doe (Finance)', 10)).toBe('Jane Doe…');
    // Each rewrite on its own still applies: a marker, a leading space, two inner spaces, a tab.
    expect(clean('*bold*', 100)).toBe('\u200b*\u200bbold\u200b*\u200b');
    expect(clean(' Jane', 100)).toBe('Jane');
    expect(clean('Jane  Doe', 100)).toBe('Jane Doe');
    expect(clean('Jane\tDoe', 100)).toBe('Jane Doe');
  });

  it('truncating escaped text never leaves half an entity', () => {
    const out = clean('aaaa&&&&&&', 12);
    expect(out.length).toBeLessThanOrEqual(12);
    expect(out).toMatch(/…$/);
    expect(out.replace(/&(amp|lt|gt);/g, '')).not.toContain('&');
  });

  it('truncating mrkdwn never leaves half a link', () => {
    const out = truncateMrkdwn('see <https://example.com/a/very/long/path|the page>', 30);
    expect(out).toBe('see…');
  });
});

describe('text objects', () => {
  it('plainText trims to its limit and is never empty', () => {
    expect(plainText('x'.repeat(200), LIMITS.header).text.length).toBe(LIMITS.header);
    expect(plainText('   ').text.trim()).not.toBe('');
    expect(plainText('Jane').emoji).toBe(true);
  });

  it('mrkdwn keeps to 3,000 chars by default', () => {
    expect(mrkdwn('y'.repeat(5000)).text.length).toBe(LIMITS.sectionText);
  });

  it('fieldsOf drops empty fields and keeps at most 10 of at most 2,000 chars', () => {
    const fields = fieldsOf(
      'a',
      undefined,
      '',
      false,
      null,
      ...Array.from({ length: 12 }, (_, i) => `f${i}`),
      'z'.repeat(3000),
    );
    expect(fields).toHaveLength(10);
    expect(fields[0]?.text).toBe('a');
    expect(fieldsOf('z'.repeat(3000))[0]?.text.length).toBe(LIMITS.field);
  });
});

describe('lists', () => {
  it('listWithMore shows the first items then "+N more"', () => {
    expect(listWithMore(['a', 'b', 'c', 'd', 'e'], 3, (s) => s.toUpperCase())).toBe('A, B, C +2 more');
    expect(listWithMore(['a', 'b'], 3, (s) => s)).toBe('a, b');
    expect(listWithMore([], 3, (s: string) => s)).toBe('');
  });

  it('bulletsWithMore puts one item per line and "+N more" last', () => {
    expect(bulletsWithMore([1, 2, 3], 2, String)).toBe('• 1\n• 2\n+1 more');
  });

  it('chunkLines groups lines into texts within the limit', () => {
    const lines = Array.from({ length: 100 }, (_, i) => `line ${i} ${'x'.repeat(90)}`);
    const chunks = chunkLines(lines, 1000);
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(1000);
    expect(chunks.join('\n')).toBe(lines.join('\n'));
  });
});

describe('fitMessage', () => {
  it('returns blocks within the limits unchanged', () => {
    const blocks = [section('a'), section('b')];
    expect(fitMessage(blocks)).toEqual(blocks);
  });

  it('drops blocks past the 50-block cap, says so, and keeps the footer', () => {
    const body = Array.from({ length: 80 }, (_, i) => section(`row ${i}`));
    const footer: KnownBlock[] = [
      { type: 'actions', elements: [{ type: 'button', action_id: 'x', text: plainText('X'), value: '1' }] },
    ];
    const out = fitMessage(body, footer);
    expect(out).toHaveLength(LIMITS.blocksPerMessage);
    expect(out.at(-1)).toEqual(footer[0]);
    expect(JSON.stringify(out.at(-2))).toContain('left out');
    expect(out[0]).toEqual(body[0]);
  });

  it('condenses or drops trailing blocks past the total-text budget', () => {
    const body = Array.from({ length: 8 }, (_, i) => section(`${i}${'t'.repeat(2999)}`));
    const out = fitMessage(body);
    expect(messageTextLength(out)).toBeLessThanOrEqual(LIMITS.messageText);
    expect(out.length).toBeLessThan(body.length + 1);
    expect(JSON.stringify(out.at(-1))).toContain('left out');
    const message = buildMessage('fallback', body);
    expect(limitViolations(message)).toEqual([]);
  });

  it('counts every text object, including buttons and fields', () => {
    const blocks: KnownBlock[] = [
      { type: 'section', fields: [mrkdwn('abc'), mrkdwn('de')] },
      { type: 'actions', elements: [{ type: 'button', action_id: 'a', text: plainText('OK'), value: 'v' }] },
    ];
    expect(messageTextLength(blocks)).toBe(7);
  });
});

describe('buildMessage', () => {
  it('escapes and shortens the fallback text and never leaves it empty', () => {
    expect(buildMessage('a <b> & c', []).text).toBe('a &lt;b&gt; &amp; c');
    expect(buildMessage('x'.repeat(1000), []).text.length).toBe(LIMITS.fallbackText);
    expect(buildMessage('  ', []).text).not.toBe('');
  });
});

describe('clean and code', () => {
  it('leaves a marker between letters as typed, so logins copy out of Slack unchanged', () => {
    expect(clean('first_last@example.com', 100)).toBe('first_last@example.com');
  });

  it('puts zero-width spaces around markers that could open or close a format', () => {
    expect(clean('*x* _y_', 100)).toBe('\u200b*\u200bx\u200b*\u200b \u200b_\u200by\u200b_\u200b');
  });

  it('shows text with a backtick as literal text rather than a code span it would close', () => {
    expect(code('no-mfa', 100)).toBe('`no-mfa`');
    expect(code('a`b', 100)).toBe('a\u200b`\u200bb');
  });
});
