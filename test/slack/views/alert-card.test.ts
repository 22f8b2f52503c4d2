import { describe, expect, it } from 'vitest';
import { alertCard, type AlertCardInput, type AlertView } from '../../../src/slack/views/alert-card.ts';
import { alertSummaryCard } from '../../../src/slack/views/alert-summary-card.ts';
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
    expect(text).toContain('*Check*\nNo MFA Configured\n`no-mfa`');
    expect(text).toContain('*User*\nJane Doe\njane.doe@example.com');
    expect(text).toContain('3 hours ago · 2026-11-24 13:30 UTC');
    expect(message.text).toBe('CII alert (High): No MFA Configured — Jane Doe (jane.doe@example.com)');
  });

  it.each([
    ['critical', '🔴 Critical'],
    ['high', '🟠 High'],
    ['medium', '🟡 Medium'],
    ['low', '🔵 Low'],
  ] as const)('renders %s severity as "%s"', (severity, badge) => {
    expect(allText(render({ alert: alert({ severity, severityLabel: severity }) }))).toContain(`*Severity*\n${badge}`);
  });

  it('shows CII’s word for severity when it differs (moderate)', () => {
    expect(allText(render({ alert: alert({ severity: 'medium', severityLabel: 'moderate' }) }))).toContain(
      '🟡 Medium (moderate)',
    );
  });

  it('shows the description without unrendered placeholders, and recommended actions as a list', () => {
    const text = allText(render());
    expect(text).toContain(
      'User has not signed in with MFA in the last … days.\nAccounts without MFA are easy to take over.',
    );
    expect(text).not.toMatch(/\{\{|\}\}/);
    expect(text).toContain('*Recommended actions*\n• Enroll the user in Duo.\n• Review recent sign-ins.');
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
    expect(block).toMatchObject({ action_id: 'alert_block', style: 'danger', text: { text: 'Block…' } });
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
    expect(text).toContain('*User*\njane.doe@example.com');
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
    expect(allText(message)).toContain('+190 more');
  });
});

describe('alertSummaryCard', () => {
  const summary = (userCount: number, names: string[]) =>
    alertSummaryCard({
      findingId: 'f-travel-1',
      checkId: 'impossible-travel',
      title: 'Impossible Travel',
      severity: 'critical',
      severityLabel: 'critical',
      userCount,
      names,
      published: '2026-11-24T15:30:00Z',
      now: NOW,
    });

  it('summarises the check, severity and user count, and points to the thread', () => {
    const message = summary(3, ['Jane Doe', 'John Roe', 'hrms.serviceuser']);
    const text = allText(message);
    expect(message.blocks[0]).toMatchObject({ type: 'header', text: { text: '🔴 Critical · Impossible Travel' } });
    expect(text).toContain(
      '*3 users* failing `impossible-travel` (Impossible Travel): Jane Doe, John Roe, hrms.serviceuser',
    );
    expect(text).toContain('1 hour ago · 2026-11-24 15:30 UTC · details in thread');
    expect(message.text).toBe('CII alert (Critical): Impossible Travel — 3 users');
  });

  it('offers responders "Approve all open" for the finding, carrying only its id', () => {
    expect(buttons(summary(3, ['Jane Doe'])).map((b) => [b.action_id, b.value])).toEqual([
      ['alert_approve_all', 'f-travel-1'],
    ]);
  });

  it('shows the first names then "+N more" counted from the user count', () => {
    const names = Array.from({ length: 12 }, (_, i) => `User ${i}`);
    const text = allText(summary(40, names));
    expect(text).toContain('User 9 +30 more');
    expect(text).not.toContain('User 10');
  });

  it('stays within limits with absurd names', () => {
    const names = Array.from({ length: 1000 }, () => '<&>'.repeat(5000));
    expect(limitViolations(summary(1000, names))).toEqual([]);
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

  it('shows the user’s trust level next to the severity, and in the notification text', () => {
    const message = render({ alert: alert({ trustLevel: 'UNTRUSTED' }) });
    const fields = (message.blocks[1] as { fields: Array<{ text: string }> }).fields.map((f) => f.text);
    expect(fields.slice(0, 2)).toEqual(['*Severity*\n🟠 High', '*User trust level*\n*🔴 Untrusted*']);
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

  it('still shows "…" for a placeholder no detail fills, and nothing extra without the newer fields', () => {
    const text = allText(render());
    expect(text).toContain('in the last … days.');
    expect(text).not.toMatch(/trust level|Topics|Frameworks/i);
  });

  it('shows a severity it does not know as CII sent it, saying how it is ranked', () => {
    const message = render({ alert: alert({ severity: 'medium', severityLabel: 'urgent' }) });
    expect(message.blocks[0]).toMatchObject({ type: 'header', text: { text: '❔ urgent · No MFA Configured' } });
    expect(allText(message)).toContain('*Severity*\n❔ urgent\n_ranked with medium_');
    expect(message.text).toMatch(/^CII alert \(urgent\): /);
    const summary = alertSummaryCard({
      findingId: 'f1',
      checkId: 'no-mfa',
      title: 'No MFA Configured',
      severity: 'medium',
      severityLabel: 'urgent',
      userCount: 12,
      names: ['Jane Doe'],
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
