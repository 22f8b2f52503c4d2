import { describe, expect, it } from 'vitest';
import {
  renderBlocks,
  renderConfirm,
  renderMessageBody,
  renderModal,
  renderMrkdwn,
  renderText,
} from '../../../sim/console/public/render.js';

const lookup = {
  user: (id: string) => ({ UANALYST: 'Bob Analyst', UEVIL: '<img src=x onerror=alert(1)>' })[id],
  channel: (id: string) => ({ C0SOC: 'soc' })[id],
  usergroup: (id: string) => ({ S0RESPOND: 'sec-responders' })[id],
};

const XSS = '<img src=x onerror=alert(1)>';
const pt = (text: string) => ({ type: 'plain_text', text });
const md = (text: string) => ({ type: 'mrkdwn', text });

const SAFE_TAGS = new Set([
  'b',
  'i',
  's',
  'code',
  'pre',
  'br',
  'blockquote',
  'a',
  'span',
  'div',
  'hr',
  'img',
  'button',
  'figure',
  'figcaption',
  'label',
  'input',
  'textarea',
  'select',
  'option',
]);
const SAFE_ATTRS =
  /^(class|href|target|rel|src|alt|style|type|id|for|placeholder|value|name|rows|aria-label|title|selected|checked|data-[\w-]+)$/;

/**
 * True when every tag in the HTML is one the renderer itself writes, with known attributes only and
 * safe URLs: escaped content cannot contain `<` or `"`, so any injected markup shows up as a tag here.
 */
function isInert(html: string): boolean {
  for (const [, close, name = '', rest = ''] of html.matchAll(/<(\/?)([a-zA-Z0-9]+)([^>]*)>/g)) {
    if (!SAFE_TAGS.has(name.toLowerCase())) return false;
    if (close === '/') continue;
    const attrs = [...rest.matchAll(/\s([\w-]+)(?:="([^"]*)")?/g)];
    if (attrs.map((m) => m[0]).join('') !== rest) return false;
    for (const [, attr = '', value = ''] of attrs) {
      if (!SAFE_ATTRS.test(attr)) return false;
      if ((attr === 'href' || attr === 'src') && !/^(https?:\/\/|mailto:)/.test(value)) return false;
    }
  }
  return true;
}

describe('renderMrkdwn', () => {
  it('renders bold, italic, strike and inline code', () => {
    expect(renderMrkdwn('*bold* _italic_ ~gone~ `x = 1`')).toBe(
      '<b>bold</b> <i>italic</i> <s>gone</s> <code>x = 1</code>',
    );
  });

  it('leaves markers inside words and code alone', () => {
    expect(renderMrkdwn('snake_case_name 2*3*4 `*not bold*`')).toBe('snake_case_name 2*3*4 <code>*not bold*</code>');
  });

  it('renders a fenced block as pre without formatting inside', () => {
    expect(renderMrkdwn('before\n```\nline *one*\nline two\n```\nafter')).toBe(
      'before<pre>line *one*\nline two</pre>after',
    );
  });

  it('treats an unclosed fence as text', () => {
    expect(renderMrkdwn('```open *b*')).toBe('```open <b>b</b>');
  });

  it('groups quoted lines into a blockquote, escaped or not', () => {
    expect(renderMrkdwn('> one\n&gt; two\nafter')).toBe('<blockquote>one<br>two</blockquote>after');
  });

  it('renders links with labels, bare links and mailto, opening in a new tab', () => {
    const html = renderMrkdwn(
      '<https://cii.example.com/u?a=1&amp;b=2|Open *it*> <https://x.example.com> <mailto:a@example.com|mail>',
    );
    expect(html).toContain(
      '<a href="https://cii.example.com/u?a=1&amp;b=2" target="_blank" rel="noopener noreferrer">Open *it*</a>',
    );
    expect(html).toContain(
      '<a href="https://x.example.com" target="_blank" rel="noopener noreferrer">https://x.example.com</a>',
    );
    expect(html).toContain('<a href="mailto:a@example.com" target="_blank" rel="noopener noreferrer">mail</a>');
  });

  it('formats around a link, as in *<url|name>*', () => {
    expect(renderMrkdwn('*<https://a.example.com|Alice>*')).toBe(
      '<b><a href="https://a.example.com" target="_blank" rel="noopener noreferrer">Alice</a></b>',
    );
  });

  it('renders user, channel and group mentions with names, and falls back to the label or id', () => {
    const html = renderMrkdwn(
      '<@UANALYST> <@UNKNOWN|zed> <@UNOBODY> <#C0SOC> <#C9|other> <!subteam^S0RESPOND> <!here>',
      lookup,
    );
    expect(html).toBe(
      ['@Bob Analyst', '@zed', '@UNOBODY', '#soc', '#other', '@sec-responders', '@here']
        .map((m) => `<span class="mention">${m}</span>`)
        .join(' '),
    );
  });

  it('shows the fallback of a date token', () => {
    expect(renderMrkdwn('<!date^1764000000^{date_short}|Nov 24, 2025>')).toBe('Nov 24, 2025');
  });

  it('decodes Slack entities once and escapes them again for HTML', () => {
    expect(renderMrkdwn('a &amp; b &lt;c&gt; &amp;lt;')).toBe('a &amp; b &lt;c&gt; &amp;lt;');
  });

  it('maps a few emoji shortcodes and leaves others as they are', () => {
    expect(renderMrkdwn(':warning: :white_check_mark: :no_such_emoji:')).toBe('⚠️ ✅ :no_such_emoji:');
  });

  it('escapes raw HTML, unsafe link schemes and hostile names', () => {
    const cases = [
      `${XSS} <script>alert(1)</script>`,
      '<javascript:alert(1)|click me>',
      '<https://ok.example.com" onmouseover="alert(1)|x>',
      '<@UEVIL>',
      `\`${XSS}\``,
      `\`\`\`${XSS}\`\`\``,
      `> ${XSS}`,
      `*${XSS}*`,
      '<https://a.example.com|<b>label</b>>',
    ];
    for (const text of cases) {
      const html = renderMrkdwn(text, lookup);
      expect(isInert(html), `${text} -> ${html}`).toBe(true);
    }
    expect(renderMrkdwn(XSS)).toBe('&lt;img src=x onerror=alert(1)&gt;');
    expect(renderMrkdwn('<javascript:alert(1)|click me>')).toBe('&lt;javascript:alert(1)|click me&gt;');
    expect(renderMrkdwn('<https://ok.example.com" onmouseover="alert(1)|x>')).toBe(
      '&lt;https://ok.example.com&quot; onmouseover=&quot;alert(1)|x&gt;',
    );
    expect(renderMrkdwn('<https://ok.example.com/"onmouseover="alert(1)|x>')).toContain(
      'href="https://ok.example.com/&quot;onmouseover=&quot;alert(1)"',
    );
  });

  it('ignores the private-use characters it uses as placeholders', () => {
    expect(renderMrkdwn('\uE0000\uE001 *b*')).toBe('0 <b>b</b>');
  });
});

describe('renderText', () => {
  it('escapes plain text and keeps its line breaks', () => {
    expect(renderText(pt(`${XSS}\nnext :warning:`))).toBe('&lt;img src=x onerror=alert(1)&gt;<br>next ⚠️');
  });

  it('renders mrkdwn text objects as mrkdwn', () => {
    expect(renderText(md('*b*'))).toBe('<b>b</b>');
  });
});

describe('renderBlocks', () => {
  const card = [
    { type: 'header', text: pt('🚨 Impossible Travel') },
    {
      type: 'section',
      text: md('*User* <@UANALYST>'),
      fields: [md('*Severity*\nhigh'), md('*Check*\n`impossible-travel`')],
    },
    { type: 'divider' },
    {
      type: 'section',
      text: md('More'),
      accessory: { type: 'button', action_id: 'more', text: pt('More'), value: 'v1' },
    },
    {
      type: 'context',
      elements: [{ type: 'image', image_url: 'https://img.example.com/i.png', alt_text: 'icon' }, md('_via CII_')],
    },
    {
      type: 'actions',
      block_id: 'alert-actions',
      elements: [
        { type: 'button', action_id: 'open_in_cii', text: pt('Open in CII'), url: 'https://cii.example.com/u/1' },
        { type: 'button', action_id: 'approve', style: 'primary', text: pt('Approve'), value: 'a1' },
        {
          type: 'button',
          action_id: 'block',
          style: 'danger',
          text: pt('Block'),
          value: 'a1',
          confirm: {
            title: pt('Block Bob?'),
            text: pt('This disables Bob.'),
            confirm: pt('Block'),
            deny: pt('Cancel'),
            style: 'danger',
          },
        },
      ],
    },
  ];

  it('renders header, section text and fields, divider, accessory, context and actions', () => {
    const html = renderBlocks(card, { lookup });
    expect(html).toContain('<div class="b-header">🚨 Impossible Travel</div>');
    expect(html).toContain('<div class="b-text"><b>User</b> <span class="mention">@Bob Analyst</span></div>');
    expect(html).toContain('<div class="b-field"><b>Severity</b><br>high</div>');
    expect(html).toContain('<div class="b-field"><b>Check</b><br><code>impossible-travel</code></div>');
    expect(html).toContain('<hr class="b-divider">');
    expect(html).toMatch(
      /<div class="b-accessory"><button type="button" class="btn" data-action-id="more" data-block-id="fake-block-3">More<\/button><\/div>/,
    );
    expect(html).toContain('<img class="context-image" src="https://img.example.com/i.png" alt="icon">');
    expect(html).toContain('<span><i>via CII</i></span>');
  });

  it('styles primary and danger buttons and opens link buttons in a new tab', () => {
    const html = renderBlocks(card);
    expect(html).toContain(
      '<button type="button" class="btn btn-primary" data-action-id="approve" data-block-id="alert-actions">Approve</button>',
    );
    expect(html).toMatch(
      /<button type="button" class="btn btn-danger" data-action-id="block" data-block-id="alert-actions" data-confirm="[^"]+">Block<\/button>/,
    );
    expect(html).toMatch(
      /<a class="btn btn-link" href="https:\/\/cii.example.com\/u\/1" target="_blank" rel="noopener noreferrer" data-action-id="open_in_cii"/,
    );
  });

  it('keeps the confirm object in an escaped attribute the page can parse back', () => {
    const html = renderBlocks(card);
    const attr = /data-confirm="([^"]+)"/.exec(html)?.[1] ?? '';
    const decoded = attr
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
    expect(JSON.parse(decoded)).toMatchObject({ title: { text: 'Block Bob?' }, style: 'danger' });
  });

  it('escapes hostile content in every block part and drops unsafe URLs', () => {
    const hostile = [
      { type: 'header', text: pt(XSS) },
      { type: 'section', text: pt(XSS), fields: [md(XSS)] },
      { type: 'context', elements: [{ type: 'image', image_url: 'javascript:alert(1)', alt_text: XSS }, pt(XSS)] },
      {
        type: 'actions',
        block_id: `"><script>alert(1)</script>`,
        elements: [
          { type: 'button', action_id: `" onclick="alert(1)`, text: pt(XSS), url: 'javascript:alert(1)' },
          { type: 'button', action_id: 'c', text: pt('c'), confirm: { title: pt(XSS), text: pt(`'"><script>`) } },
        ],
      },
      { type: 'image', image_url: 'https://img.example.com/" onerror="alert(1)', alt_text: XSS, title: pt(XSS) },
      { type: `x"><script>alert(1)</script>` },
    ];
    const html = renderBlocks(hostile);
    expect(isInert(html), html).toBe(true);
    expect(html).not.toContain('<script');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    // The javascript: link button degrades to a plain button.
    expect(html).toContain('<button type="button" class="btn" data-action-id="&quot; onclick=&quot;alert(1)"');
  });

  it('marks unsupported elements and blocks instead of dropping them silently', () => {
    const html = renderBlocks([
      { type: 'actions', elements: [{ type: 'overflow', action_id: 'o' }] },
      { type: 'rich_text' },
    ]);
    expect(html).toContain('[overflow]');
    expect(html).toContain('[rich_text block]');
  });
});

describe('renderMessageBody', () => {
  it('falls back to the text when there are no blocks', () => {
    expect(renderMessageBody({ text: 'hello *world*', blocks: [] })).toBe(
      '<div class="b-text">hello <b>world</b></div>',
    );
  });

  it('renders legacy attachments with a validated color bar', () => {
    const html = renderMessageBody({
      text: 't',
      blocks: [{ type: 'divider' }],
      attachments: [{ color: 'red;background:url(x)', text: '_a_' }, { color: 'danger' }],
    });
    expect(html).toContain('style="border-left-color:#dddddd"');
    expect(html).toContain('style="border-left-color:#e01e5a"');
    expect(html).toContain('<i>a</i>');
  });
});

describe('renderModal and renderConfirm', () => {
  it('renders a modal with its inputs, submit and close buttons', () => {
    const html = renderModal({
      type: 'modal',
      title: pt('Add a note'),
      submit: pt('Save'),
      close: pt('Cancel'),
      blocks: [
        {
          type: 'input',
          block_id: 'note',
          label: pt('Note'),
          element: { type: 'plain_text_input', action_id: 'text', multiline: true, initial_value: XSS },
        },
        {
          type: 'input',
          block_id: 'why',
          optional: true,
          label: pt('Reason'),
          element: {
            type: 'static_select',
            action_id: 'pick',
            options: [
              { text: pt('Fraud'), value: 'fraud' },
              { text: pt('Test'), value: 'test' },
            ],
          },
        },
      ],
    });
    expect(html).toContain('<div class="modal-title">Add a note</div>');
    expect(html).toContain(
      'data-block-id="note" data-action-id="text" data-type="plain_text_input">&lt;img src=x onerror=alert(1)&gt;</textarea>',
    );
    expect(html).toContain('<option value="fraud">Fraud</option>');
    expect(html).toContain('(optional)');
    expect(html).toContain('data-modal="submit">Save</button>');
    expect(html).toContain('data-modal="close">Cancel</button>');
  });

  it('renders a confirm dialog with a danger confirm button', () => {
    const html = renderConfirm({
      title: pt('Block Bob?'),
      text: pt(XSS),
      confirm: pt('Block'),
      deny: pt('Cancel'),
      style: 'danger',
    });
    expect(html).toContain('<div class="modal-title">Block Bob?</div>');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('<button type="button" class="btn btn-danger" data-confirm-answer="confirm">Block</button>');
    expect(html).toContain('data-confirm-answer="deny">Cancel</button>');
  });
});

describe('menus and multi-selects', () => {
  const option = (value: string, text = value) => ({ text: pt(text), value });

  it('renders a static select in a message as a menu whose choice the page sends, its options escaped', () => {
    const html = renderBlocks([
      {
        type: 'actions',
        block_id: 'b1',
        elements: [
          {
            type: 'static_select',
            action_id: 'alert_mute',
            placeholder: pt('Mute'),
            options: [option('7d:a1', 'Mute for 7 days'), option('30d:a1', XSS)],
          },
        ],
      },
    ]);
    expect(html).toContain(
      '<select class="btn menu" data-action-id="alert_mute" data-block-id="b1" aria-label="Mute">',
    );
    expect(html).toContain(
      '<option value="" selected disabled>Mute</option><option value="7d:a1">Mute for 7 days</option>',
    );
    expect(html).not.toContain('<img');
  });

  it('renders a multi-select in a modal as ticks, its initial options ticked, marked to dispatch when the input says so', () => {
    const html = renderModal({
      type: 'modal',
      title: pt('Add subscription'),
      blocks: [
        {
          type: 'input',
          block_id: 'checks',
          dispatch_action: true,
          label: pt('Checks'),
          element: {
            type: 'multi_static_select',
            action_id: 'pick',
            options: [option('no-mfa'), option('impossible-travel')],
            initial_options: [option('impossible-travel')],
          },
        },
        { type: 'input', block_id: 'why', label: pt('Why'), element: { type: 'plain_text_input', action_id: 'why' } },
      ],
    });
    expect(html).toContain(
      '<div class="choices choices-multi" id="in-checks-pick" data-block-id="checks" data-action-id="pick" data-type="multi_static_select" data-dispatch="true">',
    );
    expect(html).toContain('value="no-mfa"> no-mfa');
    expect(html).toContain('value="impossible-travel" checked> impossible-travel');
    expect(html).toMatch(/data-type="plain_text_input">/);
    expect(html.match(/data-dispatch/g)).toHaveLength(1);
  });
});
