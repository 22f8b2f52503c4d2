import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/logger.ts';
import { createAlertIngest, type AlertIngest } from '../../../src/services/alerts/ingest.ts';
import { createSubscriptionService, type SubscriptionService } from '../../../src/services/subscriptions.ts';
import type { InspectableStore } from '../../../src/store/types.ts';
import { finding, tempDatabase, userLogins } from './fixtures.ts';

describe('alert ingest', () => {
  let db: Awaited<ReturnType<typeof tempDatabase>>;
  let store: InspectableStore;
  let subscriptions: SubscriptionService;
  let ingest: AlertIngest;
  const now = Date.UTC(2026, 0, 2);

  beforeEach(async () => {
    db = await tempDatabase();
    store = await db.open();
    subscriptions = createSubscriptionService({ store });
    ingest = createAlertIngest({
      store,
      subscriptions,
      groupThreshold: 5,
      clock: { now: () => now },
      logger: silentLogger,
    });
  });
  afterEach(() => db.cleanup());

  const subscribe = (channelId: string, checkIds: string[], minSeverity: 'low' | 'medium' | 'high' | 'critical') =>
    subscriptions.subscribe({ channelId, checkIds, minSeverity, userId: 'U1' });
  const channelsOf = async (findingId: string) =>
    (await store.listDeliveries({ findingId })).map((d) => d.channelId).sort();

  it('routes a finding to the channels subscribed to its check at or below its severity', async () => {
    await subscribe('C-mfa-high', ['no-mfa'], 'high');
    await subscribe('C-all-low', [], 'low');
    await subscribe('C-travel', ['impossible-travel'], 'low');
    await subscribe('C-all-critical', [], 'critical');

    const high = finding({ checkId: 'no-mfa', severity: 'high' });
    expect(await ingest.ingest(high)).toEqual({ duplicate: false, alertsCreated: 1, deliveriesCreated: 2 });
    expect(await channelsOf(high.findingId)).toEqual(['C-all-low', 'C-mfa-high']);

    const moderate = finding({ checkId: 'no-mfa', severity: 'medium', severityLabel: 'moderate' });
    await ingest.ingest(moderate);
    expect(await channelsOf(moderate.findingId)).toEqual(['C-all-low']);

    const travel = finding({ checkId: 'impossible-travel', severity: 'critical' });
    await ingest.ingest(travel);
    expect(await channelsOf(travel.findingId)).toEqual(['C-all-critical', 'C-all-low', 'C-travel']);
  });

  const muteAnn = (createdAt: number) =>
    store.addMute({
      checkId: 'no-mfa',
      login: 'ann@example.com',
      title: 'No MFA Configured',
      createdBy: 'UOTHER',
      createdAt,
      expiresAt: createdAt + 3600_000,
    });

  it('stores the alerts of users the check is muted for as muted: no card, not asked, counted; the others and other checks as usual', async () => {
    await subscribe('C-all', [], 'low');
    const verifying = createAlertIngest({
      store,
      subscriptions,
      groupThreshold: 2,
      verifyChecks: ['no-mfa'],
      clock: { now: () => now },
      logger: silentLogger,
    });
    await muteAnn(now - 1_000);
    const one = finding({ logins: ['Ann@Example.com', 'bob@example.com'] });
    expect(await verifying.ingest(one)).toEqual({ duplicate: false, alertsCreated: 2, deliveriesCreated: 1 });
    const alerts = (await store.listFindingAlerts(one.findingId)).sort((a, b) => a.login.localeCompare(b.login));
    expect(alerts.map((a) => [a.login, a.routing, a.verification?.state])).toEqual([
      ['Ann@Example.com', 'muted', undefined],
      ['bob@example.com', 'routed', 'pending'],
    ]);
    const [delivery] = await store.listDeliveries({ findingId: one.findingId });
    expect(delivery?.alertId).toBe(alerts[1]!.id);
    const other = finding({ checkId: 'impossible-travel', logins: ['ann@example.com'] });
    expect((await verifying.ingest(other)).deliveriesCreated).toBe(1);
    expect((await store.countAlerts(0)).muted).toBe(1);
  });

  it("applies another replica's mute and unmute to the very next finding", async () => {
    await subscribe('C-all', [], 'low');
    const { mute } = await muteAnn(now - 1_000);
    const muted = finding({ logins: ['ann@example.com'] });
    expect(await ingest.ingest(muted)).toEqual({ duplicate: false, alertsCreated: 1, deliveriesCreated: 0 });

    expect(await store.liftMute(mute.id, { by: 'UOTHER', at: now })).toBeDefined();
    const after = finding({ logins: ['ann@example.com'] });
    expect(await ingest.ingest(after)).toEqual({ duplicate: false, alertsCreated: 1, deliveriesCreated: 1 });
    const routing = async (findingId: string) => (await store.listFindingAlerts(findingId)).map((a) => a.routing);
    expect([await routing(muted.findingId), await routing(after.findingId)]).toEqual([['muted'], ['routed']]);
  });

  it('keeps a finding no subscription matches, marked unrouted, and sends it to the fallback channel when set', async () => {
    await subscribe('C-travel', ['impossible-travel'], 'low');
    const routed = finding({ checkId: 'impossible-travel', severity: 'low' });
    await ingest.ingest(routed);
    const lost = finding({ checkId: 'no-mfa', severity: 'critical' });
    expect(await ingest.ingest(lost)).toEqual({ duplicate: false, alertsCreated: 1, deliveriesCreated: 0 });
    const withFallback = createAlertIngest({
      store,
      subscriptions,
      fallbackChannel: 'C-FALLBACK',
      clock: { now: () => now },
      logger: silentLogger,
    });
    const fallback = finding({ checkId: 'no-mfa', severity: 'low' });
    expect(await withFallback.ingest(fallback)).toEqual({ duplicate: false, alertsCreated: 1, deliveriesCreated: 1 });
    expect(await channelsOf(fallback.findingId)).toEqual(['C-FALLBACK']);
    const routing = Object.fromEntries(
      (await store.listRecentAlerts({ limit: 10 })).map((a) => [a.findingId, a.routing]),
    );
    expect(routing).toEqual({
      [routed.findingId]: 'routed',
      [lost.findingId]: 'unrouted',
      [fallback.findingId]: 'unrouted',
    });
  });

  it('stores one alert per user with the finding details', async () => {
    const f = finding({
      logins: ['ann@example.com', 'hrms.serviceuser', 'ann@example.com'],
      severityLabel: 'moderate',
      severity: 'medium',
    });
    expect(await ingest.ingest(f)).toEqual({ duplicate: false, alertsCreated: 2, deliveriesCreated: 0 });
    const [delivery] = await store.listDeliveries({ findingId: f.findingId });
    expect(delivery).toBeUndefined();
    await subscribe('C1', [], 'low');
    const g = finding({ logins: ['bob@example.com'] });
    await ingest.ingest(g);
    const [card] = await store.listDeliveries({ findingId: g.findingId });
    expect(await store.getAlert(card!.alertId!)).toMatchObject({
      findingId: g.findingId,
      envelopeId: g.envelopeId,
      checkId: 'no-mfa',
      title: 'No MFA Configured',
      login: 'bob@example.com',
      severity: 'high',
      description: g.description,
      recommendedActions: g.recommendedActions,
      published: g.published,
      createdAt: now,
      state: 'open',
    });
  });

  it('sends one card per channel even when several of its subscriptions match', async () => {
    await subscribe('C1', [], 'low');
    await subscribe('C1', ['no-mfa'], 'high');
    const f = finding();
    expect((await ingest.ingest(f)).deliveriesCreated).toBe(1);
  });

  it('records nothing new for an envelope it already processed', async () => {
    await subscribe('C1', [], 'low');
    const f = finding({ logins: ['a@example.com', 'b@example.com'] });
    await ingest.ingest(f);
    expect(await ingest.ingest(f)).toEqual({ duplicate: true, alertsCreated: 0, deliveriesCreated: 0 });
    expect(await store.listDeliveries()).toHaveLength(2);
  });

  it('records nothing new for the same finding and user arriving in another envelope', async () => {
    await subscribe('C1', [], 'low');
    const f = finding({ logins: ['a@example.com'] });
    await ingest.ingest(f);
    const resent = { ...f, envelopeId: 'another-envelope' };
    expect(await ingest.ingest(resent)).toEqual({ duplicate: false, alertsCreated: 0, deliveriesCreated: 0 });
    const grown = { ...f, envelopeId: 'third-envelope', users: [...f.users, { login: 'b@example.com', details: [] }] };
    expect(await ingest.ingest(grown)).toEqual({ duplicate: false, alertsCreated: 1, deliveriesCreated: 1 });
  });

  it('groups more than the threshold of users into one summary with the cards in its thread', async () => {
    await subscribe('C1', [], 'low');
    await subscribe('C2', [], 'low');
    const many = finding({ logins: userLogins(6) });
    expect(await ingest.ingest(many)).toEqual({ duplicate: false, alertsCreated: 6, deliveriesCreated: 14 });
    const c1 = await store.listDeliveries({ findingId: many.findingId, channelId: 'C1' });
    const summary = c1.find((d) => d.kind === 'summary');
    expect(summary).toBeDefined();
    expect(c1.filter((d) => d.kind === 'alert' && d.parentId === summary!.id)).toHaveLength(6);

    const few = finding({ logins: userLogins(5) });
    await ingest.ingest(few);
    const kinds = (await store.listDeliveries({ findingId: few.findingId, channelId: 'C1' })).map((d) => [
      d.kind,
      d.parentId,
    ]);
    expect(kinds).toEqual(Array.from({ length: 5 }, () => ['alert', undefined]));
  });

  it('remembers when the last webhook test arrived', async () => {
    expect(await ingest.lastWebhookTest()).toBeUndefined();
    await ingest.recordWebhookTest(new Date('2026-03-04T05:06:07.000Z'));
    expect(await ingest.lastWebhookTest()).toEqual(new Date('2026-03-04T05:06:07.000Z'));
  });
});
