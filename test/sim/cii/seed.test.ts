import { describe, expect, it, vi } from 'vitest';
import { checks, findCheck } from '../../../sim/cii/checks.ts';
import {
  SEED_SERVICE_ACCOUNT,
  SEED_VPN_IP,
  seedAsOf,
  seedUser,
  seedUsers,
  type SimUser,
} from '../../../sim/cii/seed.ts';

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
    const again = await import('../../../sim/cii/seed.ts');
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

describe('the seed as of a given moment', () => {
  const NOW = new Date('2031-02-03T04:05:06.000Z');
  const minutesBefore = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000).toISOString();

  it('measures sign-ins, devices and syncs from that moment, so they read minutes to days ago on any day', () => {
    const { users, integrations } = seedAsOf(NOW);
    const ryan = users.find((u) => u.login === 'ryan.patel@example.com')!;
    expect(ryan.signIns[0]!.timestamp).toBe(minutesBefore(2));
    expect(ryan.accounts[0]!.lastSignIn?.timestamp).toBe(minutesBefore(2));
    const instants = users.flatMap((u) => [
      ...u.signIns.map((s) => s.timestamp),
      ...u.devices.map((d) => d.lastSeen),
      u.lastActive,
    ]);
    expect(instants.every((t) => Date.parse(t) < NOW.getTime())).toBe(true);
    expect(Math.max(...instants.map(Date.parse))).toBeGreaterThan(NOW.getTime() - 5 * 60_000);
    expect(integrations.find((i) => i.integrationName === 'Okta')?.date).toBe(minutesBefore(55));
  });

  it('keeps everything else as seeded and leaves the pinned seed untouched', () => {
    const { users } = seedAsOf(NOW);
    const strip = (list: readonly SimUser[]) => JSON.stringify(list).replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, 'T');
    expect(strip(users)).toBe(strip(seedUsers));
    expect(seedUser('ryan.patel@example.com').signIns[0]!.timestamp).toBe('2026-11-20T08:58:00.000Z');
  });
});
