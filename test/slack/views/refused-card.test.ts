import { describe, expect, it } from 'vitest';
import { refusedCardNotice } from '../../../src/slack/views/refused-card.ts';
import { allText, limitViolations } from './slack-limits.ts';

const card = {
  severity: 'high' as const,
  severityLabel: 'high',
  title: 'Impossible Travel',
  checkId: 'impossible-travel',
  logins: ['mia.johansson@example.com'],
  reason: 'invalid_blocks',
};

describe('refusedCardNotice', () => {
  it('names the finding, its user and what Slack said, and where the alert is listed', () => {
    const message = refusedCardNotice(card);
    expect(allText(message)).toContain(
      [
        '⚠️ 🟠 High · *Impossible Travel* (`impossible-travel`) for `mia.johansson@example.com`',
        "Slack refused this alert's card (`invalid_blocks`), so it is shown here in short. `/cii alerts mia.johansson@example.com` lists it; the app's log says what Slack objected to.",
      ].join('\n'),
    );
    expect(message.text).toBe(
      'High Impossible Travel: Slack refused the card, see /cii alerts mia.johansson@example.com',
    );
    expect(limitViolations(message)).toEqual([]);
  });

  it('names the first users of a summary and counts the rest, within Slack limits whatever CII sent', () => {
    const logins = Array.from({ length: 40 }, (_, i) => `user${i}@example.com`);
    const message = refusedCardNotice({ ...card, title: `*${'x'.repeat(5_000)}`, logins, reason: '`odd`' });
    const text = allText(message);
    expect(text).toContain('`user4@example.com` +35 more');
    expect(text).toContain('`/cii alerts` lists it');
    expect(text).not.toContain('user5@');
    expect(limitViolations(message)).toEqual([]);
  });
});
