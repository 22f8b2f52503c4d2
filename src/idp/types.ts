/** CII's names for the identity providers, as found in `providerEndUserDetails[].provider`. */
export const IDENTITY_PROVIDER_NAMES = ['DUO', 'OKTA', 'AZURE_AD'] as const;
export type IdentityProviderName = (typeof IDENTITY_PROVIDER_NAMES)[number];

/** The providers' product names, for people. */
export const IDENTITY_PROVIDER_LABELS: Record<IdentityProviderName, string> = {
  DUO: 'Duo',
  OKTA: 'Okta',
  AZURE_AD: 'Entra ID',
};

/** What Block does at each provider (what the clients' `block` calls do), for the preview before it. */
export const BLOCK_EFFECTS: Record<IdentityProviderName, string> = {
  DUO: 'status set to disabled',
  OKTA: 'suspended, sessions and OAuth tokens cleared',
  AZURE_AD: 'account disabled, sign-in sessions revoked',
};

export function isIdentityProviderName(value: string): value is IdentityProviderName {
  return (IDENTITY_PROVIDER_NAMES as readonly string[]).includes(value);
}

/**
 * What one block or unblock did at one provider. `steps` lists what succeeded, in order, even when a later
 * step failed; `retryable` says whether running the whole action again may succeed (every step is safe to
 * repeat). `error` is short, human and holds no credential.
 */
export type ProviderActionResult =
  | { ok: true; steps: string[] }
  /** `status`: the HTTP status of the provider's refusal; absent when it never answered. */
  | { ok: false; error: string; retryable: boolean; steps: string[]; status?: number };

/** Where an account stands: what Block sets (`blocked`), what Unblock sets (`active`), or neither (`other`). */
export type AccountState = 'blocked' | 'active' | 'other';

/** An account's state read from the provider; `reported` is the provider's own word (`disabled`, `SUSPENDED`…). */
export type AccountReading =
  | { ok: true; state: AccountState; reported: string }
  /** `status`: the HTTP status of the provider's refusal; absent when it never answered. */
  | { ok: false; error: string; retryable: boolean; status?: number };

export interface IdentityProviderClient {
  readonly provider: IdentityProviderName;
  /** The provider's product name for people: `Duo`, `Okta`, `Entra ID`. */
  readonly label: string;
  /** Reads the account's state now (Duo user `status`, Okta user `status`, Entra ID `accountEnabled`), changing nothing. */
  readAccount(userId: string): Promise<AccountReading>;
  /**
   * Stops the user signing in and ends their sessions where the provider can. `current`: the state just read, so a
   * status already set is not set again (the sessions, which cannot be read, are still ended). Provider failures
   * come back in the result.
   */
  block(userId: string, current?: AccountState): Promise<ProviderActionResult>;
  /** Lets the user sign in again; nothing is called when `current` is already `active`. */
  unblock(userId: string, current?: AccountState): Promise<ProviderActionResult>;
}
