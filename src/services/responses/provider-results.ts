import { IDENTITY_PROVIDER_LABELS, isIdentityProviderName } from '../../idp/types.ts';
import type { NewAlertActionResult, ResponseAction } from '../../store/types.ts';
import type { ProviderOutcome } from './types.ts';

export const providerLabel = (provider: string): string =>
  isIdentityProviderName(provider) ? IDENTITY_PROVIDER_LABELS[provider] : provider;

export const targetKey = (t: { provider: string; providerUserId: string }): string =>
  `${t.provider}\u0000${t.providerUserId}`;

export function toOutcome(r: NewAlertActionResult): ProviderOutcome {
  return {
    provider: r.provider,
    label: providerLabel(r.provider),
    providerUserId: r.providerUserId,
    ok: r.ok,
    steps: r.steps,
    ...(r.error === undefined ? {} : { error: r.error }),
  };
}

/**
 * The latest result of each provider account whose latest result is of `action`, in the order the accounts were
 * first acted on: after Block, Unblock and Block again, the card shows the second block only.
 */
export function currentResults(actions: readonly NewAlertActionResult[], action: ResponseAction): ProviderOutcome[] {
  const latest = new Map<string, NewAlertActionResult>();
  // Map.set keeps a key's first position: the accounts stay in the order they were first acted on.
  for (const a of actions) latest.set(targetKey(a), a);
  return [...latest.values()].filter((a) => a.action === action).map(toOutcome);
}

/** The accounts blocked now: those whose latest successful result is a block. */
export function blockedAccounts(actions: readonly NewAlertActionResult[]): ProviderOutcome[] {
  const lastDone = new Map<string, NewAlertActionResult>();
  for (const a of actions) if (a.ok) lastDone.set(targetKey(a), a);
  return [...lastDone.values()].filter((a) => a.action === 'block').map(toOutcome);
}

/** One line for the audit log: what each provider did, never a credential (clients keep those out of errors). */
export function summarizeResults(results: readonly ProviderOutcome[], error?: string): string | undefined {
  const parts = results.map((r) =>
    r.ok
      ? `${r.label} ${r.providerUserId}: ok`
      : `${r.label} ${r.providerUserId}: failed: ${r.error ?? 'unknown error'}`,
  );
  if (error) parts.unshift(error);
  return parts.length > 0 ? parts.join('; ') : undefined;
}

/** Opens the audit detail of an action another run finished after the app stopped in the middle of it. */
export const RECOVERED_NOTE = 'recovered after the app stopped mid-action';

/** What `summarizeResults` wrote, read back: the provider results it names and the error before them. */
export interface SummarizedResults {
  /** The action was finished by a recovery (`RECOVERED_NOTE`). */
  recovered?: boolean;
  error?: string;
  results: Array<{ label: string; providerUserId: string; ok: boolean; error?: string }>;
}

const OK_PART = /^(.+) (\S+): ok$/;
const FAILED_PART = /^(.+?) (\S+): failed: (.*)$/s;

/** The inverse of `summarizeResults`; a part it did not write continues the error before it. */
export function parseSummarizedResults(detail: string): SummarizedResults {
  const out: SummarizedResults = { results: [] };
  if (detail.startsWith(RECOVERED_NOTE)) {
    out.recovered = true;
    detail = detail.slice(RECOVERED_NOTE.length).replace(/^: /, '');
  }
  for (const part of detail.split('; ')) {
    if (part === '') continue;
    const ok = OK_PART.exec(part);
    const failed = ok ? null : FAILED_PART.exec(part);
    const last = out.results.at(-1);
    if (ok) out.results.push({ label: ok[1]!, providerUserId: ok[2]!, ok: true });
    else if (failed) out.results.push({ label: failed[1]!, providerUserId: failed[2]!, ok: false, error: failed[3]! });
    else if (last && !last.ok) last.error = `${last.error ?? ''}; ${part}`;
    else if (out.results.length === 0) out.error = out.error === undefined ? part : `${out.error}; ${part}`;
  }
  return out;
}
