import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCheckCatalogue } from '../../src/checks/catalogue.ts';

describe('the shipped check catalogue', () => {
  const dir = mkdtempSync(join(tmpdir(), 'catalogue-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (content: unknown) => {
    const path = join(dir, 'catalogue.json');
    writeFileSync(path, JSON.stringify(content));
    return pathToFileURL(path);
  };

  it('loads with no-mfa as the only confirmed id and every known CII title', () => {
    const checks = loadCheckCatalogue();
    expect(checks.filter((c) => c.idKnown).map((c) => c.id)).toEqual(['no-mfa']);
    expect(checks.map((c) => c.title)).toEqual(
      expect.arrayContaining([
        'No MFA Configured',
        'Access from Denied Territories',
        'Impossible Travel',
        'User IP in Blocked State',
        'Registered Location Mismatch',
        'User Lock Out Risk Detected',
        'A Bypass Code Was Used To Successfully Sign In',
        'Active Account under Heavy Attack',
        'Admin Role Assigned to User in Okta',
        'Inactive Users',
      ]),
    );
  });

  it('refuses a file with a bad entry or an id listed twice, naming the file', () => {
    const entry = {
      id: 'no-mfa',
      title: 'No MFA Configured',
      defaultSeverity: 'high',
      description: 'x',
      idKnown: true,
      titleKnown: true,
      severityKnown: false,
    };
    expect(() => loadCheckCatalogue(file({ checks: [{ ...entry, defaultSeverity: 'huge' }] }))).toThrow(
      /catalogue\.json is invalid/,
    );
    expect(() => loadCheckCatalogue(file({ checks: [entry, entry] }))).toThrow(/lists no-mfa twice/);
  });
});
