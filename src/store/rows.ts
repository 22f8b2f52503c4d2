import type { FindingContext, Severity } from '../alerts/finding.ts';
import type {
  ActionStep,
  ActionStepState,
  AlertActionResult,
  AlertRouting,
  AlertVerification,
  QuestionState,
  VerificationState,
  VerifyQuestion,
  AlertState,
  AuditEntry,
  Delivery,
  DeliveryKind,
  DeliveryState,
  FindingSummary,
  PostedCopy,
  ResponseAction,
  StoredAlert,
  UserContextRecord,
  Subscription,
  WebhookRegistration,
} from './types.ts';

// Row shapes as both backends return them (snake_case; PostgreSQL returns BIGINT as a string).
type Row = Record<string, unknown>;

/** A text column's value (numbers, e.g. ids, as their digits); any other value is a schema bug, not a string. */
export function text(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  throw new TypeError(`expected a text column, got ${v === null ? 'null' : typeof v}`);
}

const num = (v: unknown): number => Number(v);
const optNum = (v: unknown): number | undefined => (v === null || v === undefined ? undefined : Number(v));
export const optStr = (v: unknown): string | undefined => (v === null || v === undefined ? undefined : text(v));

export function toAlert(row: Row): StoredAlert {
  return {
    id: text(row.id),
    findingId: text(row.finding_id),
    envelopeId: text(row.envelope_id),
    checkId: text(row.check_id),
    title: text(row.title),
    severity: row.severity as Severity,
    severityLabel: text(row.severity_label),
    login: text(row.login),
    displayName: optStr(row.display_name),
    referenceUrl: optStr(row.reference_url),
    description: JSON.parse(text(row.description)) as string[],
    recommendedActions: JSON.parse(text(row.recommended_actions)) as string[],
    published: text(row.published),
    routing: row.routing as AlertRouting,
    ...(row.trust_level == null ? {} : { trustLevel: text(row.trust_level) }),
    ...(row.context == null ? {} : { context: JSON.parse(text(row.context)) as FindingContext }),
    ...(row.details == null ? {} : { details: JSON.parse(text(row.details)) as Array<{ key: string; value: string }> }),
    createdAt: num(row.created_at),
    state: row.state as AlertState,
    decidedBy: optStr(row.decided_by),
    decidedAt: optNum(row.decided_at),
    decisionAction: optStr(row.decision_action) as ResponseAction | undefined,
    decisionError: optStr(row.decision_error),
    decisionReason: optStr(row.decision_reason),
    version: num(row.version),
    ...(row.verify_state === null || row.verify_state === undefined
      ? {}
      : {
          verification: {
            ...(JSON.parse(text(row.verify_detail ?? '{}')) as Omit<AlertVerification, 'state'>),
            state: row.verify_state as VerificationState,
          },
        }),
    ...userContextOf(row),
  };
}

export function toQuestion(row: Row): VerifyQuestion {
  const answer = optStr(row.answer);
  return {
    id: num(row.id),
    login: text(row.login),
    slackUserId: text(row.slack_user_id),
    name: text(row.name),
    state: row.state as QuestionState,
    ...(answer === 'yes' || answer === 'no' ? { answer } : {}),
    createdAt: num(row.created_at),
    sendAfter: num(row.send_after),
    attempts: num(row.attempts),
    ...optional('channelId', optStr(row.channel_id)),
    ...optional('ts', optStr(row.ts)),
    ...optional('sentAt', optNum(row.sent_at)),
    ...optional('answeredAt', optNum(row.answered_at)),
    ...optional('error', optStr(row.error)),
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

function userContextOf(row: Row): { userContext?: UserContextRecord } {
  if (row.user_context === null || row.user_context === undefined) return {};
  return { userContext: { value: JSON.parse(text(row.user_context)), fetchedAt: num(row.user_context_at) } };
}

export function toPostedCopy(row: Row): PostedCopy {
  const threadTs = optStr(row.thread_ts);
  return {
    deliveryId: num(row.id),
    channelId: text(row.channel_id),
    ts: text(row.posted_ts),
    ...(threadTs === undefined ? {} : { threadTs }),
  };
}

export function toDelivery(row: Row): Delivery {
  return {
    id: num(row.id),
    kind: row.kind as DeliveryKind,
    alertId: optStr(row.alert_id),
    findingId: text(row.finding_id),
    channelId: text(row.channel_id),
    subscriptionId: optNum(row.subscription_id),
    parentId: optNum(row.parent_id),
    state: row.state as DeliveryState,
    attempts: num(row.attempts),
    nextAttemptAt: num(row.next_attempt_at),
    leaseUntil: optNum(row.lease_until),
    leaseOwner: optStr(row.lease_owner),
    lastError: optStr(row.last_error),
    postedTs: optStr(row.posted_ts),
    postingSince: optNum(row.posting_since),
    lookupsFailed: num(row.lookups_failed ?? 0),
    createdAt: num(row.created_at),
    updatedAt: num(row.updated_at),
  };
}

/** Subscriptions keep their check filter as one normalized comma-joined column, so it can be UNIQUE. */
export const joinCheckIds = (checkIds: string[]): string => checkIds.join(',');
const splitCheckIds = (value: string): string[] => (value === '' ? [] : value.split(','));

export function toSubscription(row: Row): Subscription {
  return {
    id: num(row.id),
    channelId: text(row.channel_id),
    checkIds: splitCheckIds(text(row.check_ids)),
    minSeverity: row.min_severity as Severity,
    createdBy: text(row.created_by),
    createdAt: num(row.created_at),
    brokenReason: optStr(row.broken_reason),
    brokenAt: optNum(row.broken_at),
  };
}

export function toRegistration(row: Row): WebhookRegistration {
  return {
    id: text(row.id),
    name: text(row.name),
    endpoint: text(row.endpoint),
    checkIds: JSON.parse(text(row.check_ids)) as string[],
    createdAt: num(row.created_at),
  };
}

export function toAlertAction(row: Row): AlertActionResult {
  return {
    id: num(row.id),
    alertId: text(row.alert_id),
    action: row.action as ResponseAction,
    provider: text(row.provider),
    providerUserId: text(row.provider_user_id),
    ok: num(row.ok) === 1,
    steps: JSON.parse(text(row.steps)) as string[],
    error: optStr(row.error),
    actor: text(row.actor),
    at: num(row.at),
  };
}

export function toActionStep(row: Row): ActionStep {
  return {
    alertId: text(row.alert_id),
    attempt: num(row.attempt),
    operation: row.operation as ResponseAction,
    provider: text(row.provider),
    providerUserId: text(row.provider_user_id),
    state: row.state as ActionStepState,
    steps: row.steps == null ? [] : (JSON.parse(text(row.steps)) as string[]),
    ...optional('error', optStr(row.error)),
    actor: text(row.actor),
    startedAt: num(row.started_at),
    ...optional('finishedAt', optNum(row.finished_at)),
  };
}

export function toAuditEntry(row: Row): AuditEntry {
  return {
    id: num(row.id),
    at: num(row.at),
    userId: text(row.user_id),
    userName: optStr(row.user_name),
    teamId: optStr(row.team_id),
    channelId: optStr(row.channel_id),
    alertId: optStr(row.alert_id),
    login: optStr(row.login),
    action: text(row.action),
    outcome: text(row.outcome),
    detail: optStr(row.detail),
    reason: optStr(row.reason),
  };
}

/** What a summary card shows: the finding, from its first thread card, and the users threaded under it. */
export function toFindingSummary(summaryId: number, threadAlerts: StoredAlert[]): FindingSummary {
  const first = threadAlerts[0];
  if (!first) throw new Error(`summary delivery ${summaryId} has no thread cards`);
  return {
    findingId: first.findingId,
    checkId: first.checkId,
    title: first.title,
    severity: first.severity,
    severityLabel: first.severityLabel,
    published: first.published,
    description: first.description,
    recommendedActions: first.recommendedActions,
    users: threadAlerts.map((a) => ({
      login: a.login,
      displayName: a.displayName,
      referenceUrl: a.referenceUrl,
      state: a.state,
    })),
  };
}
