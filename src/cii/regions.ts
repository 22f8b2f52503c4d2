export const CII_REGIONS = ['us', 'eu', 'au'] as const;
export type CiiRegion = (typeof CII_REGIONS)[number];

export interface CiiUrls {
  apiUrl: string;
  tokenUrl: string;
}

/**
 * UNVERIFIED defaults. The regional hosts come from CII's Postman collection, but the API path is not
 * documented: `/graphql` is our pick. The token URL is the only one seen in a real integration, and
 * regional token URLs are unknown, so every region uses it. Explicit URLs override these.
 */
export const REGION_PRESETS: Record<CiiRegion, CiiUrls> = {
  us: { apiUrl: 'https://api.oort.io/graphql', tokenUrl: 'https://login.oort.io/oauth/token' },
  eu: { apiUrl: 'https://api.eu.oort.io/graphql', tokenUrl: 'https://login.oort.io/oauth/token' },
  au: { apiUrl: 'https://api.au.oort.io/graphql', tokenUrl: 'https://login.oort.io/oauth/token' },
};

export interface ResolvedCiiUrls extends CiiUrls {
  /** The URLs taken from the region preset rather than given explicitly (worth a warning: unverified). */
  presetUrls: Array<keyof CiiUrls>;
}

/** The URLs to use: explicit ones win, the region preset fills the rest; throws if one is still missing. */
export function resolveCiiUrls(input: { region?: CiiRegion; apiUrl?: string; tokenUrl?: string }): ResolvedCiiUrls {
  const preset = input.region ? REGION_PRESETS[input.region] : undefined;
  const apiUrl = input.apiUrl || preset?.apiUrl;
  const tokenUrl = input.tokenUrl || preset?.tokenUrl;
  const missing = [!apiUrl && 'API URL', !tokenUrl && 'token URL'].filter(Boolean);
  if (!apiUrl || !tokenUrl) {
    throw new Error(
      `No CII ${missing.join(' or ')}: give it explicitly or choose a region (${CII_REGIONS.join(', ')})`,
    );
  }
  const presetUrls: Array<keyof CiiUrls> = [];
  if (!input.apiUrl) presetUrls.push('apiUrl');
  if (!input.tokenUrl) presetUrls.push('tokenUrl');
  return { apiUrl, tokenUrl, presetUrls };
}
