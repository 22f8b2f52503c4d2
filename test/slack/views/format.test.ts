import { describe, expect, it } from 'vitest';
import {
  formatLocation,
  formatRelative,
  formatUtc,
  humanize,
  parseDate,
  severityBadge,
  statusMarker,
  yesNoUnknown,
} from '../../../src/slack/views/format.ts';

const NOW = new Date('2026-11-24T16:30:00Z');
const ago = (seconds: number) => new Date(NOW.getTime() - seconds * 1000);

describe('formatRelative', () => {
  it.each([
    [10, 'just now'],
    [50, '1 minute ago'],
    [5 * 60, '5 minutes ago'],
    [3600, '1 hour ago'],
    [3 * 86_400, '3 days ago'],
    [65 * 86_400, '2 months ago'],
    [800 * 86_400, '2 years ago'],
    [-2 * 3600, 'in 2 hours'],
  ])('%i seconds before now reads "%s"', (seconds, expected) => {
    expect(formatRelative(ago(seconds), NOW)).toBe(expected);
  });
});

describe('dates', () => {
  it('formatUtc gives minutes in UTC', () => {
    expect(formatUtc(new Date('2026-11-24T17:30:59+01:00'))).toBe('2026-11-24 16:30 UTC');
  });

  it('formatUtc pads single-digit months, days, hours and minutes to two digits', () => {
    expect(formatUtc(new Date('2027-01-05T03:07:00Z'))).toBe('2027-01-05 03:07 UTC');
  });

  it('parseDate refuses absent and unparseable values', () => {
    expect(parseDate('2026-11-24T16:30:00Z')?.toISOString()).toBe('2026-11-24T16:30:00.000Z');
    expect(parseDate('not a date')).toBeUndefined();
    expect(parseDate(null)).toBeUndefined();
    expect(parseDate('')).toBeUndefined();
  });
});

describe('formatLocation', () => {
  it('joins city, state and country, skipping what is missing', () => {
    expect(formatLocation({ city: 'Lisbon', state: null, country: 'PT' })).toBe('Lisbon, PT');
    expect(formatLocation({ city: 'Austin', state: 'Texas', country: 'US' })).toBe('Austin, Texas, US');
    // A state named like its city is said once.
    expect(formatLocation({ city: 'New York', state: 'new york', country: 'US' })).toBe('New York, US');
    expect(formatLocation({ country: 'DE' })).toBe('DE');
    expect(formatLocation({ city: null, state: 'Texas', country: ' US ' })).toBe('Texas, US');
  });

  it('is undefined for an empty or absent location', () => {
    expect(formatLocation({ city: ' ', state: null })).toBeUndefined();
    expect(formatLocation(null)).toBeUndefined();
  });

  it('adds a flag for an ISO country code on request', () => {
    expect(formatLocation({ city: 'Lisbon', country: 'PT' }, { flag: true })).toBe('🇵🇹 Lisbon, PT');
    expect(formatLocation({ city: 'Somewhere', country: 'Narnia' }, { flag: true })).toBe('Somewhere, Narnia');
    expect(formatLocation({ city: 'Porto', country: 'pt' }, { flag: true })).toBe('🇵🇹 Porto, pt');
    expect(formatLocation({ city: 'Porto', country: '  ' }, { flag: true })).toBe('Porto');
    // Asked twice: the flag is remembered, the answer the same.
    expect(formatLocation({ city: 'Lisbon', country: 'PT' }, { flag: true })).toBe('🇵🇹 Lisbon, PT');
  });
});

describe('words', () => {
  it.each([
    ['SERVICE_ACCOUNT', 'Service account'],
    ['AZURE_AD', 'Entra ID'],
    ['DUO', 'Duo'],
    ['OKTA', 'Okta'],
    ['okta', 'Okta'],
    ['G_SUITE', 'Google Workspace'],
    ['MACOS', 'macOS'],
    ['LOCKED_OUT', 'Locked out'],
    ['Duo Push', 'Duo Push'],
  ])('humanize(%s) is "%s"', (word, expected) => {
    expect(humanize(word)).toBe(expected);
  });

  it('humanize answers the same for a word asked again, and after more distinct words than it keeps', () => {
    const first = humanize('  LOCKED_OUT ');
    for (let i = 0; i < 1_000; i++) expect(humanize(`WORD_${i}`)).toBe(`Word ${i}`);
    expect(humanize('  LOCKED_OUT ')).toBe(first);
    expect(first).toBe('Locked out');
  });

  it('marks statuses with an emoji and a word, good, bad or neutral', () => {
    expect(statusMarker('ACTIVE')).toBe('✅ Active');
    for (const bad of ['SUSPENDED', 'DISABLED', 'BLOCKED', 'LOCKED_OUT', 'DEPROVISIONED', 'DELETED']) {
      expect(statusMarker(bad)).toMatch(/^⛔ \w/);
    }
    expect(statusMarker('STAGED')).toBe('⚪ Staged');
    expect(statusMarker('PASSWORD_EXPIRED')).toBe('⚪ Password expired');
    expect(statusMarker(undefined)).toBe('⚪ Unknown');
  });

  it('says yes, no or unknown', () => {
    expect([true, false, null, undefined].map(yesNoUnknown)).toEqual(['Yes', 'No', 'Unknown', 'Unknown']);
  });

  it('shows severity as emoji and word, with CII’s word when it differs', () => {
    expect(severityBadge('critical')).toBe('🔴 Critical');
    expect(severityBadge('high', 'high')).toBe('🟠 High');
    expect(severityBadge('medium', 'moderate')).toBe('🟡 Medium (moderate)');
    expect(severityBadge('low')).toBe('🔵 Low');
  });
});
