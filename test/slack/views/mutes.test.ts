import { describe, expect, it } from 'vitest';
import { checkBlocks, checkView } from '../../../sim/slack/block-rules.ts';
import { muteChoices } from '../../../src/services/mutes.ts';
import { alertCard } from '../../../src/slack/views/alert-card.ts';
import {
  muteAnswer,
  muteModal,
  muteNotice,
  mutesList,
  unmuteNotice,
  type MuteView,
} from '../../../src/slack/views/mutes.ts';
import { allText, limitViolations } from './slack-limits.ts';

const NOW = new Date('2026-11-24T16:30:00Z');
const DAY = 24 * 3600_000;

const mute = (overrides: Partial<MuteView> = {}): MuteView => ({
  id: 7,
  checkId: 'impossible-travel',
  login: 'mia.wong@example.com',
  title: 'Impossible Travel',
  displayName: 'Mia Wong',
  createdBy: 'UANALYST',
  createdAt: NOW,
  expiresAt: new Date(NOW.getTime() + 7 * DAY),
  reason: 'travelling',
  channelId: 'C0SOC',
  ...overrides,
});

describe('mute views', () => {
  it('puts a Mute menu of 24 hours, 7 days and 30 days in the card’s actions block, each option naming the alert', () => {
    const card = alertCard({
      alert: {
        id: 'al-1',
        checkId: 'impossible-travel',
        title: 'Impossible Travel',
        severity: 'high',
        severityLabel: 'high',
        login: 'mia.wong@example.com',
        published: '2026-11-24T13:30:00.000Z',
        description: [],
        recommendedActions: [],
      },
      now: NOW,
      actions: { approve: true, block: { providers: ['Duo'] } },
      muteChoices,
    });
    const actions = card.blocks.find((b) => b.type === 'actions') as unknown as {
      elements: Array<Record<string, unknown>>;
    };
    const menu = actions.elements.at(-1)!;
    expect(menu).toMatchObject({ type: 'static_select', action_id: 'alert_mute', placeholder: { text: 'Mute' } });
    expect(
      (menu.options as Array<{ text: { text: string }; value: string }>).map((o) => [o.text.text, o.value]),
    ).toEqual([
      ['Mute for 24 hours', '24h:al-1'],
      ['Mute for 7 days', '7d:al-1'],
      ['Mute for 30 days', '30d:al-1'],
    ]);
    expect(checkBlocks(card.blocks)).toEqual([]);
  });

  it('announces a mute in the thread as "@x muted <check> for <user> for 7 days: <reason>", and its lifting', () => {
    const notice = muteNotice(mute(), { value: '7d', words: '7 days' });
    expect(allText(notice)).toContain(
      '🔇 <@UANALYST> muted *Impossible Travel* for Mia Wong (`mia.wong@example.com`) for 7 days: travelling',
    );
    expect(allText(notice)).toContain('Until 2026-12-01 16:30 UTC');
    expect(notice.text).toBe('Impossible Travel muted for Mia Wong for 7 days: travelling');
    expect(allText(unmuteNotice(mute(), 'UADMIN'))).toContain(
      '🔔 <@UADMIN> lifted the mute of *Impossible Travel* for Mia Wong',
    );
  });

  it('shows hostile reasons and names literally, within Slack’s limits', () => {
    const hostile = mute({ reason: '<!channel> *bold* & <https://evil|x>', displayName: '<@U123> `x`' });
    for (const message of [
      muteNotice(hostile, { value: '7d', words: '7 days' }),
      mutesList({ now: NOW, mutes: [hostile] }),
    ]) {
      expect(limitViolations(message)).toEqual([]);
      expect(allText(message)).not.toContain('<!channel>');
      expect(checkBlocks(message.blocks)).toEqual([]);
    }
  });

  it('lists who muted what, until when and why, with Unmute; many mutes stay within 50 blocks', () => {
    const list = mutesList({
      now: NOW,
      mutes: [mute(), mute({ id: 8, reason: undefined, login: 'tom@x.com', displayName: undefined })],
    });
    const text = allText(list);
    expect(text).toContain('Muted checks (2)');
    expect(text).toContain('until 2026-12-01 16:30 UTC · muted by <@UANALYST> in <#C0SOC> just now');
    expect(text).toContain('> travelling');
    expect(text).toContain('_no reason given_');
    expect(
      list.blocks
        .filter((b) => b.type === 'section')
        .map((b) => (b as { accessory: { value: string } }).accessory.value),
    ).toEqual(['7', '8']);
    const many = mutesList({ now: NOW, mutes: Array.from({ length: 80 }, (_, i) => mute({ id: i })) });
    expect(many.blocks.length).toBeLessThanOrEqual(50);
    expect(allText(many)).toContain('+35 more, ending later.');
    expect(allText(mutesList({ now: NOW, mutes: [] }))).toContain('No check is muted');
  });

  it('opens a modal Slack accepts, asking for an optional reason and carrying only ids and the duration', () => {
    const view = muteModal({
      alertId: 'al-1',
      checkId: 'impossible-travel',
      title: 'Impossible Travel',
      login: 'mia.wong@example.com',
      duration: { value: '30d', words: '30 days' },
      until: new Date(NOW.getTime() + 30 * DAY),
      channelId: 'C0SOC',
      messageTs: '1.2',
    });
    expect(checkView(view)).toEqual([]);
    expect(JSON.parse(view.private_metadata!)).toEqual({
      alertId: 'al-1',
      duration: '30d',
      channelId: 'C0SOC',
      messageTs: '1.2',
    });
    expect(JSON.stringify(view.blocks)).toContain('for *30 days*, until 2026-12-24 16:30 UTC?');
  });

  it('tells the muter how many queued cards of it were withdrawn, and says nothing of them when there were none', () => {
    const text = (withdrawn: number) => allText(muteAnswer({ kind: 'muted', mute: mute(), withdrawn }, NOW));
    expect(text(3)).toContain('3 cards of it waiting to be posted were withdrawn.');
    expect(text(1)).toContain('1 card of it waiting to be posted was withdrawn.');
    expect(text(0)).not.toContain('withdrawn');
    expect(text(0)).toContain('Muted *Impossible Travel* for');
  });
});
