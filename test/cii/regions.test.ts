import { describe, expect, it } from 'vitest';
import { REGION_PRESETS, resolveCiiUrls } from '../../src/cii/regions.ts';

describe('resolveCiiUrls', () => {
  it('fills both URLs from the region preset and says so', () => {
    expect(resolveCiiUrls({ region: 'eu' })).toEqual({ ...REGION_PRESETS.eu, presetUrls: ['apiUrl', 'tokenUrl'] });
    expect(REGION_PRESETS.eu.apiUrl).toBe('https://api.eu.oort.io/graphql');
  });

  it('lets explicit URLs win over the preset', () => {
    const got = resolveCiiUrls({ region: 'au', apiUrl: 'https://dashboard-api.oort.io/api' });
    expect(got).toEqual({
      apiUrl: 'https://dashboard-api.oort.io/api',
      tokenUrl: REGION_PRESETS.au.tokenUrl,
      presetUrls: ['tokenUrl'],
    });
    expect(resolveCiiUrls({ apiUrl: 'https://a.test/graphql', tokenUrl: 'https://t.test/token' }).presetUrls).toEqual(
      [],
    );
  });

  it('refuses to guess without a region or the URLs', () => {
    expect(() => resolveCiiUrls({ apiUrl: 'https://a.test/graphql' })).toThrow(/No CII token URL/);
    expect(() => resolveCiiUrls({})).toThrow(/No CII API URL or token URL.*us, eu, au/);
  });
});
