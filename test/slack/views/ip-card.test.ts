import { describe, expect, it } from 'vitest';
import type { EndUserRef } from '../../../src/cii/schemas.ts';
import { ipCard } from '../../../src/slack/views/ip-card.ts';
import { allText, buttons, limitViolations } from './slack-limits.ts';

const NOW = new Date('2026-11-24T16:30:00Z');
const FETCHED = new Date('2026-11-24T16:29:00Z');
const ref = (i: number, extra: Partial<EndUserRef> = {}): EndUserRef => ({
  id: `eu-${i}`,
  displayName: `User ${i}`,
  login: `user${i}@example.com`,
  referenceUrl: `https://dashboard.oort.io/users/eu-${i}`,
  ...extra,
});

describe('ipCard', () => {
  it('lists the users seen on the IP with links to CII', () => {
    const message = ipCard({
      ip: '203.0.113.7',
      result: { users: [ref(1), ref(2, { displayName: null })], truncated: false },
      fetchedAt: FETCHED,
      now: NOW,
    });
    const text = allText(message);
    expect(message.blocks[0]).toMatchObject({ type: 'header', text: { text: '2 users seen on 203.0.113.7' } });
    expect(text).toContain('• <https://dashboard.oort.io/users/eu-1|User 1> · user1@example.com');
    expect(text).toContain('• <https://dashboard.oort.io/users/eu-2|user2@example.com>');
    expect(text).toContain('Fetched 1 minute ago · 2026-11-24 16:29 UTC');
    expect(text).not.toContain('more');
    expect(message.text).toBe('CII: 2 users seen on 203.0.113.7');
  });

  it('shows the name in bold without a link when CII gave no usable URL', () => {
    const text = allText(
      ipCard({
        ip: '::1',
        result: { users: [ref(1, { referenceUrl: null }), ref(2, { referenceUrl: 'ftp://x' })], truncated: false },
        fetchedAt: FETCHED,
        now: NOW,
      }),
    );
    expect(text).toContain('• User 1 · user1@example.com');
    expect(text).toContain('• User 2 · user2@example.com');
  });

  it('says explicitly when nobody was seen on the IP', () => {
    const message = ipCard({
      ip: '2001:db8::1',
      result: { users: [], truncated: false },
      fetchedAt: FETCHED,
      now: NOW,
    });
    expect(allText(message)).toContain('No users seen on `2001:db8::1`');
    expect(message.text).toBe('CII: no users seen on 2001:db8::1');
  });

  it('shows the first 20 then "+N more", and says when CII had more than was fetched', () => {
    const users = Array.from({ length: 500 }, (_, i) => ref(i));
    const message = ipCard({ ip: '198.51.100.1', result: { users, truncated: true }, fetchedAt: FETCHED, now: NOW });
    const text = allText(message);
    expect(text).toContain('User 19');
    expect(text).not.toContain('User 20 ');
    expect(text).toContain('+480 more · CII has more users on this IP than the 500 fetched');
    expect(message.blocks[0]).toMatchObject({ text: { text: '500+ users seen on 198.51.100.1' } });
  });

  it('honours maxShown', () => {
    const text = allText(
      ipCard({
        ip: '198.51.100.1',
        result: { users: [ref(1), ref(2), ref(3)], truncated: false },
        fetchedAt: FETCHED,
        now: NOW,
        maxShown: 1,
      }),
    );
    expect(text).toContain('User 1');
    expect(text).not.toContain('User 2');
    expect(text).toContain('+2 more');
  });

  it('offers Share with a stable action id, or names who shared it', () => {
    const result = { users: [ref(1)], truncated: false };
    expect(
      buttons(ipCard({ ip: '203.0.113.7', result, fetchedAt: FETCHED, now: NOW, share: { value: 'ip:203.0.113.7' } })),
    ).toEqual([expect.objectContaining({ action_id: 'share_card', value: 'ip:203.0.113.7' })]);
    const shared = ipCard({ ip: '203.0.113.7', result, fetchedAt: FETCHED, now: NOW, sharedBy: 'U42' });
    expect(buttons(shared)).toEqual([]);
    expect(allText(shared)).toContain('Shared by <@U42>');
  });

  it('escapes names and never prints "undefined" or "null"', () => {
    const message = ipCard({
      ip: '203.0.113.7',
      result: { users: [ref(1, { displayName: 'A&B <!here>', referenceUrl: undefined })], truncated: false },
      fetchedAt: FETCHED,
      now: NOW,
    });
    expect(allText(message)).toContain('A&amp;B &lt;!here&gt;');
    expect(allText(message)).not.toMatch(/undefined|null/);
    expect(limitViolations(message)).toEqual([]);
  });

  it('stays within every Slack limit for 500 users with absurd names and URLs', () => {
    const long = 'n'.repeat(10_000);
    const users = Array.from({ length: 500 }, (_, i) =>
      ref(i, { displayName: `${long}<&>`, login: long, referenceUrl: `https://cii.example/${'p'.repeat(480)}/${i}` }),
    );
    for (const maxShown of [20, 500]) {
      const message = ipCard({
        ip: '203.0.113.7',
        result: { users, truncated: true },
        fetchedAt: FETCHED,
        now: NOW,
        share: { value: 'v' },
        maxShown,
      });
      expect(limitViolations(message)).toEqual([]);
      expect(buttons(message).map((b) => b.action_id)).toEqual(['share_card']);
    }
  });
});
