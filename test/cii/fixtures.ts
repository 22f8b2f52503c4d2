import type { EndUser, EndUserRef, EndUserState } from '../../src/cii/schemas.ts';

export function endUser(login = 'ada@example.com'): EndUser {
  return {
    endUserDetails: {
      id: 'eu-1',
      displayName: 'Ada Lovelace',
      login,
      status: 'ACTIVE',
      emails: [login],
      department: 'Engineering',
      devices: [{ deviceId: 'd-1', displayName: 'Ada laptop', os: 'MACOS', deviceType: 'ACCESS', provider: 'DUO' }],
      mfaEnabled: true,
      lastSignIn: {
        timestamp: '2025-06-01T08:00:00.000Z',
        result: 'SUCCESS',
        ipAddress: '198.51.100.7',
        location: { city: 'London', country: 'GB' },
      },
      failingChecks: ['no-mfa'],
      referenceUrl: 'https://dashboard.oort.io/users/eu-1',
    },
    providerEndUserDetails: [{ userId: 'DU123', provider: 'DUO', login, status: 'ACTIVE', mfaEnabled: true }],
  };
}

export function endUserState(login = 'ada@example.com'): EndUserState {
  return {
    id: 'eu-1',
    displayName: 'Ada Lovelace',
    login,
    status: 'ACTIVE',
    usedFactors: ['PUSH'],
    workingLocationDetails: [{ location: { city: 'London', country: 'GB' }, userLocationPrevalence: 0.9 }],
  };
}

export function userRefs(count: number, from = 0): EndUserRef[] {
  return Array.from({ length: count }, (_, i) => ({ id: `u-${from + i}`, login: `user${from + i}@example.com` }));
}
