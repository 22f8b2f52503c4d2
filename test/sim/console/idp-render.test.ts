import { describe, expect, it } from 'vitest';
import type { IdpActivity, IdpRequestView } from '../../../sim/console/idp-activity.ts';
import { renderIdpActivity } from '../../../sim/console/public/idp-panel.js';

const XSS = '<img src=x onerror=alert(1)>"\'';
const TAGS = new Set(['ul', 'ol', 'li', 'div', 'span', 'small', 'b']);
const ATTRS = /^(class|title|data-[\w-]+)$/;

/** Every tag is one the panel writes, with known attributes: escaped content cannot contain `<` or `"`. */
function isInert(html: string): boolean {
  for (const [, close, name = '', rest = ''] of html.matchAll(/<(\/?)([a-zA-Z0-9]+)([^>]*)>/g)) {
    if (!TAGS.has(name.toLowerCase())) return false;
    if (close === '/') continue;
    const attrs = [...rest.matchAll(/\s([\w-]+)="([^"]*)"/g)];
    if (attrs.map((m) => m[0]).join('') !== rest) return false;
    if (!attrs.every(([, attr = '']) => ATTRS.test(attr))) return false;
  }
  return true;
}

const request = (over: Partial<IdpRequestView> = {}): IdpRequestView => ({
  seq: 1,
  provider: 'DUO',
  method: 'POST',
  path: '/admin/v1/users/DU1',
  status: 200,
  at: Date.UTC(2026, 10, 20, 9, 30, 15),
  login: 'james.whitaker@example.com',
  change: 'status=disabled',
  ...over,
});

const activity = (over: Partial<IdpActivity> = {}): IdpActivity => ({
  available: true,
  total: 1,
  requests: [request()],
  accounts: [],
  ...over,
});

describe('renderIdpActivity', () => {
  it('says there are no calls yet', () => {
    expect(renderIdpActivity(activity({ total: 0, requests: [] }))).toContain('No calls yet');
  });

  it('shows each call with its provider, method, path, change and status, marking failures', () => {
    const html = renderIdpActivity(
      activity({
        total: 2,
        requests: [
          request({
            provider: 'AZURE_AD',
            method: 'PATCH',
            path: '/v1.0/users/e-1',
            status: 503,
            change: 'accountEnabled=false',
          }),
          request(),
        ],
      }),
    );
    const [entra = '', duo = ''] = html.split('<li').slice(1);
    expect(entra).toContain('data-provider="AZURE_AD"');
    expect(entra).toContain('<span class="idp-provider">Entra ID</span>');
    expect(entra).toContain('/v1.0/users/e-1');
    expect(entra).toContain('accountEnabled=false');
    expect(entra).toContain('<span class="idp-status idp-status-error">503</span>');
    expect(duo).toContain(
      '<span class="idp-provider">Duo</span><span class="idp-method">POST</span><span class="idp-change">status=disabled</span>',
    );
    expect(duo).toContain('<span class="idp-status idp-status-ok">200</span>');
    expect(duo).toContain('title="james.whitaker@example.com"');
    expect(html).not.toContain('older calls');
  });

  it('shows each account acted on with its state per provider, blocked states marked', () => {
    const html = renderIdpActivity(
      activity({
        accounts: [
          {
            login: 'james.whitaker@example.com',
            displayName: 'James Whitaker',
            states: [
              { provider: 'DUO', accountId: 'DU1', state: 'disabled' },
              { provider: 'OKTA', accountId: '00u1', state: 'ACTIVE' },
            ],
          },
        ],
      }),
    );
    expect(html).toContain(
      '<li class="idp-account" data-login="james.whitaker@example.com"><div class="idp-who">James Whitaker',
    );
    expect(html).toContain('<span class="idp-state idp-state-blocked" title="DU1">Duo: <b>disabled</b></span>');
    expect(html).toContain('<span class="idp-state idp-state-active" title="00u1">Okta: <b>ACTIVE</b></span>');
  });

  it('says how many older calls it leaves out', () => {
    expect(renderIdpActivity(activity({ total: 41 }))).toContain('40 older calls not shown');
  });

  it('escapes every field: a hostile path, login, change, account or state stays text', () => {
    const hostile = request({
      provider: XSS as never,
      method: XSS,
      path: `/users/${XSS}`,
      status: XSS as never,
      login: XSS,
      change: XSS,
    });
    const html = renderIdpActivity(
      activity({
        requests: [hostile],
        accounts: [{ login: XSS, displayName: XSS, states: [{ provider: XSS as never, accountId: XSS, state: XSS }] }],
      }),
    );
    expect(isInert(html)).toBe(true);
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;&quot;&#39;');
  });
});
