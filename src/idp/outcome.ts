import type { AccountReading, ProviderActionResult } from './types.ts';

export type Failure = Extract<ProviderActionResult, { ok: false }>;

export const succeeded = (steps: string[]): ProviderActionResult => ({ ok: true, steps });

export const failed = (error: string, retryable: boolean, steps: string[], status?: number): Failure => ({
  ok: false,
  error,
  retryable,
  steps,
  ...(status === undefined ? {} : { status }),
});

/** A provider's own wording, cut to one short line: error bodies can run long (Entra appends trace ids). */
export function brief(text: unknown, max = 300): string | undefined {
  if (typeof text !== 'string') return undefined;
  const line = text.split(/\r?\n/, 1)[0]!.trim();
  if (line === '') return undefined;
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** A failed read of an account's state, in the same words as a failed action. */
export const unread = (failure: Failure): AccountReading => ({
  ok: false,
  error: failure.error,
  retryable: failure.retryable,
  ...(failure.status === undefined ? {} : { status: failure.status }),
});

export interface FailureContext {
  /** `Duo`, `Okta`, `Entra ID`. */
  label: string;
  status: number;
  /** The provider's explanation, already shortened. */
  detail?: string;
  userId: string;
  /** Advice for a 403: which permission the integration is missing. */
  forbiddenHint?: string;
}

/** Turns an HTTP failure answer into words and says whether trying again later can help. */
export function describeFailure(ctx: FailureContext): { error: string; retryable: boolean } {
  const { label, status, detail, userId } = ctx;
  const because = detail ? `: ${detail}` : '';
  if (status === 429)
    return { error: `${label} is rate limiting requests; try again later${because}`, retryable: true };
  if (status === 408 || status >= 500)
    return { error: `${label} is unavailable (HTTP ${status})${because}`, retryable: true };
  if (status === 401) return { error: `${label} rejected the configured credentials${because}`, retryable: false };
  if (status === 403) {
    const hint = ctx.forbiddenHint ? ` (${ctx.forbiddenHint})` : '';
    return { error: `${label} refused the request${because}${hint}`, retryable: false };
  }
  if (status === 404) return { error: `${label} has no user with id ${userId}`, retryable: false };
  return { error: `${label} rejected the request (HTTP ${status})${because}`, retryable: false };
}
