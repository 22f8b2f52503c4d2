import { describe, expect, it } from 'vitest';
import { type AlertListItem, alertsList } from '../../../src/slack/views/alerts-list.ts';
import { homeTab } from '../../../src/slack/views/home-tab.ts';
import { statusCard } from '../../../src/slack/views/status-card.ts';
import { allText, limitViolations } from './slack-limits.ts';

const NOW = new Date('2026-11-24T16:30:00Z');
const min = (m: number) => new Date(NOW.getTime() + m * 60_000);

function item(overrides: Partial<AlertListItem> = {}): AlertListItem {
  return {
    severity: 'high',
    severityLabel: 'high',
    title: 'Impossible Travel',
    checkId: 'impossible-travel',
    login: 'mia@example.com',
    displayName: 'Mia Wong',
    state: 'open',
    routing: 'routed',
    arrivedAt: min(-30),
    copies: [],
    ...overrides,
  };
}

describe('alertsList', () => {
  it('says where each alert went: posted with a link, waiting for Slack or for a broken channel, not posted, unrouted, muted', () => {
    const message = alertsList({
      now: NOW,
      alerts: [
        item({
          copies: [
            { channelId: 'C1', state: 'sent', since: min(-29), link: 'https://x.slack.com/archives/C1/p1' },
            { channelId: 'C2', state: 'pending', since: min(-29), lastError: 'ratelimited' },
            { channelId: 'C3', state: 'failed', since: min(-29), lastError: 'channel_not_found' },
            { channelId: 'C4', state: 'pending', since: min(-29), channelBroken: 'not_in_channel' },
          ],
        }),
        item({ routing: 'unrouted', login: 'leo@example.com', displayName: undefined }),
        item({ routing: 'muted', state: 'in_progress' }),
      ],
    });
    const text = allText(message);
    expect(text).toContain('✅ posted in <#C1> (<https://x.slack.com/archives/C1/p1|card>)');
    expect(text).toContain('⏳ waiting for Slack in <#C2> since 29 minutes ago');
    expect(text).toContain('❌ not posted in <#C3>: channel_not_found');
    expect(text).toContain('⏸ waiting in <#C4>: channel broken (not_in_channel), posted once it is repaired');
    expect(text).toContain('⚠️ unrouted: no subscription matched (subscribe a channel');
    expect(text).toContain('🔇 muted: not posted');
    expect(text).toContain('in progress');
    expect(limitViolations(message)).toEqual([]);
  });

  it('names the filter and the login when nothing matches, and escapes what the user typed', () => {
    const text = allText(alertsList({ now: NOW, only: 'pending', login: '<!channel>', alerts: [] }));
    expect(text).toContain('No recent alerts waiting to be posted about `&lt;!channel&gt;`.');
  });

  it('stays within Slack limits with long hostile text in every field', () => {
    const long = '*bold* <!here> '.repeat(400);
    const message = alertsList({
      now: NOW,
      alerts: Array.from({ length: 60 }, () =>
        item({
          title: long,
          login: long,
          displayName: long,
          copies: [{ channelId: long, state: 'failed', since: NOW, lastError: long }],
        }),
      ),
    });
    expect(limitViolations(message)).toEqual([]);
    expect(allText(message)).not.toContain('<!here>');
  });
});

describe('statusCard alert counts', () => {
  it('counts the alerts of 24 hours and 7 days with what is waiting since when', () => {
    const counts = { arrived: 5, posted: 3, pending: 1, pendingSince: min(-90), unrouted: 1, muted: 2, failed: 1 };
    const text = allText(
      statusCard({
        now: NOW,
        ping: { ok: true, latencyMs: 10 },
        integrations: { kind: 'unsupported' },
        alerts: {
          day: counts,
          week: { ...counts, arrived: 9, pending: 0, pendingSince: undefined, muted: 0, failed: 0 },
        },
      }),
    );
    expect(text).toContain(
      '*Last 24 hours:* 5 arrived · 3 posted · ⏳ 1 waiting for Slack since 1 hour ago · 2026-11-24 15:00 UTC · ⚠️ 1 unrouted (`/cii alerts unrouted`) · 🔇 2 muted (`/cii mutes`) · ❌ 1 not posted (`/cii alerts`)',
    );
    expect(text).toContain('*Last 7 days:* 9 arrived · 3 posted · 0 waiting for Slack · ⚠️ 1 unrouted');
  });
});

describe('homeTab', () => {
  it('stays within 100 blocks and each block limit with every section full', () => {
    const long = '*bold* <!here> '.repeat(300);
    const blocks = homeTab({
      now: NOW,
      health: {
        cii: { ok: false, error: long },
        pendingDeliveries: 3,
        pendingSince: min(-5),
        brokenSubscriptions: 2,
        unroutedLastDay: 4,
      },
      waiting: Array.from({ length: 40 }, () => item({ title: long })),
      decisions: Array.from({ length: 40 }, () => ({ at: NOW, action: 'approve', outcome: 'approved', login: long })),
      subscriptions: Array.from({ length: 300 }, (_, i) => ({
        id: String(i),
        channelId: 'C0SOC',
        checkIds: [long],
        minSeverity: 'low' as const,
        createdBy: 'UADMIN',
      })),
    });
    expect(blocks.length).toBeLessThanOrEqual(100);
    // Slack's ~13,000-character total is a message limit (msg_blocks_too_long); a Home tab takes 100 full blocks.
    const violations = limitViolations({ text: 'home', blocks });
    expect(violations.filter((v) => !v.includes('blocks per message') && !v.startsWith('total text'))).toEqual([]);
    expect(JSON.stringify(blocks)).toContain('+25 more: `/cii alerts open`');
  });
});
