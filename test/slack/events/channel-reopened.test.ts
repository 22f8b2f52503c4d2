import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logger.ts';
import { channelReopened } from '../../../src/slack/events/channel-reopened.ts';

function deps(answer: () => Promise<{ repaired: boolean; waitingFindings: number }>) {
  const lines: string[] = [];
  const asked: string[] = [];
  return {
    lines,
    asked,
    deps: {
      subscriptions: {
        channelReopened: (channelId: string) => (asked.push(channelId), answer()),
      },
      logger: createLogger({ level: 'info', write: (line) => lines.push(line) }),
    },
  };
}

describe('channelReopened', () => {
  it('repairs the channel and says how many findings waited for it', async () => {
    const t = deps(() => Promise.resolve({ repaired: true, waitingFindings: 3 }));
    await channelReopened(t.deps, 'C0SOC', 'app_added');
    expect(t.asked).toEqual(['C0SOC']);
    expect(t.lines.join('\n')).toMatch(/"channelId":"C0SOC".*"how":"app_added".*"waitingFindings":3/);
  });

  it('says nothing when the channel was never refused', async () => {
    const t = deps(() => Promise.resolve({ repaired: false, waitingFindings: 0 }));
    await channelReopened(t.deps, 'C0SOC', 'unarchived');
    expect(t.lines).toEqual([]);
  });

  it('logs a failed repair with what to do instead of throwing into Bolt', async () => {
    const t = deps(() => Promise.reject(new Error('database is locked')));
    await expect(channelReopened(t.deps, 'C0SOC', 'app_added')).resolves.toBeUndefined();
    expect(t.lines.join('\n')).toContain('/cii subscribe there repairs it');
  });
});
