export type SimSeverity = 'critical' | 'high' | 'medium' | 'moderate' | 'low';

export interface SimCheck {
  id: string;
  title: string;
  severity: SimSeverity;
  /** As CII sends them: some lines keep unrendered `{{placeholders}}`. */
  description: string[];
  recommendedActions: string[];
}

export const checks: readonly SimCheck[] = [
  {
    id: 'no-mfa',
    title: 'No MFA Configured',
    severity: 'high',
    description: [
      'Users without a multi-factor authentication method are exposed to password spraying and credential stuffing.',
      'These users have had no MFA factor enrolled for the last {{numberOfDays}} days.',
    ],
    recommendedActions: [
      'Enroll the users in MFA (Duo Push or a WebAuthn security key).',
      'Block sign-in for users who cannot be enrolled within {{gracePeriodDays}} days.',
    ],
  },
  {
    id: 'impossible-travel',
    title: 'Impossible Travel',
    severity: 'high',
    description: [
      'The user signed in from two locations that are too far apart for the time between the sign-ins.',
      'Distance between sign-ins: {{distanceKm}} km in {{elapsedMinutes}} minutes.',
    ],
    recommendedActions: [
      'Confirm with the user whether both sign-ins were theirs.',
      'If not, block the user and revoke active sessions.',
    ],
  },
  {
    id: 'access-from-denied-territories',
    title: 'Access from Denied Territories',
    severity: 'critical',
    description: [
      'A successful sign-in came from a country on the denied territories list.',
      'Country: {{countryName}}.',
    ],
    recommendedActions: [
      'Block the user until the access is explained.',
      'Review the applications accessed during the session.',
    ],
  },
  {
    id: 'user-ip-in-blocked-state',
    title: 'User IP in Blocked State',
    severity: 'high',
    description: [
      'The user signed in from an IP address that is blocked by the identity provider or threat intelligence.',
    ],
    recommendedActions: ['Investigate the IP address and other users seen on it.', 'Reset the user credentials.'],
  },
  {
    id: 'registered-location-mismatch',
    title: 'Registered Location Mismatch',
    severity: 'moderate',
    description: [
      'Recent sign-ins come from a country different from the user registered location.',
      'Registered location: {{registeredCountry}}; observed: {{observedCountry}}.',
    ],
    recommendedActions: [
      'Verify the travel with the user or their manager.',
      'Update the registered location in the HR system.',
    ],
  },
  {
    id: 'user-lock-out-risk-detected',
    title: 'User Lock Out Risk Detected',
    severity: 'medium',
    description: [
      'Repeated failed sign-ins put the user at risk of being locked out.',
      '{{failedAttempts}} failed attempts in the last {{windowHours}} hours.',
    ],
    recommendedActions: ['Check whether the failures come from the user or from an attacker.'],
  },
  {
    id: 'bypass-code-used',
    title: 'A Bypass Code Was Used To Successfully Sign In',
    severity: 'medium',
    description: ['A Duo bypass code was used instead of a regular second factor.'],
    recommendedActions: [
      'Confirm with the user that a help-desk bypass code was issued.',
      'Revoke unused bypass codes.',
    ],
  },
  {
    id: 'active-account-under-heavy-attack',
    title: 'Active Account under Heavy Attack',
    severity: 'critical',
    description: [
      'An active account receives a high volume of failed sign-ins from many IP addresses.',
      '{{failedAttempts}} failures from {{distinctIps}} distinct IP addresses.',
    ],
    recommendedActions: ['Require a phishing-resistant factor for the user.', 'Block the source IP addresses.'],
  },
  {
    id: 'admin-role-assigned-okta',
    title: 'Admin Role Assigned to User in Okta',
    severity: 'moderate',
    description: ['An administrator role was assigned to the user in Okta.', 'Role: {{roleName}}.'],
    recommendedActions: ['Confirm the assignment was approved through change management.'],
  },
  {
    id: 'inactive-users',
    title: 'Inactive Users',
    severity: 'low',
    description: ['The account has not been used for more than {{numberOfDays}} days but is still enabled.'],
    recommendedActions: ['Disable or deprovision the account if it is no longer needed.'],
  },
];

export function findCheck(checkId: string): SimCheck | undefined {
  return checks.find((check) => check.id === checkId);
}
