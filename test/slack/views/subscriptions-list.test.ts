import { describe, expect, it } from 'vitest';
import { USAGE as usage } from '../../../src/slack/commands/subcommands/index.ts';
import { subscriptionsList, type SubscriptionView } from '../../../src/slack/views/subscriptions-list.ts';
import { allText, limitViolations } from './slack-limits.ts';

const sub = (overrides: Partial<SubscriptionView> = {}): SubscriptionView => ({
  id: 'sub_1',
  channelId: 'C0SECOPS',
  checkIds: [],
  minSeverity: 'medium',
  createdBy: 'U0ALICE',
  ...overrides,
});

describe('subscriptionsList', () => {
  it('lists the channel’s subscriptions with checks, minimum severity and author', () => {
    const message = subscriptionsList({
      subscriptions: [sub(), sub({ id: 'sub_2', checkIds: ['no-mfa', 'impossible-travel'], minSeverity: 'critical' })],
      scope: 'channel',
      usage,
    });
    const text = allText(message);
    expect(text).toContain('• `sub_1` · all checks · 🟡 Medium and above · by <@U0ALICE>');
    expect(text).toContain('• `sub_2` · `no-mfa`, `impossible-travel` · 🔴 Critical and above · by <@U0ALICE>');
    expect(text).not.toContain('<#C0SECOPS>');
    expect(text).toContain('/cii unsubscribe &lt;id&gt;|all');
    expect(message.text).toBe('2 CII alert subscriptions in this channel');
  });

  it('names the channel of each subscription when listing all, and flags broken ones', () => {
    const text = allText(
      subscriptionsList({
        subscriptions: [sub({ brokenReason: 'the app was removed from the channel' })],
        scope: 'all',
        usage,
      }),
    );
    expect(text).toContain('in <#C0SECOPS>');
    expect(text).toContain('⚠️ broken: the app was removed from the channel');
  });

  it('says per broken channel since when and how many findings wait for it, and how to repair it', () => {
    const now = new Date(Date.UTC(2026, 0, 5, 12));
    const since = new Date(now.getTime() - 2 * 3_600_000);
    const message = subscriptionsList({
      subscriptions: [sub({ brokenReason: 'channel_not_found' }), sub({ id: 'sub_2', channelId: 'C0OTHER' })],
      scope: 'all',
      usage,
      broken: {
        now,
        channels: Array.from({ length: 60 }, (_, i) => ({
          channelId: i === 0 ? 'C0SECOPS' : `C0X${i}`,
          reason: 'channel_not_found',
          since,
          waitingFindings: i === 0 ? 10 : 1,
        })),
      },
    });
    const text = allText(message);
    expect(text).toContain(
      '⚠️ <#C0SECOPS> broken since 2 hours ago · 2026-01-05 10:00 UTC (`channel_not_found`): 10 findings waiting',
    );
    expect(text).toContain(
      '<#C0X1> broken since 2 hours ago · 2026-01-05 10:00 UTC (`channel_not_found`): 1 finding waiting',
    );
    expect(text).toContain('invite the app back (or unarchive the channel) and they go out at once; `/cii subscribe');
    expect(limitViolations(message)).toEqual([]);
  });

  it('says of a refused fallback channel that it is tried again, and that inviting the app is the repair', () => {
    const now = new Date(Date.UTC(2026, 0, 5, 12));
    const message = subscriptionsList({
      subscriptions: [],
      scope: 'all',
      usage,
      broken: {
        now,
        channels: [
          {
            channelId: 'C0FALLBACK',
            reason: 'not_in_channel',
            since: new Date(now.getTime() - 600_000),
            waitingFindings: 3,
            retryAt: new Date(now.getTime() + 240_000),
          },
        ],
      },
    });
    const text = allText(message);
    expect(text).toContain(
      '⚠️ <#C0FALLBACK> broken since 10 minutes ago · 2026-01-05 11:50 UTC (`not_in_channel`): 3 findings waiting. No subscription names it (the fallback channel): it is tried again in 4 minutes, and its cards are posted once the app is invited there',
    );
    expect(text).toContain('The cards are kept and posted once the app is invited to the channel');
    expect(text).not.toContain('repairs it too');
    expect(limitViolations(message)).toEqual([]);
  });

  it('says when there are none and how to add one', () => {
    const message = subscriptionsList({ subscriptions: [], scope: 'channel', usage });
    expect(allText(message)).toContain('No CII alert subscriptions in this channel. Add one with `/cii subscribe');
    expect(limitViolations(message)).toEqual([]);
  });

  it('shows the first checks then "+N more"', () => {
    const checkIds = Array.from({ length: 8 }, (_, i) => `check-${i}`);
    expect(allText(subscriptionsList({ subscriptions: [sub({ checkIds })], scope: 'channel', usage }))).toContain(
      '`check-4` +3 more',
    );
  });

  it('escapes what it shows and never prints "undefined"', () => {
    const message = subscriptionsList({
      subscriptions: [sub({ id: '<x>', createdBy: 'not an id <!here>', brokenReason: '' })],
      scope: 'all',
      usage,
    });
    const text = allText(message);
    expect(text).toContain('`&lt;x&gt;`');
    expect(text).toContain('by not an id &lt;!here&gt;');
    expect(text).not.toMatch(/undefined|null/);
    expect(limitViolations(message)).toEqual([]);
  });

  it('stays within every Slack limit with hundreds of subscriptions', () => {
    const long = 'c'.repeat(5000);
    const subscriptions = Array.from({ length: 400 }, (_, i) =>
      sub({ id: `sub_${i}`, checkIds: Array.from({ length: 50 }, () => long), brokenReason: long }),
    );
    const message = subscriptionsList({ subscriptions, scope: 'all', usage });
    expect(limitViolations(message)).toEqual([]);
    expect(allText(message)).toContain('left out');
    expect(allText(message)).toContain('/cii unsubscribe');
  });
});
