import { describe, expect, it } from 'vitest';
import type { FindingRecord, InspectableStore } from '../../src/store/types.ts';
import { alertFor } from './records.ts';

const T0 = Date.UTC(2026, 0, 1);
const LEASE = { leaseMs: 30_000, limit: 10 };
const WINDOW = { windowMs: 60_000, maxPerHour: 2 };

/** A finding whose alerts ask their users (no cards planned: verification does not depend on them). */
function asking(envelopeId: string, findingId: string, logins: string[], receivedAt = T0): FindingRecord {
  return {
    envelopeId,
    findingId,
    receivedAt,
    alerts: logins.map((login) => ({ ...alertFor(findingId, login, { envelopeId }), verify: true })),
    planDeliveries: () => [],
  };
}

/** The "was this you?" part of the store contract; `store()` is the suite's store of the current test. */
export function verificationContract(store: () => InspectableStore, open: () => Promise<InspectableStore>): void {
  describe('verifications', () => {
    async function resolving(login: string, findingId = `f-${login}`, at = T0) {
      const { alertsCreated } = await store().recordFinding(asking(`e-${findingId}`, findingId, [login], at));
      const [claimed] = await store().claimPendingVerifications({ now: at, ...LEASE });
      expect(claimed?.id).toBe(alertsCreated[0]!.id);
      return claimed!;
    }
    const queue = (alertId: string, now: number, slackUserId = 'UMIA') =>
      store().queueQuestion({ alertId, login: 'mia@x.com', slackUserId, name: 'Mia', now, ...WINDOW });

    it('starts an asking alert pending and leases it to one resolver at a time', async () => {
      const { alertsCreated } = await store().recordFinding(asking('e1', 'f1', ['mia@x.com']));
      const plain = await store().recordFinding({
        ...asking('e2', 'f2', ['bob@x.com']),
        alerts: [alertFor('f2', 'bob@x.com')],
      });
      expect((await store().getAlert(alertsCreated[0]!.id))?.verification).toEqual({ state: 'pending' });
      expect((await store().getAlert(plain.alertsCreated[0]!.id))?.verification).toBeUndefined();

      const other = await open();
      const [first, second] = await Promise.all([
        store().claimPendingVerifications({ now: T0, ...LEASE }),
        other.claimPendingVerifications({ now: T0, ...LEASE }),
      ]);
      expect([...first, ...second].map((a) => a.id)).toEqual([alertsCreated[0]!.id]);
      expect(await store().claimPendingVerifications({ now: T0 + 1_000, ...LEASE })).toEqual([]);
      // A resolver that died: the lease runs out and the alert is resolved again, never lost.
      const again = await store().claimPendingVerifications({ now: T0 + LEASE.leaseMs + 1, ...LEASE });
      expect(again.map((a) => a.verification?.state)).toEqual(['resolving']);
    });

    it('records why a user was not asked, once', async () => {
      const alert = await resolving('bot@x.com');
      const to = { state: 'not_asked' as const, reason: 'is a bot in Slack', at: T0 };
      expect((await store().setVerification(alert.id, { from: ['resolving'], to })).moved).toBe(true);
      const second = await store().setVerification(alert.id, { from: ['resolving'], to: { state: 'queued' } });
      expect(second.moved).toBe(false);
      expect(second.alert?.verification).toEqual(to);
    });

    it('puts alerts of one user arriving within the window in one DM, and limits DMs per hour', async () => {
      const a = await resolving('mia@x.com', 'fa');
      const b = await resolving('mia@x.com', 'fb', T0 + 10_000);
      const first = await queue(a.id, T0);
      const second = await queue(b.id, T0 + 10_000);
      expect(first.kind).toBe('queued');
      expect(second.kind === 'queued' && first.kind === 'queued' && second.question.id === first.question.id).toBe(
        true,
      );
      if (first.kind !== 'queued') return;
      expect(first.question).toMatchObject({ state: 'collecting', sendAfter: T0 + WINDOW.windowMs, name: 'Mia' });
      expect((await store().questionAlerts(first.question.id)).map((x) => x.id)).toEqual([a.id, b.id]);

      // Not due before the window closes; then claimed by exactly one sender.
      expect(await store().claimDueQuestions({ now: T0 + 1_000, ...LEASE })).toEqual([]);
      const other = await open();
      const claims = await Promise.all([
        store().claimDueQuestions({ now: T0 + WINDOW.windowMs, ...LEASE }),
        other.claimDueQuestions({ now: T0 + WINDOW.windowMs, ...LEASE }),
      ]);
      expect(claims.flat().map((q) => [q.id, q.state, q.attempts])).toEqual([[first.question.id, 'sending', 1]]);

      // Once the first DM is out, a later alert opens a second DM; a third in the same hour is refused.
      const sent = await store().moveQuestion(first.question.id, {
        from: ['sending'],
        to: 'sent',
        set: { channelId: 'DMIA', ts: '1.1', sentAt: T0 + WINDOW.windowMs },
        alertsFrom: ['queued'],
        alertsTo: { state: 'asked', name: 'Mia', at: T0 + WINDOW.windowMs },
      });
      expect(sent.alerts.map((x) => [x.id, x.verification?.state])).toEqual([
        [a.id, 'asked'],
        [b.id, 'asked'],
      ]);
      const c = await resolving('mia@x.com', 'fc', T0 + 120_000);
      const third = await queue(c.id, T0 + 120_000);
      expect(third.kind === 'queued' && third.question.id !== first.question.id).toBe(true);
      if (third.kind === 'queued') {
        await store().claimDueQuestions({ now: T0 + 200_000, ...LEASE });
        await store().moveQuestion(third.question.id, {
          from: ['sending'],
          to: 'sent',
          set: { sentAt: T0 + 200_000 },
          alertsFrom: ['queued'],
          alertsTo: { state: 'asked' },
        });
      }
      const d = await resolving('mia@x.com', 'fd', T0 + 300_000);
      expect(await queue(d.id, T0 + 300_000)).toEqual({ kind: 'limited', recent: 2 });
      // An hour after the first two, the user may be asked again.
      expect((await queue(d.id, T0 + 3_600_000 + 200_001)).kind).toBe('queued');
    });

    it('takes one answer per question and moves only its asked alerts', async () => {
      const a = await resolving('mia@x.com');
      const q = await queue(a.id, T0);
      if (q.kind !== 'queued') throw new Error('not queued');
      await store().claimDueQuestions({ now: T0 + WINDOW.windowMs, ...LEASE });
      await store().moveQuestion(q.question.id, {
        from: ['sending'],
        to: 'sent',
        set: { sentAt: T0 + 60_000, channelId: 'DMIA', ts: '1.1' },
        alertsFrom: ['queued'],
        alertsTo: { state: 'asked' },
      });
      expect((await store().listUnansweredQuestions(T0 + 60_001)).map((x) => x.id)).toEqual([q.question.id]);
      const answer = (n: number) =>
        store().moveQuestion(q.question.id, {
          from: ['sent'],
          to: 'answered',
          set: { answer: 'no', answeredAt: T0 + n },
          alertsFrom: ['asked'],
          alertsTo: { state: 'denied', name: 'Mia', at: T0 + n },
        });
      const [one, two] = await Promise.all([answer(70_000), answer(71_000)]);
      expect([one.moved, two.moved].sort()).toEqual([false, true]);
      const moved = one.moved ? one : two;
      expect(moved.question).toMatchObject({ state: 'answered', answer: 'no', channelId: 'DMIA', ts: '1.1' });
      expect(moved.alerts.map((x) => x.verification)).toEqual([
        { state: 'denied', name: 'Mia', at: moved.question!.answeredAt },
      ]);
      expect(await store().listUnansweredQuestions(T0 + 999_999)).toEqual([]);
      expect((await store().getQuestion(q.question.id))?.answer).toBe('no');
    });

    it('keeps questions and verification states across reopening', async () => {
      const a = await resolving('mia@x.com');
      const q = await queue(a.id, T0);
      await store().close();
      const reopened = await open();
      const [due] = await reopened.claimDueQuestions({ now: T0 + WINDOW.windowMs, ...LEASE });
      expect(due?.id).toBe(q.kind === 'queued' ? q.question.id : -1);
      expect((await reopened.getAlert(a.id))?.verification?.state).toBe('queued');
    });
  });
}
