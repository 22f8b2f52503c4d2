import { describe, expect, it } from 'vitest';
import { alertCard, type AlertCardInput, type AlertView } from '../../../src/slack/views/alert-card.ts';
import {
  alreadyText,
  resultsLine,
  responseReport,
  type DecisionView,
  type ProviderResultView,
} from '../../../src/slack/views/alert-decision.ts';
import { auditList, type AuditLineView } from '../../../src/slack/views/audit-list.ts';
import { allText, buttons, limitViolations } from './slack-limits.ts';

const NOW = new Date('2026-11-24T16:30:00Z');
const AT = new Date('2026-11-24T16:05:00Z');

const alert: AlertView = {
  id: 'al_1',
  checkId: 'no-mfa',
  title: 'No MFA Configured',
  severity: 'high',
  severityLabel: 'high',
  login: 'jane.doe@example.com',
  displayName: 'Jane Doe',
  referenceUrl: 'https://dashboard.oort.io/users/1',
  published: '2026-11-24T13:30:00.000Z',
  description: ['No MFA.'],
  recommendedActions: ['Enroll the user.'],
};

const ok = (label: string, steps: string[] = [`${label} user disabled`]): ProviderResultView => ({
  label,
  providerUserId: `${label}-id`,
  ok: true,
  steps,
});
const bad = (label: string, error: string, steps: string[] = []): ProviderResultView => ({
  label,
  providerUserId: `${label}-id`,
  ok: false,
  error,
  steps,
});

const render = (input: Partial<AlertCardInput> = {}) =>
  alertCard({ alert, now: NOW, actions: { approve: true, block: { providers: ['Duo', 'Okta'] } }, ...input });
const ids = (message: ReturnType<typeof render>) => buttons(message).map((b) => b.action_id);

describe('alert card decisions', () => {
  it('shows an approval with who, when and why, the link to triage it in CII, and Reopen behind a confirm', () => {
    const message = render({ decision: { state: 'approved', by: 'UANA', at: AT, reason: 'travel <booked>' } });
    expect(allText(message)).toContain(
      '✅ *Approved* by <@UANA> at 2026-11-24 16:05 UTC: travel &lt;booked&gt;\nTriage the finding in CII (mark it normal)',
    );
    expect(ids(message)).toEqual(['open_in_cii', 'alert_reopen']);
    expect(buttons(message)[1]).toMatchObject({ value: 'al_1', confirm: { confirm: { text: 'Reopen' } } });
    expect(allText(render({ decision: { state: 'approved', by: 'UANA', at: AT } }))).toContain(
      'at 2026-11-24 16:05 UTC.\nTriage',
    );
  });

  it('says who reopened an alert and offers Approve and Block again', () => {
    const message = render({ decision: { state: 'reopened', by: 'UBOB', at: AT } });
    expect(allText(message)).toContain('↩️ *Reopened* by <@UBOB> at 2026-11-24 16:05 UTC: open again.');
    expect(ids(message)).toEqual(['open_in_cii', 'alert_approve', 'alert_block']);
  });

  it('replaces the buttons while a block runs', () => {
    const message = render({ decision: { state: 'in_progress', action: 'block', by: 'UANA', at: AT } });
    expect(allText(message)).toContain('⏳ *Blocking in progress*, started by <@UANA> at 2026-11-24 16:05 UTC');
    expect(ids(message)).toEqual(['open_in_cii']);
  });

  it('shows a block with the providers it acted in and offers Unblock behind a confirm dialog', () => {
    const message = render({ decision: { state: 'blocked', by: 'UANA', at: AT, results: [ok('Duo'), ok('Okta')] } });
    expect(allText(message)).toContain('⛔ *Blocked* by <@UANA> at 2026-11-24 16:05 UTC: Blocked in Duo and Okta');
    const unblock = buttons(message).find((b) => b.action_id === 'alert_unblock');
    expect(unblock).toMatchObject({
      value: 'al_1',
      confirm: {
        title: { text: 'Unblock Jane Doe?' },
        text: { text: 'This lets Jane Doe (jane.doe@example.com) sign in again in Duo and Okta.' },
      },
    });
    expect(ids(message)).toEqual(['open_in_cii', 'alert_unblock']);
  });

  it('says a partial block plainly, with Retry for what failed and Unblock for what succeeded', () => {
    const decision: DecisionView = {
      state: 'failed',
      action: 'block',
      by: 'UANA',
      at: AT,
      results: [ok('Duo'), bad('Okta', 'Okta is unavailable (HTTP 503)')],
    };
    const message = render({ decision });
    expect(allText(message)).toContain(
      '⚠️ *Partially blocked* (<@UANA> at 2026-11-24 16:05 UTC): Blocked in Duo; Okta failed: Okta is unavailable (HTTP 503)',
    );
    expect(allText(message)).toContain('Retry redoes only what failed; Unblock reverses what succeeded.');
    const retry = buttons(message).find((b) => b.action_id === 'alert_retry');
    expect(retry).toMatchObject({
      value: 'al_1',
      style: 'primary',
      confirm: { text: { text: 'This tries the block of jane.doe@example.com again, only in Okta.' } },
    });
    expect(buttons(message).find((b) => b.action_id === 'alert_unblock')).toMatchObject({
      confirm: { text: { text: 'This lets Jane Doe (jane.doe@example.com) sign in again in Duo.' } },
    });
    expect(ids(message)).toEqual(['open_in_cii', 'alert_retry', 'alert_unblock']);
    const nothingDone = render({ decision: { ...decision, results: [bad('Okta', 'refused')] } });
    expect(allText(nothingDone)).toContain('⚠️ *Block failed*');
    expect(ids(nothingDone)).toEqual(['open_in_cii', 'alert_retry']);
  });

  it('shows a failure that happened before any provider answered', () => {
    const message = render({
      decision: { state: 'failed', action: 'unblock', by: 'UANA', at: AT, error: 'Could not read <CII>', results: [] },
    });
    expect(allText(message)).toContain(
      '*Unblock failed* (<@UANA> at 2026-11-24 16:05 UTC): Could not read &lt;CII&gt;',
    );
    expect(buttons(message).find((b) => b.action_id === 'alert_retry')).toMatchObject({
      confirm: { text: { text: 'This tries the unblock of jane.doe@example.com again.' } },
    });
  });

  it('shows an unblock and offers Block again', () => {
    const message = render({
      decision: { state: 'unblocked', by: 'UADM', at: AT, results: [ok('Duo', ['Duo user set back to active'])] },
    });
    expect(allText(message)).toContain('↩️ *Unblocked* by <@UADM> at 2026-11-24 16:05 UTC: Unblocked in Duo');
    expect(ids(message)).toEqual(['open_in_cii', 'alert_block']);
  });

  it('shows the reason given for a block', () => {
    const message = render({
      decision: { state: 'blocked', by: 'UANA', at: AT, reason: 'sign-in from Pyongyang', results: [ok('Duo')] },
    });
    expect(allText(message)).toContain('Blocked in Duo\nReason: sign-in from Pyongyang');
  });

  it('says whom to ask when no responders are configured, keeping the buttons for when there are', () => {
    const withAdmins = render({ noResponders: { askWhom: ['UADMIN', 'S0ADMINS'] } });
    expect(allText(withAdmins)).toContain(
      'No responders configured — ask <@UADMIN>, <!subteam^S0ADMINS> to set CII_RESPONDERS',
    );
    expect(ids(withAdmins)).toEqual(['open_in_cii', 'alert_approve', 'alert_block']);
    expect(allText(render({ noResponders: { askWhom: [] } }))).toContain('ask a Slack admin to set CII_RESPONDERS');
  });

  it('stays within Slack limits with absurd provider errors', () => {
    const long = '<&>'.repeat(3000);
    const results = Array.from({ length: 30 }, (_, i) => bad(`P${i}`, long, [long]));
    const message = render({
      decision: { state: 'failed', action: 'block', by: 'UANA', at: AT, error: long, results },
    });
    expect(limitViolations(message)).toEqual([]);
    expect(
      limitViolations(responseReport({ action: 'block', state: 'failed', by: 'UANA', at: AT, error: long, results })),
    ).toEqual([]);
  });
});

describe('decision texts', () => {
  it('lists providers once each, then each failure', () => {
    expect(resultsLine('block', [ok('Duo'), ok('Duo'), bad('Okta', 'down'), bad('Entra ID', 'no')])).toBe(
      'Blocked in Duo; Okta failed: down; Entra ID failed: no',
    );
    expect(resultsLine('unblock', [])).toBe('');
  });

  it.each([
    [{ state: 'open' } as const, 'This alert has no decision to act on yet.'],
    [
      { state: 'in_progress', action: 'block', by: 'U1', at: AT } as const,
      'Already being blocked by <@U1> (started at 2026-11-24 16:05 UTC).',
    ],
    [{ state: 'blocked', by: 'U1', at: AT, results: [] } as const, 'Already blocked by <@U1> at 2026-11-24 16:05 UTC.'],
    [{ state: 'approved', by: 'U1', at: AT } as const, 'Already approved by <@U1> at 2026-11-24 16:05 UTC.'],
    [
      { state: 'failed', action: 'unblock', by: 'U1', at: AT, results: [] } as const,
      'The last unblock failed (<@U1> at 2026-11-24 16:05 UTC): use Retry on the card.',
    ],
  ])('tells a late clicker about %o', (decision, text) => {
    expect(alreadyText(decision)).toBe(text);
  });

  it('reports each provider account in the thread, with what was done before a failure', () => {
    const report = responseReport({
      action: 'block',
      state: 'failed',
      by: 'U1',
      at: AT,
      results: [ok('Duo'), bad('Okta', 'Okta refused', ['Okta user suspended'])],
    });
    const text = allText(report);
    expect(text).toContain('Block failed');
    expect(text).toContain('• Duo (`Duo-id`): ✅ Duo user disabled');
    expect(text).toContain('• Okta (`Okta-id`): ❌ Okta refused — done before it failed: Okta user suspended');
    expect(text).not.toContain('Retry redoes');
    expect(report.text).toBe('Block failed: Duo ok, Okta failed');
  });
});

describe('auditList', () => {
  const entry = {
    at: AT,
    userId: 'UANA',
    channelId: 'C0SOC',
    login: 'jane@example.com',
    action: 'block',
    outcome: 'block_failed',
    detail: 'Okta 00u1: failed: <down>',
    results: { results: [{ label: 'Okta', ok: false, error: '<down>' }] },
  };
  const alert = {
    title: 'Impossible Travel',
    severity: 'high' as const,
    severityLabel: 'high',
    displayName: 'Jane Doe',
  };
  const lineOf = (e: Partial<AuditLineView>, about?: string) =>
    allText(auditList({ ...(about ? { login: about } : {}), entries: [{ ...entry, ...e }] })).split('\n')[2];

  it('reads each decision as a sentence naming the check, its severity, the reason and the card', () => {
    expect(
      lineOf({
        outcome: 'blocked',
        alert,
        reason: 'travelling',
        link: 'https://slack.example/archives/C0SOC/p1',
        results: {
          results: [
            { label: 'Duo', ok: true },
            { label: 'Entra ID', ok: true },
          ],
        },
      }),
    ).toBe(
      '• 2026-11-24 16:05 UTC · <@UANA> blocked *Jane Doe* in Duo and Entra ID — *Impossible Travel* (high): _travelling_ · <https://slack.example/archives/C0SOC/p1|card>',
    );
  });

  it('says when a block was finished after the app stopped in the middle of it', () => {
    expect(
      lineOf({
        outcome: 'blocked',
        results: { recovered: true, results: [{ label: 'Duo', ok: true }] },
      }),
    ).toContain('<@UANA> blocked `jane@example.com` in Duo (finished after the app stopped mid-action)');
  });

  it('says a refusal with the button tried and why', () => {
    expect(lineOf({ userId: 'UEVE', outcome: 'refused_not_responder', alert })).toBe(
      '• 2026-11-24 16:05 UTC · <@UEVE> tried to Block *Jane Doe* — refused: not a responder — *Impossible Travel* (high) · in <#C0SOC>',
    );
    expect(
      lineOf({ action: 'approve', outcome: 'refused_identity_unchecked', detail: 'CII is unreachable' }),
    ).toContain('<@UANA> tried to Approve `jane@example.com` — refused: CII is unreachable');
  });

  it('tells a partial block from a failed one, and a late click from a decision', () => {
    expect(
      lineOf({
        results: {
          results: [
            { label: 'Duo', ok: true },
            { label: 'Okta', ok: false, error: 'refused' },
          ],
        },
      }),
    ).toContain('<@UANA> partially blocked `jane@example.com`: blocked in Duo; Okta failed: refused');
    expect(lineOf({})).toContain('<@UANA> tried to Block `jane@example.com` — failed: Okta failed: &lt;down&gt;');
    expect(lineOf({ action: 'approve', outcome: 'already_blocked', detail: 'by UBOB' })).toContain(
      '<@UANA> tried to Approve `jane@example.com` — already blocked by <@UBOB>',
    );
    expect(
      lineOf({ action: 'retry', outcome: 'blocked', results: { results: [{ label: 'Okta', ok: true }] } }),
    ).toContain('<@UANA> blocked `jane@example.com` in Okta (retry)');
    expect(lineOf({ action: 'approve', outcome: 'approved', detail: 'Approve all open', alert })).toContain(
      '<@UANA> approved the alert about *Jane Doe* (with Approve all open) — *Impossible Travel* (high)',
    );
    expect(lineOf({ action: 'reopen', outcome: 'reopened' })).toContain('<@UANA> reopened the alert about');
  });

  it('says what asking the user "was this you?" did', () => {
    expect(lineOf({ userId: 'UMIA', action: 'verify_ask', outcome: 'asked' })).toContain(
      'The app asked <@UMIA> “was this you?”',
    );
    expect(
      lineOf({ userId: 'app', action: 'verify_ask', outcome: 'not_asked', detail: 'not in Slack', alert }),
    ).toContain('The app did not ask *Jane Doe* “was this you?”: not in Slack — *Impossible Travel* (high)');
    expect(lineOf({ userId: 'UMIA', action: 'verify_answer', outcome: 'no_it_was_not_me' })).toContain(
      '<@UMIA> answered “No, it wasn’t me”',
    );
    expect(lineOf({ userId: 'UMIA', action: 'verify_answer', outcome: 'duo_push_denied' })).toContain(
      '<@UMIA>’s Duo Push: denied',
    );
  });

  it('says a step-up before a decision', () => {
    expect(lineOf({ outcome: 'step_up_denied', detail: 'the Duo Push was denied' })).toContain(
      '<@UANA> tried to Block `jane@example.com` — step up denied: the Duo Push was denied',
    );
    expect(lineOf({ outcome: 'step_up_approved', detail: 'Duo Push to jane approved' })).toContain(
      '<@UANA> passed the Duo step-up to Block `jane@example.com`: Duo Push to jane approved',
    );
  });

  it('heads a list about one user with its login', () => {
    const text = allText(auditList({ login: 'jane@example.com', entries: [entry] }));
    expect(text).toContain('*Recent decisions about `jane@example.com`* (newest first)');
  });

  it('says when nothing is recorded', () => {
    expect(allText(auditList({ login: 'x@example.com', entries: [] }))).toContain(
      'No Approve/Block decisions recorded about `x@example.com` yet.',
    );
  });

  it('stays within Slack limits for many long entries', () => {
    const long = 'x'.repeat(5000);
    expect(
      limitViolations(
        auditList({
          entries: Array.from({ length: 200 }, () => ({
            ...entry,
            detail: long,
            reason: long,
            alert: { ...alert, title: long, displayName: long },
            results: { error: long, results: [{ label: long, ok: false, error: long }] },
          })),
        }),
      ),
    ).toEqual([]);
  });
});
