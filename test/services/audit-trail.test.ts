import { describe, expect, test, vi } from 'vitest';
import { auditTrail } from '../../src/services/audit-trail.ts';
import type { NewAuditEntry } from '../../src/store/types.ts';

describe('the audit trail', () => {
  const actor = { userId: 'UBOB', userName: 'bob', teamId: 'T1', channelId: 'C1', messageTs: '1.2' };

  test('records who, where and when with what they did, leaving the message ts out', async () => {
    const entries: NewAuditEntry[] = [];
    const trail = auditTrail({
      store: { recordAudit: (e) => Promise.resolve(void entries.push(e)) },
      logger: { error: vi.fn() },
      now: () => 42,
    });
    await trail(actor, { alertId: 'a1', login: 'mia', action: 'block', outcome: 'blocked' });
    expect(entries).toEqual([
      {
        at: 42,
        userId: 'UBOB',
        userName: 'bob',
        teamId: 'T1',
        channelId: 'C1',
        alertId: 'a1',
        login: 'mia',
        action: 'block',
        outcome: 'blocked',
      },
    ]);
  });

  test('logs a failed write instead of throwing it', async () => {
    const error = vi.fn();
    const trail = auditTrail({
      store: { recordAudit: () => Promise.reject(new Error('database is locked')) },
      logger: { error },
      now: () => 1,
    });
    await expect(trail(actor, { action: 'mute', outcome: 'muted' })).resolves.toBeUndefined();
    expect(error).toHaveBeenCalledWith(
      'could not write an audit entry',
      expect.objectContaining({ action: 'mute', userId: 'UBOB', outcome: 'muted' }),
    );
  });
});
