import { randomUUID } from 'node:crypto';
import { findCheck } from './checks.ts';
import { explanationFor } from './explanations.ts';
import { seedUsers, type SimUser } from './seed.ts';

/** CII delivers findings as AWS EventBridge events (cii-api.md, section 3). */
export interface CiiEnvelope {
  version: '0';
  id: string;
  'detail-type': 'FAILED_CHECK' | 'WebhookTest';
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: FailedCheckDetail;
}

export interface FailedCheckDetail {
  id: string;
  checkId: string;
  title: string;
  description: string[];
  recommendedActions: string[];
  severity: string;
  published: string;
  /** Batched shape only. */
  usersFailing?: string[];
  /** Single shape only: one event per user, with the user's trust level (newer payloads). */
  login?: string;
  userTrustLevel?: string;
  /** Single shape only (newer payloads): the facts behind the finding, keys matching the description's placeholders. */
  explainabilityDetails?: { key: string; value: string }[];
  loginDetails: { login: string; details: { key: string; value: string }[] }[];
}

export interface FailedCheckEnvelopeInput {
  checkId: string;
  logins: string[];
  /** Defaults to the check's catalogue severity. */
  severity?: string;
  /** `batched` (default): usersFailing lists every login; `single`: exactly one login, in `detail.login`. */
  shape?: 'batched' | 'single';
  findingId?: string;
  envelopeId?: string;
  now?: Date;
  /** Where providersFailingChecks is looked up; defaults to the seed. */
  users?: readonly SimUser[];
}

const SIM_TENANT_ID = '5f0c2e9a-7d41-4b8e-9c3a-1e6f2b7d8a90';
export const SIM_EVENT_SOURCE = `${SIM_TENANT_ID}__8c1f4e2a9b7d6c3e`;
const SIM_AWS_ACCOUNT = '464622532012';
const SIM_REGION = 'us-east-2';

const isoSeconds = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

function providersFailing(checkId: string, login: string, users: readonly SimUser[]): string[] {
  const user = users.find((u) => u.login.toLowerCase() === login.toLowerCase());
  if (!user) return [];
  const accounts = checkId === 'no-mfa' ? user.accounts.filter((a) => !a.mfaEnabled) : user.accounts;
  return accounts.map((a) => a.provider);
}

function envelope(
  detailType: CiiEnvelope['detail-type'],
  id: string,
  now: Date,
  detail: FailedCheckDetail,
): CiiEnvelope {
  return {
    version: '0',
    id,
    'detail-type': detailType,
    source: SIM_EVENT_SOURCE,
    account: SIM_AWS_ACCOUNT,
    time: isoSeconds(now),
    region: SIM_REGION,
    resources: [],
    detail,
  };
}

const userOf = (login: string, users: readonly SimUser[]) =>
  users.find((u) => u.login.toLowerCase() === login.toLowerCase());

function singleUser(
  login: string,
  users: readonly SimUser[],
  explained: Array<{ key: string; value: string }>,
): Pick<FailedCheckDetail, 'login' | 'userTrustLevel' | 'explainabilityDetails'> {
  const user = userOf(login, users);
  if (!user) return { login };
  return {
    login,
    userTrustLevel: user.levelOfTrust,
    ...(explained.length > 0 ? { explainabilityDetails: explained } : {}),
  };
}

export function buildFailedCheckEnvelope(input: FailedCheckEnvelopeInput): CiiEnvelope {
  const check = findCheck(input.checkId);
  if (!check) throw new Error(`unknown check id ${input.checkId}`);
  const shape = input.shape ?? 'batched';
  if (shape === 'single' && input.logins.length !== 1) throw new Error('the single shape carries exactly one login');
  const users = input.users ?? seedUsers;
  const now = input.now ?? new Date();
  const explain = (login: string) => {
    const user = userOf(login, users);
    return user ? explanationFor(check.id, user, now) : [];
  };
  const loginDetails = input.logins.map((login) => ({
    login,
    details: [
      { key: 'providersFailingChecks', value: JSON.stringify(providersFailing(check.id, login, users)) },
      ...explain(login),
    ],
  }));
  const detail: FailedCheckDetail = {
    id: input.findingId ?? randomUUID(),
    checkId: check.id,
    title: check.title,
    description: [...check.description],
    recommendedActions: [...check.recommendedActions],
    severity: (input.severity ?? check.severity).toLowerCase(),
    published: now.toISOString(),
    ...(shape === 'single'
      ? singleUser(input.logins[0]!, users, explain(input.logins[0]!))
      : { usersFailing: [...input.logins] }),
    loginDetails,
  };
  return envelope('FAILED_CHECK', input.envelopeId ?? randomUUID(), now, detail);
}

/** What the console's "Test Connectivity" button sends. */
export function buildTestEnvelope(now: Date = new Date()): CiiEnvelope {
  return envelope('WebhookTest', randomUUID(), now, {
    id: randomUUID(),
    checkId: 'oort-test-check-id',
    title: 'OORT Failing Check Event Test',
    description: ['This is a test event sent to verify the webhook target.'],
    recommendedActions: [],
    severity: 'low',
    published: now.toISOString(),
    usersFailing: [],
    loginDetails: [],
  });
}
