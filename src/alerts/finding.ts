/** CII severities, lowest first. `moderate` (seen in CII payloads) ranks with `medium`. */
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export function normalizeSeverity(raw: string): Severity | undefined {
  const s = raw.trim().toLowerCase();
  if (s === 'moderate') return 'medium';
  return (SEVERITIES as readonly string[]).includes(s) ? (s as Severity) : undefined;
}

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/** One user failing a check, as CII reported it. */
export interface FailingUser {
  login: string;
  /** `loginDetails[].details` for this login, when CII sent any (e.g. providersFailingChecks). */
  details: Array<{ key: string; value: string }>;
}

/** A FAILED_CHECK webhook, normalized from either the batched or the single-user shape. */
export interface Finding {
  /** The EventBridge envelope id (unique per delivery attempt batch). */
  envelopeId: string;
  /** CII's finding id (`detail.id`). */
  findingId: string;
  checkId: string;
  title: string;
  severity: Severity;
  /** Severity as CII wrote it (e.g. `moderate`), for display. */
  severityLabel: string;
  description: string[];
  recommendedActions: string[];
  /** When CII published the finding (ISO 8601). */
  published: string;
  users: FailingUser[];
}
