import { describe, expect, it, vi } from 'vitest';
import { checks, findCheck } from '../../../sim/cii/checks.ts';
import { SEED_SERVICE_ACCOUNT, SEED_VPN_IP, seedUser, seedUsers } from '../../../sim/cii/seed.ts';

describe('CII simulator seed', () => {
  it('holds about 30 users with unique ids and logins, including the service account', () => {
    expect(seedUsers.length).toBeGreaterThanOrEqual(30);
    expect(new Set(seedUsers.map((u) => u.id)).size).toBe(seedUsers.length);
    expect(new Set(seedUsers.map((u) => u.login.toLowerCase())).size).toBe(seedUsers.length);
    expect(seedUser(SEED_SERVICE_ACCOUNT).userTypeClassification).toBe('SERVICE_ACCOUNT');
    expect(
      seedUsers.filter((u) => u.login !== SEED_SERVICE_ACCOUNT).every((u) => u.login.endsWith('@example.com')),
    ).toBe(true);
  });

  it('is deterministic: a fresh evaluation yields the same ids, and ids stay stable across runs', async () => {
    vi.resetModules();
    const again = (await import('../../../sim/cii/seed.ts')) as typeof import('../../../sim/cii/seed.ts');
    expect(again.seedUsers).not.toBe(seedUsers);
    expect(again.seedUsers).toEqual(seedUsers);
    expect(seedUser('priya.raman@example.com').accounts.find((a) => a.provider === 'DUO')?.userId).toBe(
      'DU1EK062IHMN88EM16RC',
    );
  });

  it('gives each provider account an id in that provider format', () => {
    const accounts = seedUsers.flatMap((u) => u.accounts);
    const format = {
      DUO: /^DU[A-Z0-9]{18}$/,
      OKTA: /^00u[A-Za-z0-9]{17}$/,
      AZURE_AD: /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    };
    for (const provider of ['DUO', 'OKTA', 'AZURE_AD'] as const) {
      const ofProvider = accounts.filter((a) => a.provider === provider);
      expect(ofProvider.length).toBeGreaterThan(5);
      for (const account of ofProvider) expect(account.userId).toMatch(format[provider]);
    }
  });

  it('covers the edge cases the bot must render', () => {
    expect(Math.max(...seedUsers.map((u) => u.groupNames.length))).toBeGreaterThanOrEqual(15);
    expect(Math.max(...seedUsers.map((u) => u.devices.length))).toBeGreaterThanOrEqual(8);
    const signIns = seedUsers.flatMap((u) => u.signIns);
    expect(signIns.some((s) => s.ipAddress.includes(':'))).toBe(true);
    expect(signIns.some((s) => s.result === 'FAILURE' && s.reason)).toBe(true);
    expect(new Set(signIns.map((s) => s.location.country)).size).toBeGreaterThanOrEqual(5);
    expect(seedUsers.filter((u) => u.signIns.some((s) => s.ipAddress === SEED_VPN_IP)).length).toBeGreaterThanOrEqual(
      30,
    );
    expect(seedUsers.filter((u) => u.managerLogin).length).toBeGreaterThan(seedUsers.length / 2);
  });

  it('refers every failing check to the catalogue, and every manager to a seeded user', () => {
    for (const user of seedUsers) {
      for (const checkId of user.failingChecks) expect(findCheck(checkId), checkId).toBeDefined();
      if (user.managerLogin) expect(() => seedUser(user.managerLogin as string)).not.toThrow();
      expect(user.referenceUrl).toBe(`https://dashboard.oort.io/users/${user.id}`);
    }
    expect(checks.map((c) => c.id)).toContain('no-mfa');
  });

  it('looks users up case-insensitively and throws for an unknown login', () => {
    expect(seedUser('ZOE.WILLIAMS@example.com').status).toBe('LOCKED_OUT');
    expect(() => seedUser('ghost@example.com')).toThrow();
  });
});
