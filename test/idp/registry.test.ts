import { describe, expect, it } from 'vitest';
import { createIdentityProviders } from '../../src/idp/registry.ts';
import { isIdentityProviderName } from '../../src/idp/types.ts';

describe('createIdentityProviders', () => {
  it('builds only the configured providers, keyed by CII provider name', () => {
    const providers = createIdentityProviders({
      duo: { apiUrl: 'https://api-1234abcd.duosecurity.com', ikey: 'DI0', skey: 's' },
      entra: { tenantId: 't', clientId: 'c', clientSecret: 's' },
    });
    expect(Object.keys(providers).sort()).toEqual(['AZURE_AD', 'DUO']);
    expect(providers.DUO).toMatchObject({ provider: 'DUO', label: 'Duo' });
    expect(providers.AZURE_AD).toMatchObject({ provider: 'AZURE_AD', label: 'Entra ID' });
    expect(providers.OKTA).toBeUndefined();
  });

  it('builds nothing when nothing is configured', () => {
    expect(createIdentityProviders({})).toEqual({});
  });

  it('recognises the provider names CII uses and nothing else', () => {
    expect(['DUO', 'OKTA', 'AZURE_AD', 'azure_ad', 'PING'].filter(isIdentityProviderName)).toEqual([
      'DUO',
      'OKTA',
      'AZURE_AD',
    ]);
  });
});
