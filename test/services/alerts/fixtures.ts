import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Finding, Severity } from '../../../src/alerts/finding.ts';
import { silentLogger } from '../../../src/logger.ts';
import { openStore } from '../../../src/store/open-store.ts';
import type { InspectableStore } from '../../../src/store/types.ts';

export function finding(
  overrides: Partial<Omit<Finding, 'users'>> & { logins?: string[]; severity?: Severity } = {},
): Finding {
  const { logins = ['ann@example.com'], ...rest } = overrides;
  return {
    envelopeId: randomUUID(),
    findingId: randomUUID(),
    checkId: 'no-mfa',
    title: 'No MFA Configured',
    severity: 'high',
    severityLabel: rest.severity ?? 'high',
    description: ['The user has no MFA factor.'],
    recommendedActions: ['Enrol a factor.'],
    published: '2026-01-01T00:00:00.000Z',
    users: logins.map((login) => ({ login, details: [] })),
    ...rest,
  };
}

export const userLogins = (n: number, prefix = 'user'): string[] =>
  Array.from({ length: n }, (_, i) => `${prefix}${String(i + 1).padStart(2, '0')}@example.com`);

/** A SQLite database in a temporary folder; `open` can be called again for another connection to it. */
export async function tempDatabase(): Promise<{
  url: string;
  open(): Promise<InspectableStore>;
  cleanup(): Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'cii-services-'));
  const url = `sqlite:${join(dir, 'test.db')}`;
  const stores: InspectableStore[] = [];
  return {
    url,
    async open() {
      const store = await openStore(url, { logger: silentLogger });
      stores.push(store);
      return store;
    },
    async cleanup() {
      for (const store of stores) await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
