/** CII severities, lowest first. `moderate` (seen in CII payloads) ranks with `medium`. */
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export function normalizeSeverity(raw: string): Severity | undefined {
  const s = raw.trim().toLowerCase();
  if (s === 'moderate') return 'medium';
  return (SEVERITIES as readonly string[]).includes(s) ? (s as Severity) : undefined;
}

/**
 * The rank of a severity as CII wrote it. A value outside the known ones ranks with `medium`: refusing the
 * finding would lose it for good (EventBridge does not retry a 4xx), and the full list is not published.
 */
export function rankedSeverity(raw: string): Severity {
  return normalizeSeverity(raw) ?? 'medium';
}

export function isKnownSeverity(raw: string): boolean {
  return normalizeSeverity(raw) !== undefined;
}

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/** One user failing a check, as CII reported it. */
export interface FailingUser {
  login: string;
  /** `loginDetails[].details` for this login, when CII sent any (e.g. providersFailingChecks). */
  details: Array<{ key: string; value: string }>;
  /** `userTrustLevel` of newer single-user payloads (TRUSTED … UNTRUSTED, UNKNOWN), as CII wrote it. */
  trustLevel?: string;
}

/** What newer payloads say about the check beyond its title and text; every list may be empty. */
export interface FindingContext {
  checkTopics: string[];
  checkScope?: string;
  frameworks: string[];
  explainabilityEventIds: string[];
  /** Facts behind the finding; keys may match `{{placeholders}}` in the description. */
  explainabilityDetails: Array<{ key: string; value: string }>;
}

/** A FAILED_CHECK webhook, normalized from either the batched or the single-user shape. */
export interface Finding {
  /** The EventBridge envelope id (unique per delivery attempt batch). */
  envelopeId: string;
  /** CII's finding id (`detail.id`). */
  findingId: string;
  checkId: string;
  title: string;
  /** The rank used by subscription filters (an unknown severity ranks with `medium`). */
  severity: Severity;
  /** Severity as CII wrote it (e.g. `moderate`, or a value we do not know), stored and shown as sent. */
  severityLabel: string;
  description: string[];
  recommendedActions: string[];
  /** When CII published the finding (ISO 8601). */
  published: string;
  users: FailingUser[];
  /** Absent when the payload has none of the newer fields. */
  context?: FindingContext;
}
