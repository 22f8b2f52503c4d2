import { describe, expect, it } from 'vitest';
import { verifyPushInfo } from '../../../src/services/verification/push-info.ts';

const alert = (title: string) => ({ title, published: '2026-01-01T00:00:00.000Z' });

describe('what the Duo Push proving a "Yes" says on the phone', () => {
  it('names a few of several alerts and how many more, each line kept short', () => {
    const titles = ['Impossible Travel', 'Registered Location Mismatch', 'New Device', 'Fourth'];
    expect(verifyPushInfo({ questionId: 7, name: 'Mia', alerts: titles.map(alert) })).toEqual({
      action: 'Confirm it was you',
      seen: 'Impossible Travel; Registered Location Mismatch; New Device and 1 more',
      reported: '2026-01-01 00:00 UTC',
    });
    const long = verifyPushInfo({ questionId: 7, name: 'Mia', alerts: [alert('x'.repeat(500))] });
    expect(long.seen).toHaveLength(200);
    expect(long.seen!.endsWith('…')).toBe(true);
  });

  it('says the last sign-in’s time, place and IP only as far as they are known', () => {
    const content = { questionId: 7, name: 'Mia', alerts: [alert('Impossible Travel')] };
    expect(
      verifyPushInfo({
        ...content,
        lastSignIn: { at: '2026-01-01T03:14:00Z', location: { city: ' ', country: 'PT' } },
      }),
    ).toEqual({
      action: 'Confirm it was you',
      seen: 'Impossible Travel',
      reported: '2026-01-01 00:00 UTC',
      'last sign-in': '2026-01-01 03:14 UTC',
      from: 'PT',
    });
  });
});
