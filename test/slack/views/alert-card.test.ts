import { describe, expect, it } from 'vitest';
import { alertCard, type AlertCardInput, type AlertView } from '../../../src/slack/views/alert-card.ts';
import { alertSummaryCard, progressLine, type SummaryUserView } from '../../../src/slack/views/alert-summary-card.ts';
import { detailKey } from '../../../src/slack/views/alert-text.ts';
import { allText, buttons, limitViolations } from './slack-limits.ts';

const NOW = new Date('2026-11-24T16:30:00Z');

function alert(overrides: Partial<AlertView> = {}): AlertView {
  return {
    id: 'al_01JD7',
    checkId: 'no-mfa',
    title: 'No MFA Configured',
    severity: 'high',
    severityLabel: 'high',
    login: 'jane.doe@example.com',
    displayName: 'Jane Doe',
    referenceUrl: 'https://dashboard.oort.io/users/eu-7f3c2a9e',
    published: '2026-11-24T13:30:00.000Z',
    description: [
      'User has not signed in with MFA in the last {{numberOfDays}} days.',
      'Accounts without MFA are easy to take over.',
    ],
    recommendedActions: ['Enroll the user in Duo.', 'Review recent sign-ins.'],
    ...overrides,
  };
}

const render = (input: Partial<AlertCardInput> = {}) =>
  alertCard({ alert: alert(), now: NOW, actions: { approve: true, block: { providers: ['duo', 'okta'] } }, ...input });

describe('alertCard', () => {
  it('shows severity as emoji and word, the check, the user and when CII published it', () => {
    const message = render();
    const text = allText(message);
    expect(message.blocks[0]).toMatchObject({ type: 'header', text: { text: '🟠 High · No MFA Configured' } });
    expect(text).toContain('*Who*\n*Jane Doe*\njane.doe@example.com');
    expect(text).toContain('Check `no-mfa` · published by CII 3 hours ago · 2026-11-24 13:30 UTC');
    expect(message.text).toBe('CII alert (High): No MFA Configured — Jane Doe (jane.doe@example.com)');
  });

  it.each([
    ['critical', '🔴 Critical'],
    ['high', '🟠 High'],
    ['medium', '🟡 Medium'],
    ['low', '🔵 Low'],
  ] as const)('renders %s severity as "%s"', (severity, badge) => {
    const message = render({ alert: alert({ severity, severityLabel: severity }) });
    expect(message.blocks[0]).toMatchObject({ type: 'header', text: { text: `${badge} · No MFA Configured` } });
  });

  it('shows CII’s word for severity when it differs (moderate)', () => {
    expect(allText(render({ alert: alert({ severity: 'medium', severityLabel: 'moderate' }) }))).toContain(
      '🟡 Medium (moderate)',
    );
  });

  it('fills placeholders from the finding’s details and leaves out a sentence whose value CII did not send', () => {
    const text = allText(render());
    expect(text).toContain('Accounts without MFA are easy to take over.');
    expect(text).not.toContain('in the last');
    expect(text).not.toMatch(/\{\{|\}\}|…/);
    const filled = allText(render({ alert: alert({ details: [{ key: 'NumberOfDays', value: '1200' }] }) }));
    expect(filled).toContain(
      'User has not signed in with MFA in the last 1,200 days.\nAccounts without MFA are easy to take over.',
    );
    expect(filled).not.toContain('Details from CII');
    expect(text).toContain('*Recommended*\n• Enroll the user in Duo.\n• Review recent sign-ins.');
  });

  it('lists the details no placeholder used as "Details from CII", lists decoded and trimmed', () => {
    const details = [
      { key: 'providersFailingChecks', value: '["DUO","AZURE_AD"]' },
      { key: 'numberOfDays', value: '30' },
      ...Array.from({ length: 8 }, (_, i) => ({ key: `k${i}`, value: 'v'.repeat(500) })),
    ];
    const text = allText(render({ alert: alert({ details }) }));
    expect(text).toContain('*Details from CII:* Providers failing checks: Duo, Entra ID · K0: vvv');
    expect(text).not.toContain('Number of days:');
    expect(text).toContain(' · +3 more');
    expect(text).not.toContain('v'.repeat(101));
  });

  it('keeps only the sentences about its user on a card in a summary’s thread, and no recommendations', () => {
    const text = allText(render({ inThread: true, alert: alert({ details: [{ key: 'numberOfDays', value: '45' }] }) }));
    expect(text).toContain('User has not signed in with MFA in the last 45 days.');
    expect(text).not.toContain('Accounts without MFA');
    expect(text).not.toContain('Recommended');
  });

  it('has Open in CII, Approve and Block buttons with stable action ids and the alert id as value', () => {
    const [open, approve, block] = buttons(render());
    expect(open).toMatchObject({ action_id: 'open_in_cii', url: 'https://dashboard.oort.io/users/eu-7f3c2a9e' });
    expect(approve).toMatchObject({ action_id: 'alert_approve', style: 'primary', value: 'al_01JD7' });
    expect(block).toMatchObject({ action_id: 'alert_block', style: 'danger', value: 'al_01JD7' });
  });

  it('opens modals for Approve and Block instead of a confirm that could name the wrong providers', () => {
    const [, approve, block] = buttons(
      render({ actions: { approve: true, block: { providers: ['DUO', 'OKTA', 'AZURE_AD'] } } }),
    );
    expect(approve).toMatchObject({ action_id: 'alert_approve', value: 'al_01JD7' });
    expect(block).toMatchObject({ action_id: 'alert_block', style: 'danger', text: { text: 'Block' } });
    expect(approve?.confirm).toBeUndefined();
    expect(block?.confirm).toBeUndefined();
  });

  it('offers no Block button when blocking is unavailable, and says why', () => {
    const message = render({
      actions: { approve: true, block: { unavailableReason: 'no identity provider is configured' } },
    });
    expect(buttons(message).map((b) => b.action_id)).toEqual(['open_in_cii', 'alert_approve']);
    expect(allText(message)).toContain('Block unavailable: no identity provider is configured');
  });

  it('offers no Block button when no provider account would be acted on', () => {
    const message = render({ actions: { approve: false, block: { providers: [] } } });
    expect(buttons(message).map((b) => b.action_id)).toEqual(['open_in_cii']);
    expect(allText(message)).toContain('Block unavailable');
  });

  it('omits the CII link when the URL is unknown and the display name when absent', () => {
    const message = render({
      alert: alert({ referenceUrl: undefined, displayName: undefined, description: [], recommendedActions: [] }),
    });
    expect(buttons(message).map((b) => b.action_id)).toEqual(['alert_approve', 'alert_block']);
    const text = allText(message);
    expect(text).toContain('*Who*\njane.doe@example.com');
    expect(text).not.toMatch(/undefined|null|Recommended/);
  });

  it('escapes CII text so nothing becomes a mention or link', () => {
    const message = render({
      alert: alert({ title: 'A & B', description: ['Ping <!channel> now'], displayName: '<@U1>' }),
    });
    const text = allText(message);
    expect(text).toContain('Ping &lt;!channel&gt; now');
    expect(text).toContain('&lt;@U1&gt;');
    expect(limitViolations(message)).toEqual([]);
  });

  it('stays within every Slack limit for absurd alerts', () => {
    const long = 'z'.repeat(10_000);
    const message = render({
      alert: alert({
        title: long,
        checkId: long,
        login: long,
        displayName: long,
        severityLabel: long,
        published: long,
        description: Array.from({ length: 200 }, () => `${long}{{x}}<&>`),
        recommendedActions: Array.from({ length: 200 }, () => long),
      }),
      actions: { approve: true, block: { providers: Array.from({ length: 50 }, () => long) } },
    });
    expect(limitViolations(message)).toEqual([]);
    expect(buttons(message).map((b) => b.action_id)).toEqual(['open_in_cii', 'alert_approve', 'alert_block']);
    expect(allText(message)).toContain('+197 more');
  });
});

describe('alertSummaryCard', () => {
  const summary = (users: SummaryUserView[]) =>
    alertSummaryCard({
      findingId: 'f-travel-1',
      checkId: 'impossible-travel',
      title: 'Impossible Travel',
      severity: 'critical',
      severityLabel: 'critical',
      users,
      description: ['Sign-ins too far apart.', 'Distance: {{distanceKm}} km.'],
      recommendedActions: ['Confirm with the user.'],
      published: '2026-11-24T15:30:00Z',
      now: NOW,
    });
  const open = (name: string, referenceUrl?: string): SummaryUserView => ({
    name,
    state: 'open',
    ...(referenceUrl ? { referenceUrl } : {}),
  });

  it('summarises the check once: severity, description and recommendations, users linked to CII', () => {
    const message = summary([open('Jane Doe', 'https://cii.example/u/1'), open('John Roe'), open('hrms.serviceuser')]);
    const text = allText(message);
    expect(message.blocks[0]).toMatchObject({ type: 'header', text: { text: '🔴 Critical · Impossible Travel' } });
    expect(text).toContain('Sign-ins too far apart.');
    expect(text).not.toContain('Distance');
    expect(text).toContain('*Recommended*\n• Confirm with the user.');
    expect(text).toContain('<https://cii.example/u/1|Jane Doe>, John Roe, hrms.serviceuser');
    expect(text).toContain('published by CII 1 hour ago · 2026-11-24 15:30 UTC · one card per user in the thread');
    expect(message.text).toBe('CII alert (Critical): Impossible Travel — 3 users');
  });

  it('shows live progress: how many users are blocked, approved and still open', () => {
    const states = ['blocked', 'blocked', 'blocked', 'approved', 'approved', 'open', 'open', 'open'];
    const users = states.map((state, i) => ({ name: `User ${i}`, state }));
    const text = allText(summary(users));
    expect(text).toContain('*8 users · 3 blocked · 2 approved · 3 open*');
    expect(text).toContain('⛔ User 0');
    expect(text).toContain('✅ User 3');
    expect(progressLine([open('a')])).toBe('1 user · 1 open');
    expect(
      progressLine([
        { name: 'a', state: 'failed' },
        { name: 'b', state: 'in_progress' },
      ]),
    ).toBe('2 users · 1 failed · 1 in progress · 0 open');
  });

  it('offers responders "Approve all open" for the finding, carrying only its id', () => {
    expect(buttons(summary([open('Jane Doe')])).map((b) => [b.action_id, b.value])).toEqual([
      ['alert_approve_all', 'f-travel-1'],
    ]);
  });

  it('shows the first names then "+N more"', () => {
    const text = allText(summary(Array.from({ length: 40 }, (_, i) => open(`User ${i}`))));
    expect(text).toContain('User 9 +30 more');
    expect(text).not.toContain('User 10');
  });

  it('stays within limits with absurd names', () => {
    const users = Array.from({ length: 1000 }, () => open('<&>'.repeat(5000), `https://x.example/${'a'.repeat(4000)}`));
    expect(limitViolations(summary(users))).toEqual([]);
  });
});

describe('alertCard with what newer CII payloads add', () => {
  const context = {
    checkTopics: ['MFA', 'ACCOUNT_TAKEOVER'],
    checkScope: 'USER',
    frameworks: ['NIST 800-53 IA-2', 'CIS Control 6.5'],
    explainabilityEventIds: ['evt-1'],
    explainabilityDetails: [{ key: 'NumberOfDays', value: '30' }],
  };

  it('shows the user’s trust level next to who they are, and in the notification text', () => {
    const message = render({ alert: alert({ trustLevel: 'UNTRUSTED' }) });
    expect(allText(message)).toContain('Trust level: *🔴 Untrusted*');
    expect(message.text).toBe(
      'CII alert (High): No MFA Configured — Jane Doe (jane.doe@example.com), trust level Untrusted',
    );
  });

  it('gives topics, scope and frameworks as context, and fills placeholders from explainabilityDetails', () => {
    const text = allText(render({ alert: alert({ context }) }));
    expect(text).toContain(
      '*Topics:* MFA, Account takeover · *Scope:* User · *Frameworks:* NIST 800-53 IA-2, CIS Control 6.5',
    );
    expect(text).toContain('in the last 30 days.');
    expect(text).not.toContain('{{');
  });

  it('leaves out a sentence whose placeholder no detail fills, and shows nothing extra without the newer fields', () => {
    const text = allText(render());
    expect(text).not.toContain('in the last');
    expect(text).not.toMatch(/trust level|Topics|Frameworks/i);
  });

  it('shows a severity it does not know as CII sent it, saying how it is ranked', () => {
    const message = render({ alert: alert({ severity: 'medium', severityLabel: 'urgent' }) });
    expect(message.blocks[0]).toMatchObject({ type: 'header', text: { text: '❔ urgent · No MFA Configured' } });
    expect(allText(message)).toContain('severity ranked with medium');
    expect(message.text).toMatch(/^CII alert \(urgent\): /);
    const summary = alertSummaryCard({
      findingId: 'f1',
      checkId: 'no-mfa',
      title: 'No MFA Configured',
      severity: 'medium',
      severityLabel: 'urgent',
      users: [{ name: 'Jane Doe', state: 'open' }],
      description: [],
      recommendedActions: [],
      published: '2026-11-24T13:30:00.000Z',
      now: NOW,
    });
    expect(allText(summary)).toContain('❔ urgent');
  });

  it('stays within Slack’s limits with long and many newer fields', () => {
    const long = 'x'.repeat(5000);
    const many = Array.from({ length: 100 }, (_, i) => `${long}${i}`);
    const message = render({
      alert: alert({
        trustLevel: long,
        context: { ...context, checkTopics: many, frameworks: many, checkScope: long },
      }),
    });
    expect(limitViolations(message)).toEqual([]);
  });
});

describe('the More button of an alert card', () => {
  const more = (message: ReturnType<typeof render>) =>
    message.blocks.flatMap((b) => {
      const accessory = (b as { accessory?: { action_id?: string } }).accessory;
      return accessory?.action_id === 'alert_more' ? [{ block: b, accessory }] : [];
    });

  it('sits beside the first section, carries only the alert id, and is labelled without an ellipsis', () => {
    const message = render();
    const [found, ...others] = more(message);
    expect(others).toEqual([]);
    // The first section after the header: why the alert fired.
    expect(message.blocks.indexOf(found!.block)).toBe(1);
    expect(found!.accessory).toEqual({
      type: 'button',
      action_id: 'alert_more',
      text: { type: 'plain_text', text: 'More', emoji: true },
      value: 'al_01JD7',
    });
    expect(JSON.stringify(render())).not.toContain('…');
  });

  it('is beside the evidence when the card has no sentence of its own (a thread card)', () => {
    const message = render({
      inThread: true,
      alert: alert({ description: ['Accounts without MFA are easy to take over.'] }),
    });
    const [found] = more(message);
    expect(found!.block.type).toBe('section');
    expect((found!.block as { fields?: unknown[] }).fields?.length).toBeGreaterThan(0);
  });

  it('stays on decided cards, beside their way back', () => {
    const message = render({ decision: { state: 'approved', by: 'UBOB', at: NOW } });
    expect(more(message)).toHaveLength(1);
    expect(buttons(message).map((b) => b.action_id)).toContain('alert_reopen');
  });
});

describe('no card shows an ellipsis, whatever its state', () => {
  const AT = new Date('2026-11-24T16:05:00Z');
  const results = [{ label: 'Duo', providerUserId: 'DU1', ok: true, steps: ['Duo user disabled'] }];
  const decisions = [
    undefined,
    { state: 'in_progress', action: 'block', by: 'UBOB', at: AT },
    { state: 'in_progress', action: 'unblock', by: 'UBOB', at: AT },
    { state: 'approved', by: 'UBOB', at: AT, reason: 'ok' },
    { state: 'reopened', by: 'UBOB', at: AT },
    { state: 'blocked', by: 'UBOB', at: AT, results },
    { state: 'unblocked', by: 'UBOB', at: AT, results },
    { state: 'failed', action: 'block', by: 'UBOB', at: AT, results: [...results, { ...results[0]!, ok: false }] },
  ] as const;
  const verifications = [
    'pending',
    'resolving',
    'queued',
    'asked',
    'not_asked',
    'confirming',
    'confirmed',
    'unproven',
    'denied',
    'timed_out',
  ] as const;

  it.each(decisions.map((d) => [d?.state ?? 'open', d] as const))('%s', (_, decision) => {
    for (const state of verifications) {
      const message = render({
        ...(decision ? { decision } : {}),
        verification: { state, name: 'Jane', at: AT.getTime() },
      });
      expect(JSON.stringify(message), state).not.toContain('…');
    }
  });
});

describe('detail keys for people', () => {
  it.each([
    ['previousIpAddress', 'Previous IP address'],
    ['providersFailingChecks', 'Providers failing checks'],
    ['number_of_days', 'Number of days'],
    ['userMFAStatus', 'User MFA status'],
    ['Country name', 'Country name'],
  ])('%s reads "%s"', (key, words) => {
    expect(detailKey(key)).toBe(words);
  });
});
