import { describe, expect, it } from 'vitest';
import type { SlackMessage } from '../../../src/slack/views/limits.ts';
import { alertCard, type AlertCardInput } from '../../../src/slack/views/alert-card.ts';
import { responseReport } from '../../../src/slack/views/alert-decision.ts';
import { alertsList } from '../../../src/slack/views/alerts-list.ts';
import { alertSummaryCard } from '../../../src/slack/views/alert-summary-card.ts';
import {
  approveAllModal,
  approveModal,
  blockLoadingModal,
  blockPreviewModal,
} from '../../../src/slack/views/decision-modals.ts';
import { auditList } from '../../../src/slack/views/audit-list.ts';
import { errorMessage } from '../../../src/slack/views/error-message.ts';
import { helpMessage } from '../../../src/slack/views/help.ts';
import { ipCard } from '../../../src/slack/views/ip-card.ts';
import { statusCard } from '../../../src/slack/views/status-card.ts';
import { subscriptionResult } from '../../../src/slack/views/subscription-result.ts';
import { subscriptionsList } from '../../../src/slack/views/subscriptions-list.ts';
import { userCard } from '../../../src/slack/views/user-card.ts';
import { renderMrkdwn } from '../../../sim/console/public/render.js';
import { fixtureEndUser, fixtureEndUserState } from '../../fixtures/cii-user.ts';

const NOW = new Date('2026-11-24T16:30:00Z');
/** Every mrkdwn marker, a code span, and a backtick that would close one. */
const HOSTILE = '*b* _i_ ~s~ `c` x`y';
const FORMATTED = ['<b>', '<i>', '<s>', '<code>'];

// Fields that are not text for people: enums the views switch on, ids, URLs, dates.
const KEPT = new Set([
  'severity',
  'severityLabel',
  'minSeverity',
  'state',
  'kind',
  'action',
  'outcome',
  'scope',
  'referenceUrl',
  'published',
]);
const KEPT_VALUE = /^(https?:|[UCSGW][A-Z0-9]{6,}$|\d{4}-\d\d-\d\dT)/;

/** The input with every text for people replaced by `text(original)`. */
function rewrite<T>(value: T, text: (s: string) => string): T {
  const walk = (v: unknown, key?: string): unknown => {
    if (typeof v === 'string') return KEPT.has(key ?? '') || KEPT_VALUE.test(v) ? v : text(v);
    if (Array.isArray(v)) return v.map((item) => walk(item, key));
    if (v instanceof Date || v === null || typeof v !== 'object') return v;
    return Object.fromEntries(Object.entries(v).map(([k, child]) => [k, walk(child, k)]));
  };
  return walk(value) as T;
}

/** The HTML of every mrkdwn text object in the message, as the fake Slack renders it. */
function rendered(message: SlackMessage): string {
  const html: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (v === null || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if (o.type === 'mrkdwn' && typeof o.text === 'string') html.push(renderMrkdwn(o.text));
    Object.values(o).forEach(walk);
  };
  walk(message.blocks);
  return html.join('\n');
}

/** A modal's blocks, checked as a message's. */
const modal = (view: { blocks: unknown[] }): SlackMessage => ({
  text: '',
  blocks: view.blocks as SlackMessage['blocks'],
});

const count = (html: string, tag: string) => html.split(tag).length - 1;

const alert: AlertCardInput['alert'] = {
  id: 'a1',
  checkId: 'no-mfa',
  title: 'No MFA configured',
  severity: 'high',
  severityLabel: 'high',
  login: 'jane.doe@example.com',
  displayName: 'Jane Doe',
  published: '2026-11-24T16:00:00Z',
  description: ['The user has no MFA factor.'],
  recommendedActions: ['Enrol a factor.'],
};
const results = [
  { label: 'Duo', providerUserId: 'DU123', ok: true, steps: ['disabled'] },
  { label: 'Okta', providerUserId: '00u1', ok: false, steps: [], error: 'Okta said no' },
];
const subscription = { id: 's1', channelId: 'C0SOC', checkIds: ['no-mfa'], minSeverity: 'high' as const };

const VIEWS: Record<string, (text: (s: string) => string) => SlackMessage> = {
  'open alert card': (t) =>
    alertCard(rewrite({ alert, now: NOW, actions: { approve: true, block: { providers: ['Duo'] } } }, t)),
  'alert card without Block': (t) =>
    alertCard(rewrite({ alert, now: NOW, actions: { approve: true, block: { unavailableReason: 'not set up' } } }, t)),
  'failed alert card': (t) =>
    alertCard(
      rewrite(
        {
          alert,
          now: NOW,
          actions: { approve: false, block: { providers: [] } },
          decision: { state: 'failed', action: 'block', by: 'UANALYST', at: NOW, error: 'CII is down', results },
        },
        t,
      ),
    ),
  'blocked alert card': (t) =>
    alertCard(
      rewrite(
        {
          alert,
          now: NOW,
          actions: { approve: false, block: { providers: [] } },
          decision: { state: 'blocked', by: 'UANALYST', at: NOW, results },
        },
        t,
      ),
    ),
  'approved alert card with a reason': (t) =>
    alertCard(
      rewrite(
        {
          alert,
          now: NOW,
          actions: { approve: true, block: { providers: ['Duo'] } },
          decision: { state: 'approved', by: 'UANALYST', at: NOW, reason: 'travel booked' },
        },
        t,
      ),
    ),
  'partially blocked alert card with a reason': (t) =>
    alertCard(
      rewrite(
        {
          alert,
          now: NOW,
          actions: { approve: true, block: { providers: ['Duo'] } },
          decision: { state: 'failed', action: 'block', by: 'UANALYST', at: NOW, reason: 'phished', results },
        },
        t,
      ),
    ),
  'Block preview modal': (t) =>
    modal(
      blockPreviewModal(
        { alertId: 'a1' },
        rewrite(
          {
            login: 'jane.doe@example.com',
            displayName: 'Jane Doe',
            targets: [{ label: 'Duo', providerUserId: 'DU1', login: 'jane', status: 'ACTIVE', effect: 'disabled' }],
            untouched: [{ label: 'Okta', why: 'not_configured' as const, providerUserId: '00u1' }],
            groupNames: ['Domain Admins'],
            nonPersonType: 'SERVICE_ACCOUNT',
            error: 'CII is down',
          },
          t,
        ),
      ),
    ),
  'Block loading modal': (t) => modal(blockLoadingModal({ alertId: 'a1', login: t('jane.doe@example.com') })),
  'Approve modal': (t) =>
    modal(approveModal({ alertId: 'a1', login: t('jane.doe@example.com'), displayName: t('Jane Doe') })),
  'Approve all modal': (t) => modal(approveAllModal({ findingId: 'f1', title: t('No MFA'), open: 3 })),
  'response report': (t) =>
    responseReport(
      rewrite({ action: 'block', state: 'failed', by: 'UANALYST', at: NOW, error: 'went wrong', results }, t),
    ),
  'summary card': (t) =>
    alertSummaryCard(
      rewrite(
        {
          findingId: 'f1',
          checkId: 'no-mfa',
          title: 'No MFA',
          severity: 'high',
          severityLabel: 'high',
          users: [
            { name: 'Jane Doe', state: 'open' },
            { name: 'John Roe', state: 'approved' },
          ],
          description: ['Users without MFA'],
          recommendedActions: ['Enrol them'],
          published: '2026-11-24T16:00:00Z',
          now: NOW,
        },
        t,
      ),
    ),
  'audit list': (t) =>
    auditList(
      rewrite(
        {
          entries: [
            {
              at: NOW,
              userId: 'UANALYST',
              userName: 'ana',
              channelId: 'C0SOC',
              login: 'jane.doe@example.com',
              action: 'block',
              outcome: 'block_failed',
              detail: 'Duo ok',
              reason: 'travelling',
              alert: { title: 'Impossible Travel', severity: 'high', severityLabel: 'high', displayName: 'Jane Doe' },
              results: {
                results: [
                  { label: 'Duo', ok: true },
                  { label: 'Okta', ok: false, error: 'refused' },
                ],
              },
            },
            {
              at: NOW,
              userId: 'UEVE',
              login: 'jane.doe@example.com',
              action: 'approve',
              outcome: 'refused_identity_unchecked',
              detail: 'CII is unreachable',
            },
          ],
        },
        t,
      ),
    ),
  'audit list about one user': (t) => auditList(rewrite({ login: 'jane.doe@example.com', entries: [] }, t)),
  'unknown user': (t) => errorMessage(rewrite({ kind: 'unknown_user', login: 'jane' }, t)),
  'invalid argument': (t) =>
    errorMessage({ ...rewrite({ kind: 'invalid_argument', message: 'bad' }, t), usage: '/cii user <login>' }),
  forbidden: (t) => errorMessage(rewrite({ kind: 'forbidden', message: 'not you', allowed: ['UADMIN'] }, t)),
  'unknown subcommand': (t) => helpMessage({ subcommands: [], unknown: t('frobnicate') }),
  'IP card': (t) =>
    ipCard(
      rewrite(
        {
          ip: '10.0.0.1',
          result: {
            users: [{ id: 'u1', displayName: 'Jane Doe', login: 'jane', referenceUrl: 'https://cii.example/u1' }],
            truncated: false,
          },
          fetchedAt: NOW,
          now: NOW,
        },
        t,
      ),
    ),
  'IP card without users': (t) =>
    ipCard(rewrite({ ip: '10.0.0.1', result: { users: [], truncated: false }, fetchedAt: NOW, now: NOW }, t)),
  'status card': (t) =>
    statusCard(
      rewrite(
        {
          now: NOW,
          ping: { ok: false, error: 'timeout' },
          integrations: {
            kind: 'ok',
            items: [
              {
                integrationId: 'i1',
                integrationName: 'Okta prod',
                status: 'ERROR',
                date: '2026-11-24T16:00:00Z',
                error: 'token expired',
              },
            ],
          },
        },
        t,
      ),
    ),
  'status card with an integrations error': (t) =>
    statusCard(
      rewrite({ now: NOW, ping: { ok: true, latencyMs: 5 }, integrations: { kind: 'error', error: 'no' } }, t),
    ),
  'subscribed answer': (t) => subscriptionResult(rewrite({ kind: 'subscribed', subscription }, t)),
  'repaired answer': (t) =>
    subscriptionResult(rewrite({ kind: 'already_subscribed', subscription, repaired: true }, t)),
  'already subscribed answer': (t) =>
    subscriptionResult(rewrite({ kind: 'already_subscribed', subscription, repaired: false }, t)),
  'unsubscribed answer': (t) =>
    subscriptionResult(rewrite({ kind: 'unsubscribed', channelId: 'C0SOC', count: 1, target: 's1' }, t)),
  'nothing to unsubscribe answer': (t) =>
    subscriptionResult(rewrite({ kind: 'nothing_to_unsubscribe', channelId: 'C0SOC', target: 's1' }, t)),
  'subscriptions list': (t) =>
    subscriptionsList({
      usage: { subscribe: '/cii subscribe', unsubscribe: '/cii unsubscribe <id>' },
      ...rewrite(
        {
          scope: 'all',
          subscriptions: [{ ...subscription, createdBy: 'UANALYST', brokenReason: 'channel_not_found' }],
        },
        t,
      ),
    }),
  'alerts list': (t) =>
    alertsList({
      now: NOW,
      ...rewrite(
        {
          login: 'jane.doe@example.com',
          alerts: [
            {
              ...alert,
              state: 'open',
              routing: 'unrouted',
              arrivedAt: NOW,
              copies: [{ channelId: 'C0SOC', state: 'failed', since: NOW, lastError: 'channel_not_found' }],
            },
          ],
        },
        t,
      ),
    }),
  'subscribed answer with a backlog': (t) =>
    subscriptionResult(rewrite({ kind: 'subscribed', subscription, backlog: { count: 3, days: 7 } }, t)),
  'user card': (t) =>
    userCard(rewrite({ user: fixtureEndUser(), state: fixtureEndUserState(), fetchedAt: NOW, now: NOW }, t)),
  'user card with the alerts and blocks of the app': (t) => {
    const user = fixtureEndUser();
    const account = user.providerEndUserDetails[0]!;
    const blocked = { provider: account.provider, providerUserId: account.userId, by: 'UANALYST', at: NOW };
    const results = [{ label: 'Duo', providerUserId: 'DU1', ok: true, steps: [] }];
    const alerts = [
      { title: 'Impossible Travel', severity: 'high' as const, severityLabel: 'high', arrivedAt: NOW },
      {
        title: 'No MFA',
        severity: 'low' as const,
        severityLabel: 'low',
        arrivedAt: NOW,
        decision: { state: 'blocked' as const, by: 'UANALYST', at: NOW, reason: 'travelling', results },
        link: 'https://slack.example/archives/C0SOC/p1',
      },
    ];
    return userCard(rewrite({ user, fetchedAt: NOW, now: NOW, app: { blocked: [blocked], alerts } }, t));
  },
};

describe('untrusted text in every view is shown literally', () => {
  it.each(Object.keys(VIEWS))('%s', (name) => {
    const view = VIEWS[name]!;
    const benign = rendered(view((s) => s));
    const hostile = rendered(view((s) => `${HOSTILE} ${s}`));
    // The hostile samples reached the message, and none of them became formatting.
    expect(hostile.replace(/\u200b/g, '')).toContain(HOSTILE);
    for (const tag of FORMATTED) expect(count(hostile, tag), tag).toBeLessThanOrEqual(count(benign, tag));
    for (const formatted of ['<b>b</b>', '<i>i</i>', '<s>s</s>', '<code>c</code>'])
      expect(hostile).not.toContain(formatted);
  });
});
