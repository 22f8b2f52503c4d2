import type { EndUser } from '../../cii/schemas.ts';
import type { IdentityProviders } from '../../idp/registry.ts';
import { BLOCK_EFFECTS, isIdentityProviderName } from '../../idp/types.ts';
import type { StoredAlert } from '../../store/types.ts';
import { providerLabel } from './provider-results.ts';
import type { BlockPreview } from './types.ts';

/** CII user types that are not one person's own account: Block may stop a system or a team. */
const PERSON_TYPES = new Set(['INTERNAL', 'EXTERNAL', 'MISSING', 'UNCLASSIFIED', 'INCONSISTENT']);

/** Who the alert names, for a preview whether or not CII could be read. */
export function previewBase(alert: StoredAlert): Pick<BlockPreview, 'login' | 'displayName'> {
  return { login: alert.login, ...(alert.displayName ? { displayName: alert.displayName } : {}) };
}

/** The accounts CII lists for the user, split into those Block acts on and those it leaves alone. */
export function blockPreview(alert: StoredAlert, user: EndUser, providers: IdentityProviders): BlockPreview {
  const accounts = user.providerEndUserDetails;
  const targets: BlockPreview['targets'] = [];
  const untouched: BlockPreview['untouched'] = [];
  for (const account of accounts) {
    const configured = isIdentityProviderName(account.provider) && providers[account.provider] !== undefined;
    if (!configured) {
      untouched.push({
        label: providerLabel(account.provider),
        why: 'not_configured',
        providerUserId: account.userId,
      });
      continue;
    }
    targets.push({
      provider: account.provider,
      label: providerLabel(account.provider),
      providerUserId: account.userId,
      login: account.login,
      status: account.status,
      effect: isIdentityProviderName(account.provider) ? BLOCK_EFFECTS[account.provider] : '',
    });
  }
  for (const client of Object.values(providers)) {
    if (!accounts.some((a) => a.provider === client.provider))
      untouched.push({ label: client.label, why: 'no_account' });
  }
  const type = user.endUserDetails.userTypeClassification ?? undefined;
  const name = user.endUserDetails.displayName ?? alert.displayName;
  return {
    ...previewBase(alert),
    ...(name ? { displayName: name } : {}),
    targets,
    untouched,
    groupNames: user.endUserDetails.groupNames ?? [],
    ...(type && !PERSON_TYPES.has(type) ? { nonPersonType: type } : {}),
  };
}
