import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from '../../logger.ts';
import type { AlertStore, ClaimedDelivery, Delivery, OutboxStore } from '../../store/types.ts';
import { backoffDelayMs } from '../../util/backoff.ts';
import { type CardRenderer, createComposer, type Enrichment } from './compose.ts';
import { createAccessPause, type DeliveryPause } from './access-pause.ts';
import { findEarlierPost } from './earlier-post.ts';
import { SlackPostError, type SlackPoster } from './poster.ts';

export interface DeliveryWorkerDeps {
  store: Omit<OutboxStore, 'postedCopiesOf'> & Pick<AlertStore, 'updateAlertEnrichment'>;
  poster: SlackPoster;
  render: CardRenderer;
  enrich?: (login: string) => Promise<Enrichment | undefined>;
  enrichTimeoutMs?: number;
  clock?: { now(): number };
  logger: Logger;
  /** Minimum time between two posts to one channel, across every worker on the database. */
  perChannelIntervalMs?: number;
  /** Posts in flight at once. */
  concurrency?: number;
  /** How long a claimed delivery stays ours; after a crash it is posted by another worker once this passes. */
  leaseMs?: number;
  /** How often to look for work nobody told us about (other replicas, retries). */
  pollIntervalMs?: number;
  backoff?: { baseMs: number; maxMs: number };
  /**
   * Claims of one delivery before a transient failure becomes final. The default outlasts a day-long Slack
   * outage at the backoff cap: an alert is given up only when Slack is gone for good.
   */
  maxAttempts?: number;
  /** Identifies this worker in leases. */
  owner?: string;
  random?: () => number;
  /** Waits between checks of the app's token while Slack refuses it (`invalid_auth`...); grows with each pause. */
  accessProbeBackoff?: { baseMs: number; maxMs: number };
  /**
   * How long a refused channel that no subscription names (the fallback channel) is left before one of its cards
   * is tried again: nothing else would tell the app it was fixed, and no card of it is given up.
   */
  refusedChannelRetryMs?: number;
  /** Runs once a card is posted and recorded (e.g. to catch up with a decision taken meanwhile). */
  afterPost?: (claimed: ClaimedDelivery) => Promise<void>;
}

export interface DeliveryWorker {
  start(): void;
  /** Stops claiming and waits for the posts in flight. */
  stop(): Promise<void>;
  /** New work arrived: look now instead of at the next poll. */
  kick(): void;
  /** Set while Slack refuses the app itself: nothing is claimed until `auth.test` succeeds again. */
  paused(): DeliveryPause | undefined;
}

/** Floor between two claims of one worker, so a burst of webhooks does not turn into a burst of claims. */
const MIN_CLAIM_SPACING_MS = 25;

export function createDeliveryWorker(deps: DeliveryWorkerDeps): DeliveryWorker {
  const { store, poster, logger } = deps;
  const clock = deps.clock ?? { now: () => Date.now() };
  const perChannelIntervalMs = deps.perChannelIntervalMs ?? 1_000;
  const concurrency = deps.concurrency ?? 4;
  const leaseMs = deps.leaseMs ?? 30_000;
  const pollIntervalMs = deps.pollIntervalMs ?? 500;
  const backoff = deps.backoff ?? { baseMs: 1_000, maxMs: 5 * 60_000 };
  const maxAttempts = deps.maxAttempts ?? 300;
  const refusedChannelRetryMs = deps.refusedChannelRetryMs ?? 5 * 60_000;
  const owner = deps.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const compose = createComposer({
    store,
    render: deps.render,
    enrich: deps.enrich,
    enrichTimeoutMs: deps.enrichTimeoutMs ?? 1_500,
    logger,
  });

  let running = false;
  let loopDone: Promise<void> | undefined;
  const inFlight = new Set<Promise<void>>();
  // Times at which something we know of becomes claimable (a channel's pacing gate, a retry).
  let wakeTimes: number[] = [];
  let pendingWake = false;
  let wake: (() => void) | undefined;
  let lastClaimAt = Number.NEGATIVE_INFINITY;
  let stopWait: (() => void) | undefined;
  const access = createAccessPause({
    poster,
    backoff: deps.accessProbeBackoff ?? { baseMs: 2_000, maxMs: 60_000 },
    random: deps.random,
    clock,
    logger,
    onResume: () => signal(),
  });

  function signal(): void {
    pendingWake = true;
    wake?.();
  }

  function sleep(): Promise<void> {
    const now = clock.now();
    // A kick, or a channel that reopened (a retry that fell due) while the last claim ran: due now.
    const due = pendingWake || wakeTimes.some((t) => t <= now);
    pendingWake = false;
    wakeTimes = wakeTimes.filter((t) => t > now);
    // Kicks arrive with every ingested webhook: claim at most once per MIN_CLAIM_SPACING_MS, not per kick.
    const spacing = Math.max(0, lastClaimAt + MIN_CLAIM_SPACING_MS - now);
    if (due && spacing === 0) return Promise.resolve();
    const ms = due ? spacing : Math.max(spacing, Math.min(pollIntervalMs, ...wakeTimes.map((t) => t - now)));
    return new Promise((resolve) => {
      let timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        stopWait = undefined;
        pendingWake = false;
        resolve();
      }
      // A kick ends the wait, but never sooner than the claim spacing; stop() ends it at once.
      wake = due
        ? undefined
        : () => {
            clearTimeout(timer);
            wake = undefined;
            timer = setTimeout(done, Math.max(0, lastClaimAt + MIN_CLAIM_SPACING_MS - clock.now()));
          };
      stopWait = done;
    });
  }

  async function loop(): Promise<void> {
    while (running) {
      const free = concurrency - inFlight.size;
      if (free > 0 && !access.current()) {
        const now = clock.now();
        lastClaimAt = now;
        let claimed: ClaimedDelivery[] = [];
        try {
          claimed = await store.claimDueDeliveries({
            now,
            limit: free,
            leaseMs,
            owner,
            channelIntervalMs: perChannelIntervalMs,
          });
        } catch (err) {
          logger.error('could not claim deliveries', err);
        }
        for (const c of claimed) {
          wakeTimes.push(now + perChannelIntervalMs);
          const task = deliver(c).finally(() => {
            inFlight.delete(task);
            signal();
          });
          inFlight.add(task);
        }
      }
      if (running) await sleep();
    }
  }

  async function deliver(claimed: ClaimedDelivery): Promise<void> {
    const { delivery } = claimed;
    // Whether Slack holds no earlier post of this card: then a refusal of this attempt means it is not in Slack.
    let settled = delivery.postingSince === undefined;
    let ts: string;
    try {
      if (!settled) {
        const earlier = await findEarlierPost(poster, claimed);
        if (earlier.kind === 'found') {
          logger.info('found in Slack a card whose post was never answered: recorded, not posted again', {
            deliveryId: delivery.id,
            channelId: delivery.channelId,
            ts: earlier.ts,
          });
          return await recordPosted(claimed, earlier.ts);
        }
        if (earlier.kind === 'ask_later') return await askLater(delivery, earlier.error);
        if (earlier.kind === 'unknowable') {
          logger.warn(
            'cannot tell whether an earlier post of this card reached Slack; posting it (it may show twice)',
            {
              deliveryId: delivery.id,
              channelId: delivery.channelId,
              reason: earlier.reason,
            },
          );
        }
        settled = earlier.kind === 'absent';
      }
      const message = await compose(claimed);
      // Stopping: leave the card to another replica (the app releases this worker's leases) rather than post late.
      if (!running) return;
      // Durably before the post: if its answer never comes, the next attempt looks for it in Slack first.
      await store.markPosting(delivery.id, clock.now());
      ({ ts } = await poster.post(message));
    } catch (err) {
      try {
        await recordFailure(claimed, err, settled);
      } catch (recordErr) {
        logger.error('could not record a failed delivery; it is retried when its lease expires', {
          deliveryId: delivery.id,
          err: recordErr,
        });
      }
      return;
    }
    await recordPosted(claimed, ts);
  }

  async function recordPosted(claimed: ClaimedDelivery, ts: string): Promise<void> {
    const { delivery } = claimed;
    const postedAt = clock.now();
    access.posted();
    try {
      await store.markDelivered(delivery.id, { ts });
      logger.debug('card posted', { deliveryId: delivery.id, channelId: delivery.channelId, ts });
    } catch (err) {
      logger.error('card posted but not recorded as sent: it is looked for in Slack before any new post', {
        deliveryId: delivery.id,
        err,
      });
      return;
    }
    await paceAfterPost(delivery.channelId, postedAt);
    await deps
      .afterPost?.(claimed)
      .catch((err: unknown) => logger.warn('after-post step failed', { deliveryId: delivery.id, err }));
  }

  /** Slack could not be asked whether an earlier post arrived: ask again later, never post blindly meanwhile. */
  async function askLater(delivery: Delivery, err: unknown): Promise<void> {
    const now = clock.now();
    const context = { deliveryId: delivery.id, channelId: delivery.channelId, lookupsFailed: delivery.lookupsFailed };
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof SlackPostError && err.kind === 'permanent') {
      await store.reschedule(delivery.id, { nextAttemptAt: now, error: err.code ?? message });
      access.pause(err.code ?? message, now);
      return;
    }
    const retryAfterMs = err instanceof SlackPostError ? (err.retryAfterMs ?? 0) : 0;
    const delay = Math.max(retryAfterMs, backoffDelayMs(delivery.lookupsFailed, { ...backoff, random: deps.random }));
    await store.reschedule(delivery.id, {
      nextAttemptAt: now + delay,
      error: `looking for an earlier post: ${message}`,
      lookupFailed: true,
    });
    wakeTimes.push(now + delay);
    logger.warn('could not look in Slack for an earlier post of a card; looking again later', { ...context, err });
  }

  /**
   * In place of a card Slack refused for its content (the card is already failed): a short notice where the card
   * would have been, so the finding is not missed. Best effort: a crash before it leaves only the failed card.
   */
  async function postNotice(claimed: ClaimedDelivery, reason: string): Promise<void> {
    const { delivery } = claimed;
    const about = claimed.kind === 'alert' ? claimed.alert : claimed.summary;
    const logins = claimed.kind === 'alert' ? [claimed.alert.login] : claimed.summary.users.map((u) => u.login);
    const threadTs = claimed.kind === 'alert' ? claimed.threadTs : undefined;
    const notice = deps.render.refused({
      severity: about.severity,
      severityLabel: about.severityLabel,
      title: about.title,
      checkId: about.checkId,
      logins,
      reason,
    });
    try {
      await poster.post({ channel: delivery.channelId, ...notice, ...(threadTs === undefined ? {} : { threadTs }) });
    } catch (err) {
      logger.error('could not post the notice of a refused card either', { deliveryId: delivery.id, err });
      return;
    }
    // The notice took the channel's slot, as the card would have.
    await paceAfterPost(delivery.channelId, clock.now());
  }

  /**
   * Paces the channel from when Slack took a post, not from the claim: preparing a card takes a varying time.
   * Best effort: the claim already closed the channel for one interval.
   */
  async function paceAfterPost(channelId: string, postedAt: number): Promise<void> {
    const until = postedAt + perChannelIntervalMs;
    wakeTimes.push(until);
    await store.holdChannel(channelId, until).catch((err: unknown) => {
      logger.warn('could not hold a channel after a post', { channelId, err });
    });
  }

  /** `settled`: no earlier post is in doubt, so an answer saying this one was refused means nothing is in Slack. */
  async function recordFailure(claimed: ClaimedDelivery, err: unknown, settled: boolean): Promise<void> {
    const { delivery } = claimed;
    const now = clock.now();
    const context = { deliveryId: delivery.id, channelId: delivery.channelId, attempts: delivery.attempts };
    if (err instanceof SlackPostError && err.kind === 'rate_limited') {
      const until = now + Math.max(err.retryAfterMs ?? 0, perChannelIntervalMs);
      await store.holdChannel(delivery.channelId, until);
      await store.reschedule(delivery.id, { nextAttemptAt: until, error: 'rate_limited', notPosted: settled });
      wakeTimes.push(until);
      logger.warn('Slack rate-limited a channel; holding it', { ...context, retryAfterMs: err.retryAfterMs });
      return;
    }
    if (err instanceof SlackPostError && err.kind === 'permanent') {
      const code = err.code ?? 'permanent_error';
      if (err.scope === 'app') {
        // The token (or the install) is refused: no channel is at fault and no card is given up.
        await store.reschedule(delivery.id, { nextAttemptAt: now, error: code, notPosted: settled });
        access.pause(code, now);
        return;
      }
      if (err.scope === 'channel') {
        const retryAt = now + refusedChannelRetryMs;
        const outcome = await store.waitForRepair(delivery.id, {
          channelId: delivery.channelId,
          reason: code,
          at: now,
          retryAt,
          notPosted: settled,
        });
        if (outcome === 'retrying') wakeTimes.push(retryAt);
        logger.error(
          outcome === 'waiting'
            ? 'Slack refused a channel: its subscriptions are broken and its cards wait until it is repaired (/cii subscribe in the channel)'
            : 'Slack refused a channel no subscription names (the fallback channel): its cards wait, and it is tried again later',
          { ...context, code, err, ...(outcome === 'retrying' ? { retryInMs: refusedChannelRetryMs } : {}) },
        );
        return;
      }
      await store.markFailed(delivery.id, code);
      logger.error('Slack refused a card for good; posting a short notice in its place', { ...context, code, err });
      await postNotice(claimed, code);
      return;
    }
    const message = err instanceof Error ? err.message : String(err);
    if (delivery.attempts >= maxAttempts) {
      await store.markFailed(delivery.id, `gave up after ${delivery.attempts} attempts: ${message}`);
      logger.error('giving up on a card', { ...context, err });
      return;
    }
    const nextAttemptAt = now + backoffDelayMs(delivery.attempts - 1, { ...backoff, random: deps.random });
    await store.reschedule(delivery.id, { nextAttemptAt, error: message });
    wakeTimes.push(nextAttemptAt);
    logger.warn('card not posted; retrying later', { ...context, retryInMs: nextAttemptAt - now, err });
  }

  return {
    start() {
      if (running) return;
      running = true;
      loopDone = loop();
    },
    async stop() {
      running = false;
      access.stop();
      signal();
      stopWait?.();
      await loopDone;
      await Promise.all(inFlight);
    },
    kick: signal,
    paused: () => access.current(),
  };
}
