import { describe, expect, it } from 'vitest';
import type { EndUser } from '../../../src/cii/schemas.ts';
import { ACTION_IDS } from '../../../src/slack/views/action-ids.ts';
import { userCard, type UserCardInput } from '../../../src/slack/views/user-card.ts';
import { fixtureEndUser, fixtureEndUserState } from '../../fixtures/cii-user.ts';
import { allText, buttons, limitViolations } from './slack-limits.ts';

const NOW = new Date('2026-11-24T16:30:00Z');
const FETCHED = new Date('2026-11-24T16:28:00Z');

function render(overrides: Partial<UserCardInput> = {}) {
  return userCard({ user: fixtureEndUser(), state: fixtureEndUserState(), fetchedAt: FETCHED, now: NOW, ...overrides });
}

function bareUser(): EndUser {
  return {
    endUserDetails: { id: 'eu-1', login: 'hrms.serviceuser', status: 'STAGED', referenceUrl: '' },
    providerEndUserDetails: [],
  };
}

describe('userCard', () => {
  it('shows the user’s identity, status, organisation and MFA', () => {
    const message = render();
    const text = allText(message);
    expect(message.blocks[0]).toMatchObject({ type: 'header', text: { text: 'Jane Doe' } });
    for (const expected of [
      'jane.doe@example.com',
      '✅ Active',
      'Internal',
      'Senior Accountant',
      'Finance',
      'Example Corp',
      'john.roe@example.com',
      '*MFA enabled*\nYes',
      'Push, WebAuthn, SMS',
    ]) {
      expect(text).toContain(expected);
    }
  });

  it('shows the last sign-in with relative and UTC time, IP, place and result', () => {
    expect(allText(render())).toContain(
      '*Last sign-in:* 5 minutes ago · 2026-11-24 16:25 UTC · from 203.0.113.7 · Lisbon, PT · Success (User approved)',
    );
  });

  it('lists failing checks, accounts per provider with markers, and locations with prevalence', () => {
    const text = allText(render());
    expect(text).toContain('`impossible-travel`, `Registered Location Mismatch`');
    expect(text).toContain('• Okta · ✅ Active · jane.doe@example.com');
    expect(text).toContain('• Entra ID · ⛔ Suspended · jane.doe@example.onmicrosoft.com');
    expect(text).toContain('*Registered location:* 🇵🇹 Lisbon, PT');
    expect(text).toContain('*Working locations:* 🇵🇹 Lisbon, PT (82%), 🇵🇹 Porto, PT (15%), 🇪🇸 Madrid, ES (3%)');
  });

  it('shows the first 3 devices and the first 5 groups, then "+N more"', () => {
    const text = allText(render());
    expect(text).toContain(
      '*Devices (4):*\n• Jane’s MacBook Pro · macOS · seen 2 hours ago\n• iPhone 15 · iOS · seen 1 day ago\n• FIN-LAPTOP-042 · Windows · seen 23 days ago\n+1 more',
    );
    expect(text).toContain('*Groups (7):* Finance, All Staff, VPN Users, Expense Approvers, Lisbon Office +2 more');
  });

  it('links to CII and offers sharing with stable action ids', () => {
    const [open, share] = buttons(render({ share: { value: 'share:user:jane' } }));
    expect(open).toMatchObject({
      action_id: 'open_in_cii',
      url: 'https://dashboard.oort.io/users/eu-7f3c2a9e?tab=overview&tenant=acme',
    });
    expect(share).toMatchObject({ action_id: 'share_card', value: 'share:user:jane' });
    expect(ACTION_IDS).toMatchObject({ openInCii: 'open_in_cii', shareCard: 'share_card' });
  });

  it('has no Share button without `share`, and says who shared a shared copy', () => {
    const message = render({ sharedBy: 'U0123ABC' });
    expect(buttons(message).map((b) => b.action_id)).toEqual(['open_in_cii']);
    expect(allText(message)).toContain('Shared by <@U0123ABC>');
  });

  it('says when the data was fetched', () => {
    expect(allText(render())).toContain('Fetched 2 minutes ago · 2026-11-24 16:28 UTC');
  });

  it('has a short fallback text naming the user and status', () => {
    expect(render().text).toBe('CII user: Jane Doe (jane.doe@example.com) — Active');
  });

  it('omits missing fields and never prints "undefined" or "null"', () => {
    const message = userCard({ user: bareUser(), fetchedAt: FETCHED, now: NOW });
    const text = allText(message);
    expect(text).not.toMatch(/undefined|null|NaN/);
    expect(text).not.toContain('*Title*');
    expect(text).not.toContain('Last sign-in');
    expect(text).toContain('*MFA enabled*\nUnknown');
    expect(text).toContain('⚪ Staged');
    expect(message.text).toBe('CII user: hrms.serviceuser — Staged');
    expect(buttons(message)).toEqual([]);
    expect(limitViolations(message)).toEqual([]);
  });

  it('omits null fields CII sent explicitly', () => {
    const user = fixtureEndUser();
    Object.assign(user.endUserDetails, {
      title: null,
      company: null,
      lastSignIn: { timestamp: 'garbage', result: null, ipAddress: null, location: null },
    });
    const text = allText(userCard({ user, fetchedAt: FETCHED, now: NOW }));
    expect(text).not.toMatch(/undefined|null|NaN|Invalid/);
    expect(text).not.toContain('*Company*');
  });

  it('escapes <, > and & in CII data so nothing becomes a mention or link', () => {
    const user = fixtureEndUser();
    user.endUserDetails.displayName = 'Eve <!channel>';
    user.endUserDetails.department = 'R&D <@U999>';
    user.endUserDetails.groupNames = ['<https://evil.example|click me>'];
    const message = userCard({ user, fetchedAt: FETCHED, now: NOW });
    expect(allText(message)).toContain('R&amp;D &lt;@U999&gt;');
    expect(allText(message)).toContain('&lt;https://evil.example|click me&gt;');
    expect(message.text).toContain('Eve &lt;!channel&gt;');
    expect(limitViolations(message)).toEqual([]);
  });

  it('refuses a non-http CII link', () => {
    const user = fixtureEndUser();
    user.endUserDetails.referenceUrl = 'javascript:alert(1)';
    expect(buttons(userCard({ user, fetchedAt: FETCHED, now: NOW })).map((b) => b.action_id)).toEqual([]);
  });

  it('stays within every Slack limit for absurdly large users', () => {
    const long = 'x'.repeat(10_000);
    const user = fixtureEndUser();
    const d = user.endUserDetails;
    Object.assign(d, {
      displayName: long,
      title: long,
      department: long,
      company: long,
      managerLogin: long,
      login: `${long}@example.com`,
    });
    d.groupNames = Array.from({ length: 1000 }, (_, i) => `group-${i}-${long}`);
    d.devices = Array.from({ length: 200 }, (_, i) => ({
      deviceId: `d${i}`,
      displayName: long,
      os: long,
      lastSeen: '2026-11-20T00:00:00Z',
    }));
    d.failingChecks = Array.from({ length: 300 }, () => long);
    d.lastSignIn = {
      timestamp: '2026-11-24T16:00:00Z',
      result: long,
      reason: long,
      ipAddress: long,
      location: { city: long, country: long },
    };
    user.providerEndUserDetails = Array.from({ length: 100 }, () => ({
      userId: long,
      provider: long,
      login: long,
      status: long,
    }));
    const state = fixtureEndUserState();
    state.usedFactors = Array.from({ length: 500 }, () => long);
    state.workingLocationDetails = Array.from({ length: 500 }, () => ({
      location: { city: long },
      userLocationPrevalence: 0.5,
    }));
    const message = userCard({ user, state, fetchedAt: FETCHED, now: NOW, share: { value: 'v' }, sharedBy: 'U1' });
    expect(limitViolations(message)).toEqual([]);
    const text = allText(message);
    for (const more of [
      '*Groups (1000):*',
      '+995 more',
      '*Devices (200):*',
      '+197 more',
      '+290 more',
      '+90 more',
      '+495 more',
    ]) {
      expect(text).toContain(more);
    }
    expect(buttons(message).map((b) => b.action_id)).toEqual(['open_in_cii', 'share_card']);
  });
});

describe('userCard with what this app decided', () => {
  const TWO_HOURS_AGO = new Date(NOW.getTime() - 2 * 3600_000);
  const blockedDuo = { provider: 'DUO', providerUserId: 'DU3RP9I2Y7ZB5QD8VH9L', by: 'UBOB', at: TWO_HOURS_AGO };
  const results = [
    { label: 'Duo', providerUserId: 'DU3RP9I2Y7ZB5QD8VH9L', ok: true, steps: [] },
    { label: 'Entra ID', providerUserId: '5b2c', ok: true, steps: [] },
  ];

  it('says an account the app blocked is blocked, by whom and when, whatever CII still says', () => {
    const text = allText(render({ app: { blocked: [blockedDuo] } }));
    expect(text).toContain(
      '• Duo · ⛔ *Blocked* by <@UBOB> 2 hours ago in this app (CII last said ✅ Active) · jane.doe',
    );
    expect(text).toContain('*Status*\n✅ Active\n⛔ Blocked in Duo by this app');
    // The other accounts read as CII says.
    expect(text).toContain('• Okta · ✅ Active · jane.doe@example.com');
  });

  it('lists the user’s alerts, open ones first, with the latest decision and a link to each card', () => {
    const text = allText(
      render({
        app: {
          blocked: [blockedDuo],
          alerts: [
            { title: 'No MFA', severity: 'medium', severityLabel: 'medium', arrivedAt: TWO_HOURS_AGO },
            {
              title: 'Impossible Travel',
              severity: 'high',
              severityLabel: 'high',
              arrivedAt: TWO_HOURS_AGO,
              decision: { state: 'blocked', by: 'UBOB', at: TWO_HOURS_AGO, results },
              link: 'https://slack.example/archives/C0SOC/p1',
            },
          ],
        },
      }),
    );
    expect(text).toContain('*Alerts in this app (2, 1 open)*');
    expect(text).toContain('• 🔔 *Open* since 2 hours ago — *No MFA* (medium)');
    expect(text).toContain(
      '• ⛔ *Blocked* by <@UBOB> 2 hours ago in Duo and Entra ID — *Impossible Travel* (high) · <https://slack.example/archives/C0SOC/p1|card>',
    );
  });

  it('says a partial block and a failed one as such, and points to /cii alerts beyond five', () => {
    const partial = {
      state: 'failed' as const,
      action: 'block' as const,
      by: 'UBOB',
      at: TWO_HOURS_AGO,
      results: [results[0]!, { ...results[1]!, ok: false, error: 'refused' }],
    };
    const alerts = Array.from({ length: 7 }, (_, i) => ({
      title: `Check ${i}`,
      severity: 'low' as const,
      severityLabel: 'low',
      arrivedAt: TWO_HOURS_AGO,
      decision: i === 0 ? partial : { ...partial, results: [partial.results[1]!] },
    }));
    const text = allText(render({ app: { blocked: [], alerts } }));
    expect(text).toContain('⚠️ *Partially blocked* by <@UBOB> 2 hours ago in Duo; Entra ID failed — *Check 0* (low)');
    expect(text).toContain('⚠️ *Block failed* by <@UBOB> 2 hours ago; Entra ID failed — *Check 1* (low)');
    expect(text).toContain('All of them: `/cii alerts jane.doe@example.com`');
  });

  it('leaves the alerts out when the viewer may not list them', () => {
    expect(allText(render({ app: { blocked: [] } }))).not.toContain('Alerts in this app');
  });
});
