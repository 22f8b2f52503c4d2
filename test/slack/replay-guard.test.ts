import { describe, expect, it, vi } from 'vitest';
import { isRefusedSlackRequest, replayGuard } from '../../src/slack/replay-guard.ts';

const NOW = 1_790_000_000_000;

function run(slackRequest: Record<string, unknown> | undefined, remember = vi.fn(() => Promise.resolve(true))) {
  const next = vi.fn(() => Promise.resolve());
  const guard = replayGuard({ remember, now: () => NOW });
  const context = slackRequest ? { slackRequest } : {};
  const done = guard({ context, next } as unknown as Parameters<typeof guard>[0]);
  return { done, next, remember };
}

describe('replayGuard', () => {
  it('refuses a request whose signature the receiver did not check, before remembering it', async () => {
    const { done, next, remember } = run({ timestamp: String(NOW / 1000), signature: 'v0=ab', verified: false });
    const refusal = await done.catch((err: unknown) => err);
    expect(isRefusedSlackRequest(refusal)).toBe(true);
    expect(String(refusal)).toContain('not signed by Slack');
    expect(next).not.toHaveBeenCalled();
    expect(remember).not.toHaveBeenCalled();
  });

  it('serves a checked request once and refuses its replay', async () => {
    const request = { timestamp: String(NOW / 1000), signature: 'v0=ab', verified: true };
    const first = run(request);
    await first.done;
    expect(first.next).toHaveBeenCalledOnce();
    // Keyed by the timestamp first, so signatures written together are neighbours in the index.
    expect(first.remember).toHaveBeenCalledWith('001790000000:v0=ab', NOW, NOW - 600_000);
    const replay = run(
      request,
      vi.fn(() => Promise.resolve(false)),
    );
    expect(String(await replay.done.catch((err: unknown) => err))).toContain('replayed');
    expect(replay.next).not.toHaveBeenCalled();
  });

  it('lets a Socket Mode request (no signature) through', async () => {
    const { done, next } = run(undefined);
    await done;
    expect(next).toHaveBeenCalledOnce();
  });
});
