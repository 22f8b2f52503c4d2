import type { KnownBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PRIVILEGED_GROUPS } from '../../../src/slack/views/alert-card.ts';
import { alertDetailsModal, type AlertDetailsInput } from '../../../src/slack/views/alert-details-modal.ts';
import { LIMITS } from '../../../src/slack/views/limits.ts';
import { alertView } from '../../fixtures/alert-view.ts';
import { fixtureEndUser, fixtureEndUserState } from '../../fixtures/cii-user.ts';
import { textObjects } from './slack-limits.ts';

const NOW = new Date('2026-11-24T16:30:00Z');

const alert = alertView({
  description: ['Distance between sign-ins: {{distance}} km in {{minutes}} minutes.', 'Travel this fast is unlikely.'],
  recommendedActions: ['Call the user.', 'Reset the password.', 'Review sign-ins.', 'Revoke sessions.'],
  details: [
    { key: 'distance', value: '7511' },
    { key: 'minutes', value: '65' },
    ...Array.from({ length: 9 }, (_, i) => ({ key: `extra${i}`, value: `value ${i}` })),
  ],
});

function input(overrides: Partial<AlertDetailsInput> = {}): AlertDetailsInput {
  const state = fixtureEndUserState();
  state.ipAddresses = Array.from({ length: 7 }, (_, i) => ({
    ipAddress: `198.51.100.${i + 1}`,
    location: i === 6 ? { city: 'Moscow', country: 'RU' } : { city: 'Lisbon', country: 'PT' },
  }));
  const user = fixtureEndUser();
  user.endUserDetails.groupNames = [...(user.endUserDetails.groupNames ?? []), 'Okta Super Admins'];
  return {
    alert,
    userContext: { user, state, fetchedAt: NOW },
    blockProviders: ['Duo', 'Okta'],
    privilegedGroups: DEFAULT_PRIVILEGED_GROUPS,
    now: NOW,
    ...overrides,
  };
}

const text = (view: ReturnType<typeof alertDetailsModal>) =>
  textObjects(view.blocks as KnownBlock[])
    .map((t) => t.text)
    .join('\n');

describe('the More modal of an alert card', () => {
  it('has everything the compact card trims: every sentence, every detail from CII, every recommendation', () => {
    const all = text(alertDetailsModal(input()));
    expect(all).toContain('Distance between sign-ins: 7,511 km in 65 minutes.\nTravel this fast is unlikely.');
    for (let i = 0; i < 9; i += 1) expect(all).toContain(`• Extra${i}: value ${i}`);
    expect(all).toContain('• Revoke sessions.');
    expect(all).not.toContain('+');
  });

  it('lists every recent IP with its place, flagging those outside the usual places', () => {
    const all = text(alertDetailsModal(input()));
    for (let i = 1; i <= 6; i += 1) expect(all).toContain(`• \`198.51.100.${i}\` 🇵🇹 Lisbon, PT\n`);
    expect(all).toContain('• `198.51.100.7` 🇷🇺 Moscow, RU 🚩');
    expect(all).toContain('Registered: 🇵🇹 Lisbon, PT');
    expect(all).toContain('• 🇵🇹 Lisbon, PT (82%)\n• 🇵🇹 Porto, PT (15%)\n• 🇪🇸 Madrid, ES (3%)');
  });

  it('lists every group with the privileged ones flagged, every device and every account with what Block does', () => {
    const all = text(alertDetailsModal(input()));
    expect(all).toContain('*Groups (8)*');
    expect(all).toContain('• Payroll');
    expect(all).toContain('• 🛡️ *Okta Super Admins* (privileged)');
    expect(all).toContain('*Jane’s MacBook Pro*');
    expect(all).toContain('*Accounts (3)*');
    expect(all).toMatch(/\*Okta\* `jane\.doe@example\.com` · ✅ Active · .*Block acts here/);
    expect(all).toMatch(/\*Entra ID\* `jane\.doe@example\.onmicrosoft\.com` · ⛔ Suspended · (?!.*Block acts here)/);
  });

  it('says CII did not answer when the card has no context, and still shows the finding', () => {
    const all = text(alertDetailsModal(input({ userContext: undefined })));
    expect(all).toContain('CII did not answer about this user when the card was posted');
    expect(all).toContain('• Extra8: value 8');
  });

  it('is a modal with a close button and no submit, within Slack’s limits for huge data', () => {
    const long = 'x'.repeat(5000);
    const huge = input();
    huge.userContext!.user.endUserDetails.groupNames = Array.from({ length: 500 }, (_, i) => `${long}${i}`);
    huge.userContext!.state!.ipAddresses = Array.from({ length: 500 }, () => ({ ipAddress: long }));
    const view = alertDetailsModal({
      ...huge,
      alert: { ...alert, description: Array.from({ length: 100 }, () => long), details: [{ key: long, value: long }] },
    });
    expect(view).toMatchObject({ type: 'modal', close: { text: 'Close' } });
    expect(view.submit).toBeUndefined();
    expect(view.blocks.length).toBeLessThanOrEqual(LIMITS.blocksPerModal);
    for (const t of textObjects(view.blocks as KnownBlock[]))
      expect(t.text.length, t.path).toBeLessThanOrEqual(LIMITS.sectionText);
    expect(text(view)).toContain('+460 more');
  });
});
