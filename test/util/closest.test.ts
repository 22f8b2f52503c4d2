import { describe, expect, it } from 'vitest';
import { closest, editDistance } from '../../src/util/closest.ts';

describe('closest', () => {
  it('measures edits', () => {
    expect(editDistance('usr', 'user')).toBe(1);
    expect(editDistance('impossible-travle', 'impossible-travel')).toBe(2);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('returns the nearest candidates first, within the distance or by containment, never the word itself', () => {
    const ids = ['no-mfa', 'impossible-travel', 'inactive-users', 'mfa'];
    expect(closest('no-mfaa', ids, { limit: 3, maxDistance: 2 })).toEqual(['no-mfa', 'mfa']);
    expect(closest('travel', ids, { limit: 3, maxDistance: 2 })).toEqual(['impossible-travel']);
    expect(closest('zzz', ids, { limit: 3, maxDistance: 1 })).toEqual([]);
    expect(closest('MFA', ids, { limit: 3, maxDistance: 1 })).toEqual(['no-mfa']);
  });
});
