import { describe, expect, it } from 'vitest';
import type { EndUser } from '../../../src/cii/schemas.ts';
import { identitiesOf, isSameIdentity, normalizeIdentity } from '../../../src/services/responses/self-check.ts';

describe('self check', () => {
  it('spells an address one way: trimmed, lower case, without its +tag', () => {
    expect(normalizeIdentity(' Olivia.Bennett+Admin@Example.COM ')).toBe('olivia.bennett@example.com');
    expect(normalizeIdentity('EXAMPLE\\Olivia.Bennett')).toBe('example\\olivia.bennett');
    expect(normalizeIdentity('+x@example.com')).toBe('+x@example.com');
  });

  it('knows every email and login CII lists for the user, and the alert login when CII has no such user', () => {
    const user = {
      endUserDetails: {
        id: 'u1',
        login: 'obennett',
        status: 'ACTIVE',
        referenceUrl: 'https://cii/u1',
        emails: ['Olivia.Bennett@example.com'],
        linkedEndUserLogins: ['ob-admin'],
      },
      providerEndUserDetails: [
        { userId: 'DU1', provider: 'DUO', login: 'EXAMPLE\\obennett', email: 'ob@corp.example.com', status: 'ACTIVE' },
      ],
    } as EndUser;
    const identities = identitiesOf('obennett', user);
    for (const email of ['olivia.bennett@example.com', 'OB-ADMIN', 'ob+x@corp.example.com', 'example\\obennett'])
      expect(isSameIdentity(email, identities), email).toBe(true);
    expect(isSameIdentity('bob@example.com', identities)).toBe(false);
    expect([...identitiesOf('Tom@Example.com', undefined)]).toEqual(['tom@example.com']);
  });
});
