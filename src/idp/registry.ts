import { createDuoClient, type DuoClientOptions } from './duo.ts';
import { createEntraClient, type EntraClientOptions } from './entra.ts';
import type { IdpHttpOptions } from './http.ts';
import { createOktaClient, type OktaClientOptions } from './okta.ts';
import type { IdentityProviderClient, IdentityProviderName } from './types.ts';

export interface IdentityProvidersConfig {
  duo?: DuoClientOptions;
  okta?: OktaClientOptions;
  entra?: EntraClientOptions;
}

/** The configured clients, keyed by CII's provider name; an unconfigured provider is absent. */
export type IdentityProviders = Partial<Record<IdentityProviderName, IdentityProviderClient>>;

/** `shared` (logger, timeout, retry policy) applies to every provider unless its own options say otherwise. */
export function createIdentityProviders(
  config: IdentityProvidersConfig,
  shared: IdpHttpOptions = {},
): IdentityProviders {
  const providers: IdentityProviders = {};
  if (config.duo) providers.DUO = createDuoClient({ ...shared, ...config.duo });
  if (config.okta) providers.OKTA = createOktaClient({ ...shared, ...config.okta });
  if (config.entra) providers.AZURE_AD = createEntraClient({ ...shared, ...config.entra });
  return providers;
}
