import { describe, expect, it } from 'vitest';
import type { EndUser, EndUserState } from '../../../src/slack/views/identity.ts';
import { alertCard, CONTEXT_UNAVAILABLE, type AlertCardInput } from '../../../src/slack/views/alert-card.ts';
import { outsideUsualPlaces, privilegedGroupsOf } from '../../../src/slack/views/alert-evidence.ts';
import { alertView } from '../../fixtures/alert-view.ts';
import { fixtureEndUser, fixtureEndUserState } from '../../fixtures/cii-user.ts';
import { allText, buttons, limitViolations } from './slack-limits.ts';

const NOW = new Date('2026-11-24T16:30:00Z');

const alert = alertView;

function render(
  change: { user?: (u: EndUser) => void; state?: (s: EndUserState) => void } = {},
  input: Partial<AlertCardInput> = {},
) {
  const user = fixtureEndUser();
  const state = fixtureEndUserState();
  change.user?.(user);
  change.state?.(state);
  return alertCard({
    alert: alert(),
    now: NOW,
    actions: { approve: true, block: { providers: ['Duo', 'Okta'] } },
    userContext: { user, state, fetchedAt: new Date('2026-11-24T16:28:00Z') },
    ...input,
  });
}

const fieldText = (message: ReturnType<typeof render>, label: string) =>
  allText(message)
    .split('\n*')
    .find((f) => f.startsWith(label)) ?? '';

describe('the evidence on an alert card', () => {
  it('says who the user is: name, login, title and department, manager', () => {
    const text = allText(render());
    expect(text).toContain(
      '*Who*\n*Jane Doe*\njane.doe@example.com\nSenior Accountant · Finance\nManager: john.roe@example.com',
    );
    expect(text).not.toMatch(/Service account|Shared mailbox/);
  });

  it.each([
    ['SERVICE_ACCOUNT', 'Service account'],
    ['SHARED_MAILBOX', 'Shared mailbox'],
    ['EXTERNAL', 'External'],
  ])('calls out a %s user', (type, words) => {
    expect(allText(render({ user: (u) => (u.endUserDetails.userTypeClassification = type) }))).toContain(`*${words}*`);
  });

  it('shows the trust level from the finding, MFA and the factors used', () => {
    const text = allText(render({}, { alert: alert({ trustLevel: 'UNTRUSTED' }) }));
    expect(text).toContain('Trust level: *🔴 Untrusted*');
    expect(text).toContain('🔐 MFA on · Push, WebAuthn, SMS');
    const off = allText(render({ user: (u) => (u.endUserDetails.mfaEnabled = false) }));
    expect(off).toContain('⚠️ *MFA off* · uses Push, WebAuthn, SMS');
    expect(off).not.toContain('Trust level');
  });

  it('flags privileged groups by the configured pattern', () => {
    const groups = ['All Staff', 'Okta Super Admins', 'Domain Admins', 'Backup Operators', 'Expense Approvers'];
    const text = allText(render({ user: (u) => (u.endUserDetails.groupNames = groups) }));
    expect(text).toContain('🛡️ *Privileged:* Okta Super Admins, Domain Admins, Backup Operators');
    expect(text).not.toContain('All Staff');
    const custom = allText(
      render({ user: (u) => (u.endUserDetails.groupNames = groups) }, { privilegedGroups: /approvers/i }),
    );
    expect(custom).toContain('🛡️ *Privileged:* Expense Approvers');
    expect(privilegedGroupsOf(['Admins', 'Readers'], /admin/gi)).toEqual(['Admins']);
  });

  it('shows the last sign-in: relative and UTC time, IP, place with flag and result, inside the usual places', () => {
    const signIn = fieldText(render(), 'Last sign-in');
    expect(signIn).toBe(
      'Last sign-in*\n5 minutes ago · 2026-11-24 16:25 UTC\n`203.0.113.7` · 🇵🇹 Lisbon, PT\n✅ Success\n📍 In a usual place',
    );
  });

  it('marks a sign-in from outside the registered and working locations', () => {
    const message = render({
      user: (u) => {
        u.endUserDetails.lastSignIn = {
          timestamp: '2026-11-24T16:00:00Z',
          result: 'FAILURE',
          reason: 'INVALID_CREDENTIALS',
          ipAddress: '192.0.2.200',
          location: { city: 'Moscow', state: null, country: 'RU' },
        };
      },
    });
    expect(fieldText(message, 'Last sign-in')).toContain(
      '`192.0.2.200` · 🇷🇺 Moscow, RU\n❌ Failed (Invalid credentials)\n🚩 *Outside the usual places*',
    );
    expect(outsideUsualPlaces({ city: 'Faro', country: 'PT' }, fixtureEndUserState())).toBe(true);
    expect(outsideUsualPlaces({ country: 'PT' }, fixtureEndUserState())).toBe(false);
    expect(outsideUsualPlaces({ city: 'Porto', country: 'pt' }, fixtureEndUserState())).toBe(false);
    expect(outsideUsualPlaces({ city: 'Porto', country: 'PT' }, undefined)).toBeUndefined();
  });

  it('lists the usual places with their share and the recent IPs with their places', () => {
    const text = allText(render());
    expect(text).toContain(
      '*Usual places*\nRegistered: 🇵🇹 Lisbon, PT\nWorks from: 🇵🇹 Lisbon, PT (82%), 🇵🇹 Porto, PT (15%), 🇪🇸 Madrid, ES (3%)',
    );
    expect(text).toContain('*Recent IPs*\n`203.0.113.7` 🇵🇹 Lisbon, PT');
  });

  it('lists the accounts with their status and says which ones Block acts in', () => {
    expect(allText(render())).toContain(
      '*Accounts* · Block acts in Duo, Okta\nOkta ✅ Active\nDuo ✅ Active\nEntra ID ⛔ Suspended _(not configured here)_',
    );
    const noOkta = render({ user: (u) => (u.providerEndUserDetails = u.providerEndUserDetails.slice(1)) });
    expect(fieldText(noOkta, 'Accounts')).toContain('Accounts* · Block acts in Duo\n');
    expect(fieldText(noOkta, 'Accounts')).toContain('Okta: no account');
  });

  it('offers "Look up" for the last sign-in IP next to the decision buttons', () => {
    const ids = buttons(render()).map((b) => [b.action_id, b.value]);
    expect(ids).toEqual([
      ['alert_approve', 'al_1'],
      ['alert_block', 'al_1'],
      ['lookup_ip', '203.0.113.7'],
    ]);
  });

  it('says the context could not be fetched when CII did not answer, and still offers the decision', () => {
    const message = alertCard({
      alert: alert({ displayName: 'Jane Doe' }),
      now: NOW,
      actions: { approve: true, block: { providers: ['Duo'] } },
      contextUnavailable: true,
    });
    const text = allText(message);
    expect(text).toContain(CONTEXT_UNAVAILABLE);
    expect(text).toContain('*Who*\n*Jane Doe*\njane.doe@example.com');
    expect(buttons(message).map((b) => b.action_id)).toEqual(['alert_approve', 'alert_block']);
    expect(allText(render())).not.toContain(CONTEXT_UNAVAILABLE);
  });

  it('fits a laptop screen: at most 10 blocks and 2,500 characters for a busy user', () => {
    const message = render({
      user: (u) => {
        u.endUserDetails.groupNames = Array.from({ length: 60 }, (_, i) => `Admins ${i}`);
      },
      state: (s) => {
        s.ipAddresses = Array.from({ length: 40 }, (_, i) => ({
          ipAddress: `192.0.2.${i}`,
          location: { city: 'Lisbon', country: 'PT' },
        }));
      },
    });
    expect(message.blocks.length).toBeLessThanOrEqual(10);
    expect(allText(message).length).toBeLessThan(2_500);
    expect(allText(message)).toContain('+37 more');
  });

  it('stays within every Slack limit with absurd CII data', () => {
    const long = '<&>*_'.repeat(2000);
    const message = render({
      user: (u) => {
        Object.assign(u.endUserDetails, { displayName: long, title: long, department: long, managerLogin: long });
        u.endUserDetails.groupNames = Array.from({ length: 500 }, () => `admin ${long}`);
        u.providerEndUserDetails = Array.from({ length: 50 }, () => ({
          ...u.providerEndUserDetails[0]!,
          provider: long,
        }));
        u.endUserDetails.lastSignIn!.ipAddress = long;
      },
      state: (s) => {
        s.usedFactors = Array.from({ length: 100 }, () => long);
        s.workingLocationDetails = Array.from({ length: 100 }, () => ({
          location: { city: long, country: long },
          userLocationPrevalence: 5,
        }));
      },
    });
    expect(limitViolations(message)).toEqual([]);
  });
});

describe('the accounts on a blocked card', () => {
  const AT = new Date('2026-11-24T16:29:00Z');
  const duo = { label: 'Duo', providerUserId: 'DU3RP9I2Y7ZB5QD8VH9L', ok: true, steps: ['Duo user disabled'] };
  const okta = { label: 'Okta', providerUserId: '00u1abcd2EFGH3ijk4x7', ok: false, steps: [], error: 'refused' };

  it('read as the block left them, not as CII last saw them, also after a partial block', () => {
    const blocked = allText(render({}, { decision: { state: 'blocked', by: 'UBOB', at: AT, results: [duo] } }));
    expect(blocked).toContain('Duo ⛔ *Blocked* by this app');
    expect(blocked).toContain('Okta ✅ Active');
    const partial = allText(
      render({}, { decision: { state: 'failed', action: 'block', by: 'UBOB', at: AT, results: [duo, okta] } }),
    );
    expect(partial).toContain('Duo ⛔ *Blocked* by this app');
    expect(partial).toContain('Okta ⚠️ *Block failed*');
  });

  it('read as CII says once unblocked', () => {
    const text = allText(render({}, { decision: { state: 'unblocked', by: 'UBOB', at: AT, results: [duo] } }));
    expect(text).toContain('Duo ✅ Active');
    expect(text).not.toContain('by this app');
  });
});
