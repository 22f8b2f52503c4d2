import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EndUser } from '../../../src/cii/schemas.ts';
import { silentLogger } from '../../../src/logger.ts';
import type { AskResult, DuoPush, QuestionContent, VerifySlack } from '../../../src/services/verification/types.ts';
import { createVerificationService } from '../../../src/services/verification/verification-service.ts';
import { openSqliteStore } from '../../../src/store/sqlite/sqlite-store.ts';
import type { InspectableStore } from '../../../src/store/types.ts';
import { alertFor } from '../../store/records.ts';
import { duoAuthClient, ok, signedPost, signedPreauthWithPush, signedStatus } from '../../support/duo-auth-nock.ts';
import { useNock } from '../../support/nock.ts';

const LOGIN = 'mia@example.com';
const T0 = Date.UTC(2026, 0, 1);

function endUser(lastSignIn?: EndUser['endUserDetails']['lastSignIn']): EndUser {
  return {
    endUserDetails: {
      id: 'u1',
      displayName: 'Mia Johansson',
      login: LOGIN,
      status: 'ACTIVE',
      referenceUrl: 'https://cii/u1',
      ...(lastSignIn ? { lastSignIn } : {}),
    },
    providerEndUserDetails: [{ provider: 'DUO', userId: 'DU1', login: 'mia', status: 'ACTIVE' }],
  };
}

/** A Slack that answers `ask` from a script and records every DM it was asked to send. */
function fakeSlack() {
  const asked: QuestionContent[] = [];
  const posted = new Map<number, { channelId: string; ts: string }>();
  const script: AskResult[] = [];
  let crashAfterPost = false;
  const slack: VerifySlack = {
    findUser: (email) =>
      Promise.resolve(email === LOGIN ? { id: 'UMIA', realName: 'Mia J', deleted: false, isBot: false } : undefined),
    ask: (_userId, content) => {
      asked.push(content);
      const answer = script.shift() ?? { ok: true, channelId: 'DMIA', ts: `${asked.length}.0` };
      if (answer.ok) posted.set(content.questionId, answer);
      if (crashAfterPost) return Promise.reject(new Error('the process died right after Slack took the DM'));
      return Promise.resolve(answer);
    },
    findAsked: (_userId, questionId) => Promise.resolve(posted.get(questionId)),
    close: () => Promise.resolve(undefined),
  };
  return {
    slack,
    asked,
    script,
    crashAfterPost: (v: boolean) => {
      crashAfterPost = v;
    },
  };
}

describe('verification service', () => {
  useNock();
  let store: InspectableStore;
  let now = T0;
  let s: ReturnType<typeof fakeSlack>;

  beforeEach(() => {
    store = openSqliteStore(':memory:', { logger: silentLogger });
    now = T0;
    s = fakeSlack();
  });
  afterEach(() => store.close());

  const service = (duoPush?: DuoPush, user = endUser()) =>
    createVerificationService({
      ...(duoPush ? { duoPush } : {}),
      store,
      cii: { getEndUser: () => Promise.resolve(user) },
      slack: s.slack,
      cards: { refresh: () => Promise.resolve(), escalate: () => Promise.resolve() },
      settings: { groupWindowMs: 0, maxPerHour: 3, timeoutMinutes: 30 },
      clock: { now: () => now },
      leaseMs: 1_000,
      logger: silentLogger,
    });

  async function asking(overrides: Parameters<typeof alertFor>[2] = {}) {
    const alert = { ...alertFor('f1', LOGIN, overrides), verify: true };
    await store.recordFinding({
      envelopeId: 'e1',
      findingId: 'f1',
      receivedAt: T0,
      alerts: [alert],
      planDeliveries: () => [],
    });
    return alert.id;
  }

  it('a sender that dies after Slack took the DM: the next one finds the DM and does not ask again', async () => {
    const id = await asking();
    s.crashAfterPost(true);
    await service()
      .runOnce()
      .catch(() => undefined);
    expect(s.asked).toHaveLength(1);
    expect((await store.getAlert(id))?.verification?.state).toBe('queued');

    s.crashAfterPost(false);
    now += 1_001;
    await service().runOnce();
    expect(s.asked).toHaveLength(1);
    expect((await store.getAlert(id))?.verification).toMatchObject({ state: 'asked', name: 'Mia' });
  });

  it('a DM Slack could not take yet is sent when its lease runs out; one Slack refuses says why on the card', async () => {
    const id = await asking();
    s.script.push({ ok: false, permanent: false, reason: 'Slack could not be reached' });
    await service().runOnce();
    expect((await store.getAlert(id))?.verification?.state).toBe('queued');
    now += 1_001;
    await service().runOnce();
    expect(s.asked).toHaveLength(2);
    expect((await store.getAlert(id))?.verification?.state).toBe('asked');

    const other = { ...alertFor('f2', LOGIN), verify: true };
    await store.recordFinding({
      envelopeId: 'e2',
      findingId: 'f2',
      receivedAt: now,
      alerts: [other],
      planDeliveries: () => [],
    });
    s.script.push({ ok: false, permanent: true, reason: 'messages_tab_disabled' });
    await service().runOnce();
    expect((await store.getAlert(other.id))?.verification).toMatchObject({
      state: 'not_asked',
      reason: 'Slack refused the DM (messages_tab_disabled)',
    });
  });

  it('does not ask about an alert already decided', async () => {
    const id = await asking();
    await store.transitionAlert(id, { from: ['open'], to: 'approved', actor: 'UANALYST', at: T0 });
    await service().runOnce();
    expect(s.asked).toHaveLength(0);
    expect((await store.getAlert(id))?.verification).toMatchObject({
      state: 'not_asked',
      reason: 'the alert was already decided',
    });
  });

  it('a Yes counts only once the Duo Push to the user is approved; a denied push leaves it unproven, said plainly', async () => {
    const pushed: string[] = [];
    for (const [result, expected] of [
      [{ kind: 'approved' }, { state: 'confirmed', proof: 'Duo Push approved' }],
      [
        { kind: 'denied', message: 'the Duo Push was denied' },
        { state: 'unproven', reason: 'the Duo Push was denied' },
      ],
    ] as const) {
      const alert = { ...alertFor(`f-${result.kind}`, LOGIN), verify: true };
      await store.recordFinding({
        envelopeId: `e-${result.kind}`,
        findingId: `f-${result.kind}`,
        receivedAt: now,
        alerts: [alert],
        planDeliveries: () => [],
      });
      const verify = service(async (username) => {
        pushed.push(username);
        expect((await store.getAlert(alert.id))?.verification?.state).toBe('confirming');
        return result;
      });
      await verify.runOnce();
      const question = (await store.getAlert(alert.id))!;
      expect(question.verification?.state).toBe('asked');
      const questionId = Number(s.asked.at(-1)!.questionId);
      await expect(verify.answer(questionId, 'UMIA', 'yes')).resolves.toEqual({ kind: 'answered', answer: 'yes' });
      expect((await store.getAlert(alert.id))?.verification).toMatchObject({ ...expected, name: 'Mia' });
      now += 3_600_000;
    }
    expect(pushed).toEqual(['mia', 'mia']);
  });

  it('the Duo Push says on the phone what the user confirms, in plain words and URL-encoded as Duo documents, signed', async () => {
    const id = await asking({ title: 'Impossible Travel', published: '2026-01-01T00:00:00.000Z' });
    const verify = service(
      duoAuthClient().push,
      endUser({
        timestamp: '2026-01-01T03:14:00Z',
        ipAddress: '203.0.113.7',
        location: { city: 'Lisbon', state: null, country: 'Portugal' },
      }),
    );
    await verify.runOnce();
    signedPreauthWithPush('mia');
    const pushinfo =
      'action=Confirm%20it%20was%20you&seen=Impossible%20Travel&reported=2026-01-01%2000%3A00%20UTC' +
      '&last%20sign-in=2026-01-01%2003%3A14%20UTC&from=Lisbon%2C%20Portugal&IP=203.0.113.7';
    signedPost(
      '/auth/v2/auth',
      JSON.stringify({ async: '1', device: 'auto', factor: 'push', pushinfo, username: 'mia' }),
    ).reply(200, ok({ txid: 'tx-1' }));
    signedStatus('tx-1').reply(200, ok({ result: 'allow', status: 'allow' }));
    await verify.answer(Number(s.asked.at(-1)!.questionId), 'UMIA', 'yes');
    expect((await store.getAlert(id))?.verification).toMatchObject({ state: 'confirmed' });
    // No internal id (alert, finding, CII user) is on the phone.
    for (const internal of [id, 'f1', 'u1']) expect(pushinfo).not.toContain(internal);
  });
});
