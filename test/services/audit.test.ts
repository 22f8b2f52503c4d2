import { describe, expect, test } from 'vitest';
import { blockedAcross, createAuditService, type DecidedAlert } from '../../src/services/audit.ts';
import {
  parseSummarizedResults,
  RECOVERED_NOTE,
  summarizeResults,
} from '../../src/services/responses/provider-results.ts';
import type { AlertActionResult, AuditEntry, StoredAlert } from '../../src/store/types.ts';

let nextId = 1;
function result(
  alertId: string,
  action: 'block' | 'unblock',
  at: number,
  overrides: Partial<AlertActionResult> = {},
): AlertActionResult {
  return {
    id: nextId++,
    alertId,
    action,
    provider: 'DUO',
    providerUserId: 'DU1',
    ok: true,
    steps: [],
    actor: 'UBOB',
    at,
    ...overrides,
  };
}

const decided = (id: string, actions: AlertActionResult[]): DecidedAlert => ({
  alert: { id } as StoredAlert,
  actions,
  copies: [],
});

describe('the accounts the app holds blocked', () => {
  test('an account blocked for one alert and unblocked for a later one is not blocked', () => {
    expect(
      blockedAcross([decided('a1', [result('a1', 'block', 100)]), decided('a2', [result('a2', 'unblock', 200)])]),
    ).toEqual([]);
  });

  test('the latest successful block counts, with who did it and when; failures change nothing', () => {
    const blocked = blockedAcross([
      decided('a2', [result('a2', 'unblock', 200, { ok: false, error: 'down' })]),
      decided('a1', [
        result('a1', 'block', 100),
        result('a1', 'block', 150, { provider: 'OKTA', providerUserId: 'OK1', ok: false, error: 'refused' }),
        result('a1', 'block', 120, { provider: 'AZURE_AD', providerUserId: 'EN1', actor: 'UEVE' }),
      ]),
    ]);
    expect(blocked).toEqual([
      { provider: 'DUO', providerUserId: 'DU1', by: 'UBOB', at: 100, alertId: 'a1' },
      { provider: 'AZURE_AD', providerUserId: 'EN1', by: 'UEVE', at: 120, alertId: 'a1' },
    ]);
  });
});

describe('provider results in the audit detail', () => {
  test('read back what summarizeResults wrote, labels with spaces and errors with semicolons included', () => {
    const results = [
      { provider: 'DUO', label: 'Duo', providerUserId: 'DU1', ok: true, steps: [] },
      { provider: 'AZURE_AD', label: 'Entra ID', providerUserId: '5b2c-1d2e', ok: true, steps: [] },
      {
        provider: 'OKTA',
        label: 'Okta',
        providerUserId: '00u1',
        ok: false,
        steps: [],
        error: 'Okta refused the request; try later',
      },
    ];
    expect(parseSummarizedResults(summarizeResults(results, 'CII was slow')!)).toEqual({
      error: 'CII was slow',
      results: [
        { label: 'Duo', providerUserId: 'DU1', ok: true },
        { label: 'Entra ID', providerUserId: '5b2c-1d2e', ok: true },
        { label: 'Okta', providerUserId: '00u1', ok: false, error: 'Okta refused the request; try later' },
      ],
    });
  });
});

test('reads back the note of an action finished by a recovery, and the results after it', () => {
  expect(parseSummarizedResults(`${RECOVERED_NOTE}: Duo DU1: ok; Okta 00u1: ok`)).toEqual({
    recovered: true,
    results: [
      { label: 'Duo', providerUserId: 'DU1', ok: true },
      { label: 'Okta', providerUserId: '00u1', ok: true },
    ],
  });
  expect(parseSummarizedResults(RECOVERED_NOTE)).toEqual({ recovered: true, results: [] });
});

describe('the audit explained', () => {
  test('each entry carries its alert’s check, severity and user, and its posted cards; a pruned alert carries none', async () => {
    const entries: AuditEntry[] = [
      { id: 2, at: 2, userId: 'UBOB', alertId: 'a1', action: 'block', outcome: 'blocked', detail: 'Duo DU1: ok' },
      { id: 1, at: 1, userId: 'UEVE', alertId: 'gone', action: 'block', outcome: 'refused_not_responder' },
    ];
    const about = {
      checkId: 'impossible-travel',
      title: 'Impossible Travel',
      severity: 'high',
      severityLabel: 'high',
      login: 'mia@example.com',
      displayName: 'Mia',
    } as const;
    // The stored alert holds more than the entry carries.
    const alert = { ...about, id: 'a1', description: ['Moved fast'], state: 'blocked' } as unknown as StoredAlert;
    const copies = [{ deliveryId: 1, channelId: 'C0SOC', ts: '1.1' }];
    const audit = createAuditService({
      store: {
        listAudit: () => Promise.resolve(entries),
        getAlert: (id) => Promise.resolve(id === 'a1' ? alert : undefined),
        postedCopiesOf: (id) => Promise.resolve(id === 'a1' ? copies : []),
        listAlertsOfLogin: () => Promise.resolve([]),
        listAlertActions: () => Promise.resolve([]),
      },
    });
    expect(await audit.explained({ limit: 10 })).toEqual([
      {
        ...entries[0],
        alert: about,
        copies,
        results: { results: [{ label: 'Duo', providerUserId: 'DU1', ok: true }] },
      },
      { ...entries[1], copies: [] },
    ]);
  });
});
