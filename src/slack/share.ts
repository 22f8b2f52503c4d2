/** What a Share button points at: the lookup to run again, never the data itself. */
export type ShareTarget = { kind: 'user'; login: string } | { kind: 'ip'; ip: string };

export function encodeShare(target: ShareTarget): string {
  return JSON.stringify(target.kind === 'user' ? { k: 'user', q: target.login } : { k: 'ip', q: target.ip });
}

export function decodeShare(value: string | undefined): ShareTarget | undefined {
  try {
    const parsed = JSON.parse(value ?? '') as { k?: unknown; q?: unknown };
    if (typeof parsed.q !== 'string' || parsed.q.length === 0 || parsed.q.length > 256) return undefined;
    if (parsed.k === 'user') return { kind: 'user', login: parsed.q };
    if (parsed.k === 'ip') return { kind: 'ip', ip: parsed.q };
  } catch {
    // fall through: a forged or truncated value is simply not a share target
  }
  return undefined;
}
