import { describe, expect, it } from 'vitest';
import { EnvelopeValidationError, parseEnvelope, type ParsedEnvelope } from '../../src/webhook/envelope.ts';
import type { Finding } from '../../src/alerts/finding.ts';
import {
  batchedFailedCheck,
  envelope,
  noMfaDetail,
  singleUserFailedCheck,
  webhookTest,
  type Json,
} from '../fixtures/cii-envelopes.ts';

function findingOf(parsed: ParsedEnvelope): Finding {
  if (parsed.kind !== 'failed_check') throw new Error(`expected a failed_check, got ${parsed.kind}`);
  expect(parsed.findings).toHaveLength(1);
  return parsed.findings[0]!;
}

function reasonFor(json: unknown): string {
  try {
    parseEnvelope(json);
  } catch (err) {
    expect(err).toBeInstanceOf(EnvelopeValidationError);
    return (err as Error).message;
  }
  throw new Error('expected a validation error');
}

function without(obj: Json, key: string): Json {
  const copy = { ...obj };
  delete copy[key];
  return copy;
}

describe('parseEnvelope', () => {
  it('turns a batched FAILED_CHECK into one Finding with every user and their login details', () => {
    const body = batchedFailedCheck();
    const detail = body.detail as Json;
    const finding = findingOf(parseEnvelope(body));
    expect(finding).toEqual({
      envelopeId: body.id,
      findingId: detail.id,
      checkId: 'no-mfa',
      title: 'No MFA Configured',
      severity: 'high',
      severityLabel: 'high',
      description: detail.description,
      recommendedActions: detail.recommendedActions,
      published: '2026-07-14T05:58:41.512Z',
      users: [
        { login: 'ana.lima@example.com', details: [{ key: 'providersFailingChecks', value: '["Okta","Duo"]' }] },
        { login: 'hrms.serviceuser', details: [{ key: 'providersFailingChecks', value: '["Okta","Duo"]' }] },
      ],
    });
  });

  it('turns a single-user FAILED_CHECK into a Finding, normalizing moderate and single strings', () => {
    const finding = findingOf(parseEnvelope(singleUserFailedCheck({ login: 'ben.okafor@example.com' })));
    expect(finding.users).toEqual([{ login: 'ben.okafor@example.com', details: [] }]);
    expect(finding.severity).toBe('medium');
    expect(finding.severityLabel).toBe('moderate');
    expect(finding.description).toEqual(['Sign-ins from two places too far apart for the time between them.']);
    expect(finding.recommendedActions).toEqual(['Confirm with the user and reset their sessions.']);
    expect(finding.checkId).toBe('impossible-travel');
  });

  it('trims logins and deduplicates them case-insensitively, keeping the first spelling and merging details', () => {
    const body = envelope(
      'FAILED_CHECK',
      noMfaDetail({
        usersFailing: ['  Ana.Lima@Example.com ', 'ana.lima@example.com', 'hrms.serviceuser', '   '],
        login: 'HRMS.ServiceUser',
        loginDetails: [
          { login: 'ANA.LIMA@example.com', details: [{ key: 'providersFailingChecks', value: '["Okta"]' }] },
        ],
      }),
    );
    expect(findingOf(parseEnvelope(body)).users).toEqual([
      { login: 'Ana.Lima@Example.com', details: [{ key: 'providersFailingChecks', value: '["Okta"]' }] },
      { login: 'hrms.serviceuser', details: [] },
    ]);
  });

  it('falls back to the check id for a missing title, the envelope time for a missing published, [] for no description', () => {
    const body = batchedFailedCheck();
    const detail = without(without(without(body.detail as Json, 'title'), 'published'), 'description');
    const finding = findingOf(parseEnvelope({ ...body, detail }));
    expect(finding.title).toBe('no-mfa');
    expect(finding.published).toBe('2026-07-14T06:00:12Z');
    expect(finding.description).toEqual([]);
  });

  it('uses the time of receipt when the envelope has no time and the detail no published', () => {
    const body = batchedFailedCheck();
    const detail = without(body.detail as Json, 'published');
    const receivedAt = new Date('2026-07-15T10:00:00.000Z');
    expect(findingOf(parseEnvelope({ ...without(body, 'time'), detail }, receivedAt)).published).toBe(
      '2026-07-15T10:00:00.000Z',
    );
  });

  it('tolerates unknown fields at every level', () => {
    const body = batchedFailedCheck({
      logins: ['ana.lima@example.com'],
      detail: {
        frameworks: ['NIST 800-63B'],
        explainabilityDetails: [{ key: 'lastEnrollment', value: 'never' }],
        loginDetails: [{ login: 'ana.lima@example.com', riskScore: 87, details: [{ key: 'n', value: 3, unit: 'x' }] }],
      },
      envelope: { 'replay-name': 'r1', traceHeader: 'Root=1-abc' },
    });
    expect(findingOf(parseEnvelope(body)).users).toEqual([
      { login: 'ana.lima@example.com', details: [{ key: 'n', value: '3' }] },
    ]);
  });

  it('keeps unrendered {{placeholders}} in the description verbatim', () => {
    const finding = findingOf(parseEnvelope(batchedFailedCheck()));
    expect(finding.description[0]).toContain('{{numberOfDays}}');
  });

  it('recognizes the console connectivity test', () => {
    const body = webhookTest();
    expect(parseEnvelope(body)).toEqual({ kind: 'test', envelopeId: body.id, at: new Date('2026-07-14T06:00:12Z') });
  });

  it('ignores other detail types without validating their detail', () => {
    expect(parseEnvelope(envelope('CHECK_RESOLVED', { anything: true }))).toEqual({
      kind: 'ignored',
      detailType: 'CHECK_RESOLVED',
    });
  });

  it.each(['id', 'detail-type'])('names the missing envelope field %s', (field) => {
    expect(reasonFor(without(batchedFailedCheck(), field))).toBe(`${field}: required`);
  });

  it.each(['id', 'checkId', 'severity'])('names the missing detail field detail.%s', (field) => {
    const body = batchedFailedCheck();
    expect(reasonFor({ ...body, detail: without(body.detail as Json, field) })).toBe(`detail.${field}: required`);
  });

  it('names a missing detail', () => {
    expect(reasonFor(without(batchedFailedCheck(), 'detail'))).toBe('detail: required');
  });

  it('refuses a FAILED_CHECK without any user', () => {
    const body = batchedFailedCheck({ detail: { usersFailing: [], loginDetails: [] } });
    expect(reasonFor(body)).toMatch(/^detail\.usersFailing: at least one user/);
    expect(reasonFor(batchedFailedCheck({ detail: { usersFailing: ['  '], loginDetails: [] } }))).toMatch(
      /^detail\.usersFailing: /,
    );
  });

  it('accepts a severity it does not know, keeping it as sent and ranking it with medium', () => {
    const finding = findingOf(parseEnvelope(batchedFailedCheck({ detail: { severity: ' Urgent ' } })));
    expect(finding.severity).toBe('medium');
    expect(finding.severityLabel).toBe('Urgent');
  });

  it('reads the newer fields: the trust level of the event’s login, and the check’s context', () => {
    const finding = findingOf(
      parseEnvelope(
        singleUserFailedCheck({
          login: 'ben.okafor@example.com',
          detail: {
            usersFailing: ['ana.lima@example.com'],
            userTrustLevel: 'QUESTIONABLE',
            checkTopics: 'Travel',
            checkScope: ['USER', 'SESSION'],
            frameworks: [{ name: 'MITRE ATT&CK', id: 'T1078' }, 'NIST 800-53 AC-7', 42],
            explainabilityEventIds: ['evt-1', 'evt-2'],
            explainabilityDetails: [
              { key: 'distanceKm', value: 9120 },
              { nokey: true },
              { key: 'speed', value: '900' },
            ],
          },
        }),
      ),
    );
    expect(finding.users).toEqual([
      { login: 'ana.lima@example.com', details: [] },
      { login: 'ben.okafor@example.com', details: [], trustLevel: 'QUESTIONABLE' },
    ]);
    expect(finding.context).toEqual({
      checkTopics: ['Travel'],
      checkScope: 'USER, SESSION',
      frameworks: ['MITRE ATT&CK', 'NIST 800-53 AC-7', '42'],
      explainabilityEventIds: ['evt-1', 'evt-2'],
      explainabilityDetails: [
        { key: 'distanceKm', value: '9120' },
        { key: 'speed', value: '900' },
      ],
    });
  });

  it('drops newer fields of an unexpected shape instead of refusing the finding', () => {
    const finding = findingOf(
      parseEnvelope(
        singleUserFailedCheck({
          detail: {
            userTrustLevel: 7,
            checkTopics: null,
            checkScope: {},
            frameworks: [[], null],
            explainabilityEventIds: true,
            explainabilityDetails: 'numberOfDays=30',
          },
        }),
      ),
    );
    expect(finding.users[0]).not.toHaveProperty('trustLevel');
    expect(finding.context).toEqual({
      checkTopics: [],
      checkScope: '{}',
      frameworks: [],
      explainabilityEventIds: ['true'],
      explainabilityDetails: [],
    });
  });

  it('refuses empty or mistyped fields, naming them with their position', () => {
    expect(reasonFor(batchedFailedCheck({ detail: { checkId: '  ' } }))).toBe('detail.checkId: must not be empty');
    expect(reasonFor(batchedFailedCheck({ detail: { loginDetails: [{ details: [] }] } }))).toBe(
      'detail.loginDetails[0].login: required',
    );
    expect(reasonFor(batchedFailedCheck({ detail: { description: [1, 2] } }))).toBe(
      'detail.description: expected a string or an array of strings',
    );
    expect(reasonFor(batchedFailedCheck({ envelope: { time: 'yesterday' } }))).toBe(
      'time: expected an ISO 8601 date-time',
    );
    expect(reasonFor([batchedFailedCheck()])).toMatch(/^\(body\): /);
  });
});

describe('parseEnvelope and deep nesting', () => {
  const nested = (depth: number) => JSON.parse('['.repeat(depth) + '"x"' + ']'.repeat(depth)) as unknown;

  it('refuses a login detail nested 5,000 levels deep, naming the field, without overflowing the stack', () => {
    const body = batchedFailedCheck({
      detail: { loginDetails: [{ login: 'ana.lima@example.com', details: [{ key: 'k', value: nested(5_000) }] }] },
    });
    expect(reasonFor(body)).toBe('detail.loginDetails[0].details[0].value: nested deeper than 64 levels');
  });

  it('refuses deep nesting in a field it does not read', () => {
    expect(reasonFor({ ...webhookTest(), extra: nested(100) })).toBe('extra: nested deeper than 64 levels');
  });

  it('accepts a login detail value nested a few levels, kept as its JSON text', () => {
    const body = batchedFailedCheck({
      detail: { loginDetails: [{ login: 'ana.lima@example.com', details: [{ key: 'k', value: nested(20) }] }] },
    });
    const user = findingOf(parseEnvelope(body)).users.find((u) => u.login === 'ana.lima@example.com');
    expect(user?.details[0]?.value).toBe('['.repeat(20) + '"x"' + ']'.repeat(20));
  });
});
