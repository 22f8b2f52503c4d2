import { z } from 'zod';
import { rankedSeverity, type FailingUser, type Finding } from '../alerts/finding.ts';
import { findingContextOf, trustLevelOf } from './finding-context.ts';
import { MAX_JSON_DEPTH, pathTooDeep } from './json-depth.ts';

const DETAIL_TYPE_FAILED_CHECK = 'FAILED_CHECK';
const DETAIL_TYPE_TEST = 'WebhookTest';

/** The envelope names a field that is missing or wrong; `message` is `<field>: <problem>`. */
export class EnvelopeValidationError extends Error {
  readonly field: string;
  readonly problem: string;
  constructor(field: string, problem: string) {
    super(`${field}: ${problem}`);
    this.name = 'EnvelopeValidationError';
    this.field = field;
    this.problem = problem;
  }
}

const nonEmpty = () => z.string().trim().min(1, { error: 'must not be empty' });
const isoDateTime = () => z.iso.datetime({ offset: true, error: 'expected an ISO 8601 date-time' });
const oneOrMany = () =>
  z
    .union([z.string(), z.array(z.string())], { error: 'expected a string or an array of strings' })
    .nullish()
    .transform((v) => (v == null ? [] : typeof v === 'string' ? [v] : v));

/** AWS EventBridge envelope around every CII delivery; unknown fields are dropped, not refused. */
const envelopeSchema = z.object({
  version: z.string().nullish(),
  id: nonEmpty(),
  'detail-type': nonEmpty(),
  source: z.string().nullish(),
  account: z.string().nullish(),
  time: isoDateTime().nullish(),
  region: z.string().nullish(),
  resources: z.array(z.unknown()).nullish(),
  detail: z.unknown(),
});

const detailEntrySchema = z.object({
  key: z.string(),
  // Values are documented as strings (often JSON-encoded); anything else is kept as its JSON text.
  value: z.unknown().transform((v) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? ''))),
});

/** `detail` of a FAILED_CHECK, batched (`usersFailing` + `loginDetails`) or single-user (`login`). */
export const failedCheckDetailSchema = z.object({
  id: nonEmpty(),
  checkId: nonEmpty(),
  title: z.string().nullish(),
  severity: nonEmpty(),
  description: oneOrMany(),
  recommendedActions: oneOrMany(),
  published: isoDateTime().nullish(),
  usersFailing: z.array(z.string()).nullish(),
  login: z.string().nullish(),
  loginDetails: z.array(z.object({ login: z.string(), details: z.array(detailEntrySchema).nullish() })).nullish(),
  // Newer payloads (one event per user): read leniently by finding-context.ts, never a reason to refuse.
  userTrustLevel: z.unknown().optional(),
  checkTopics: z.unknown().optional(),
  checkScope: z.unknown().optional(),
  frameworks: z.unknown().optional(),
  explainabilityEventIds: z.unknown().optional(),
  explainabilityDetails: z.unknown().optional(),
});
export type FailedCheckDetail = z.infer<typeof failedCheckDetailSchema>;

export type ParsedEnvelope =
  | { kind: 'test'; envelopeId: string; at: Date }
  | { kind: 'failed_check'; findings: Finding[] }
  | { kind: 'ignored'; detailType: string };

/**
 * Validates a decoded webhook body. Throws `EnvelopeValidationError` naming the first bad field.
 * `receivedAt` stands in for the envelope `time` when CII leaves it out.
 */
export function parseEnvelope(json: unknown, receivedAt: Date = new Date()): ParsedEnvelope {
  const deep = pathTooDeep(json);
  if (deep) throw new EnvelopeValidationError(formatPath(deep), `nested deeper than ${MAX_JSON_DEPTH} levels`);
  const envelope = validate(envelopeSchema, json, []);
  const detailType = envelope['detail-type'];
  const time = envelope.time ?? receivedAt.toISOString();

  if (detailType === DETAIL_TYPE_TEST) return { kind: 'test', envelopeId: envelope.id, at: new Date(time) };
  if (detailType !== DETAIL_TYPE_FAILED_CHECK) return { kind: 'ignored', detailType };

  const detail = validate(failedCheckDetailSchema, envelope.detail, ['detail']);
  return { kind: 'failed_check', findings: [toFinding(envelope.id, time, detail)] };
}

function toFinding(envelopeId: string, time: string, detail: FailedCheckDetail): Finding {
  const users = collectUsers(detail);
  if (users.length === 0) {
    throw new EnvelopeValidationError('detail.usersFailing', 'at least one user is required (usersFailing or login)');
  }
  const title = detail.title?.trim();
  const context = findingContextOf(detail);
  return {
    envelopeId,
    findingId: detail.id,
    checkId: detail.checkId,
    title: title ? title : detail.checkId,
    severity: rankedSeverity(detail.severity),
    severityLabel: detail.severity.trim(),
    description: detail.description,
    recommendedActions: detail.recommendedActions,
    published: detail.published ?? time,
    users,
    ...(context ? { context } : {}),
  };
}

/** All logins of either shape, trimmed, deduplicated case-insensitively (first spelling kept), with their details. */
function collectUsers(detail: FailedCheckDetail): FailingUser[] {
  const byKey = new Map<string, FailingUser>();
  const add = (raw: string): FailingUser | undefined => {
    const login = raw.trim();
    if (!login) return undefined;
    const key = login.toLowerCase();
    let user = byKey.get(key);
    if (!user) {
      user = { login, details: [] };
      byKey.set(key, user);
    }
    return user;
  };

  for (const login of detail.usersFailing ?? []) add(login);
  if (detail.login != null) {
    const user = add(detail.login);
    const trustLevel = trustLevelOf(detail.userTrustLevel);
    // The trust level belongs to the event's one `login`, not to a batch.
    if (user && trustLevel) user.trustLevel = trustLevel;
  }
  for (const entry of detail.loginDetails ?? []) add(entry.login)?.details.push(...(entry.details ?? []));
  return [...byKey.values()];
}

function validate<T extends z.ZodType>(schema: T, input: unknown, prefix: PropertyKey[]): z.output<T> {
  const result = schema.safeParse(input, {
    error: (issue) => (issue.code === 'invalid_type' && issue.input == null ? 'required' : undefined),
  });
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new EnvelopeValidationError(formatPath([...prefix, ...(issue?.path ?? [])]), issue?.message ?? 'invalid');
}

function formatPath(path: PropertyKey[]): string {
  if (path.length === 0) return '(body)';
  return path.reduce<string>((out, key) => {
    if (typeof key === 'number') return `${out}[${key}]`;
    return out ? `${out}.${String(key)}` : String(key);
  }, '');
}
