// CII webhook ingest and Slack delivery, with the app in a child process against the CII simulator and the fake
// Slack. Ingest: distinct envelopes POSTed to /cii/webhook by 20 clients in a closed loop, single-user then 50-user
// events, with no subscribed channel (pure ingest) and with one (the outbox fills), on SQLite then PostgreSQL;
// every 202 is checked against the rows committed. On SQLite a bare node:http + node:sqlite sink writing the same
// rows (bench/baselines/ingest-sink.ts) runs the same phases, interleaved with the app's, and the ratio is reported.
// Delivery: cards queued for 1 channel, then 10, and the posting
// rate measured from the fake's arrival times against Slack's ceiling of 1 message per second per channel.
// Run by hand: `npm run bench:ingest [-- --seconds=8] [-- --no-postgres] [-- --only=ingest|delivery] [-- --cpu-prof]
// [-- --log-level=info] [-- --cii-latency-ms=50] [-- --rounds=2]`.
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { simulatorEnv } from '../sim/app-env.ts';
import { buildFailedCheckEnvelope, startCiiSimulator, type CiiSimulator } from '../sim/cii/server.ts';
import type { SimUser } from '../sim/cii/seed.ts';
import { startFakeSlack, type FakeChannel, type FakeSlack, type RecordedCall } from '../sim/slack/fake-slack.ts';
import { writeResults } from './support/results.ts';
import { guardRun } from './support/run-guard.ts';
import { launchApp, REPO_ROOT, type ChildApp } from './support/child-app.ts';
import { runClosedLoop } from './support/closed-loop.ts';
import { byArea, byFunction, selfTimes, type SelfTime } from './support/cpu-profile.ts';
import {
  countRows,
  dropDatabase,
  postgresDatabase,
  postgresReachable,
  sqliteDatabase,
  type BenchDatabase,
  type RowCounts,
} from './support/db-target.ts';
import { resetPeakRss } from './support/peak-rss.ts';
import { summarize, type Summary } from './support/percentiles.ts';
import { channelPacing, combinedRate, type ChannelPacing } from './support/post-pacing.ts';
import { readMachineCpu, type ProcMemory } from './support/proc-stats.ts';
import { ciiCommand } from './support/slash-command.ts';
import { defaultEntry, startEnv, startFlags } from './support/start-command.ts';
import { syntheticUsers } from './support/synthetic-users.ts';
import { formatTable, mb, ms } from './support/table.ts';
import { postEnvelope } from './support/webhook-client.ts';

const SIGNING_SECRET = 'bench-signing-secret-0123456789abcdef';
const WEBHOOK = { headerName: 'x-api-client-token', secret: 'bench-webhook-secret-0123456789abcdef' };
const POSTGRES_SERVER = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const CONCURRENCY = 20;
const MULTI_USERS = 50;
const GROUP_THRESHOLD = 5;
const CHECK_ID = 'no-mfa';
const ANALYST = 'UANALYST';
/** Slack's ceiling for chat.postMessage (and the worker's default pacing): one message per second per channel. */
const CHANNEL_INTERVAL_MS = 1_000;
const GOAL_EVENTS_PER_SECOND = 1_000;
const GOAL_RATE_SHARE = 0.95;
const ONE_CHANNEL_CARDS = 40;
const TEN_CHANNEL_CARDS = 15;
const USER_COUNT = 2_000;
/** New phases stop here (results are then partial) and the process exits HARD_STOP_MS later regardless. */
const DEADLINE_MS = 330_000;
const HARD_STOP_MS = 15_000;
const REQUEST_TIMEOUT_MS = 10_000;
const RESULTS_DIR = join(REPO_ROOT, 'bench/results');
const PROFILE_DIR = join(RESULTS_DIR, 'profiles');

function flag(name: string): string | undefined {
  const prefix = `--${name}=`;
  return process.argv.find((a) => a.startsWith(prefix))?.slice(prefix.length);
}
const PHASE_SECONDS = Number(flag('seconds') ?? 8);
/** Interleaved rounds of each measured phase, app and bare sink alternating (SQLite). */
const ROUNDS = Number(flag('rounds') ?? 2);
const GOAL_BARE_RATIO = 0.8;
const LOG_LEVEL = flag('log-level') ?? 'info';
/** Enrichment lookups during delivery answer after this (a fast real tenant). */
const CII_LATENCY_MS = Number(flag('cii-latency-ms') ?? 50);
const CPU_PROFILE = process.argv.includes('--cpu-prof');
const WITH_POSTGRES = !process.argv.includes('--no-postgres');
const ONLY = flag('only');
if (ONLY !== undefined && ONLY !== 'ingest' && ONLY !== 'delivery') throw new Error('--only= takes ingest or delivery');

/** Ten public channels with the bot in them: the fake's two usual ones and eight more. */
const CHANNELS: FakeChannel[] = [
  { id: 'C0SECALERT', name: 'sec-alerts' },
  { id: 'C0SOC', name: 'soc' },
  ...Array.from({ length: 8 }, (_, i) => ({ id: `C0BENCH${String(i + 3).padStart(2, '0')}`, name: `bench-${i + 3}` })),
];

interface IngestSpec {
  name: string;
  usersPerEvent: number;
  maxEvents: number;
  seconds: number;
  warmUp?: boolean;
}

interface Persistence {
  /** Users in events answered 202: each must be one alert row. */
  expectedAlerts: number;
  expectedDeliveries: number;
  /** Row-count increase over the phase. */
  stored: RowCounts;
  ok: boolean;
}

interface CpuShares {
  /** % of one core; the machine has `cpus` cores shared by the app, the simulators and the load generator. */
  appPercent: number;
  appMsPerEvent: number;
  benchPercent: number;
  othersPercent: number;
}

interface IngestResult {
  db: string;
  channels: number;
  name: string;
  usersPerEvent: number;
  concurrency: number;
  sent: number;
  accepted: number;
  errors: Record<string, number>;
  seconds: number;
  eventsPerSecond: number;
  usersPerSecond: number;
  latencyMs: Summary;
  persisted: Persistence;
  /** Cards the worker posted meanwhile, and how many came under 1 s after the channel's previous one. */
  posts: number;
  postsTooSoon: number;
  cpu: CpuShares;
  /** Peak over the phase only (VmHWM reset when it started), and RSS at its end. */
  memory: ProcMemory;
}

interface AppRun {
  /** The app, or the bare node:http + node:sqlite sink it is compared with. */
  target: 'app' | 'bare';
  db: string;
  channels: number;
  startupMemory: ProcMemory;
  phases: IngestResult[];
  warmUps: IngestResult[];
  profile?: { file: string; area: SelfTime[]; functions: SelfTime[] };
}

interface DeliveryResult {
  name: string;
  cardsPerChannel: number;
  channels: ChannelPacing[];
  combinedRatePerSecond: number;
  /** Posts answered other than ok (429s counted apart). */
  failedPosts: number;
  http429: number;
  /** From the first event sent to the first card in Slack. */
  firstPostAfterMs: number;
  allPostedOnce: boolean;
  memory: ProcMemory;
  startupMemory: ProcMemory;
  appCpuMs: number;
}

const simUsers = syntheticUsers(USER_COUNT);
let nextUser = 0;
function takeUsers(count: number): SimUser[] {
  return Array.from({ length: count }, () => simUsers[nextUser++ % simUsers.length]!);
}

/** A distinct high-severity no-mfa finding (new envelope and finding ids) for `count` users. */
function envelopeBody(count: number): string {
  const users = takeUsers(count);
  return JSON.stringify(
    buildFailedCheckEnvelope({ checkId: CHECK_ID, severity: 'high', logins: users.map((u) => u.login), users }),
  );
}

function countInto(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

function okPosts(calls: readonly RecordedCall[]): RecordedCall[] {
  return calls.filter(
    (c) => c.method === 'chat.postMessage' && c.status === 200 && (c.response as { ok?: boolean }).ok === true,
  );
}

function pacingOf(calls: readonly RecordedCall[]): ChannelPacing[] {
  return channelPacing(
    okPosts(calls).map((c) => ({ channel: String(c.args.channel), at: c.at })),
    CHANNEL_INTERVAL_MS,
  );
}

function deliveriesPerEvent(usersPerEvent: number, channels: number): number {
  return channels * (usersPerEvent > GROUP_THRESHOLD ? usersPerEvent + 1 : usersPerEvent);
}

interface Ctx {
  slack: FakeSlack;
  cii: CiiSimulator;
  stopping: () => boolean;
}

async function runIngestPhase(
  spec: IngestSpec,
  app: ChildApp,
  db: BenchDatabase,
  channels: number,
  ctx: Ctx,
): Promise<IngestResult> {
  const before = await countRows(db);
  const firstCall = ctx.slack.calls.length;
  const latencies: number[] = [];
  const errors: Record<string, number> = {};
  let sent = 0;
  resetPeakRss(app.pid);
  const appCpuBefore = app.cpuMs();
  const benchCpuBefore = process.cpuUsage();
  const machineBefore = readMachineCpu();
  const started = performance.now();
  const timeUp = () => ctx.stopping() || performance.now() - started >= spec.seconds * 1000;
  await runClosedLoop(
    spec.maxEvents,
    CONCURRENCY,
    async () => {
      sent += 1;
      const answer = await postEnvelope(
        `${app.url}/cii/webhook`,
        WEBHOOK,
        envelopeBody(spec.usersPerEvent),
        REQUEST_TIMEOUT_MS,
      );
      if (answer.status === 202) latencies.push(answer.ms);
      else countInto(errors, answer.error ?? `HTTP ${answer.status}`);
    },
    timeUp,
  );
  const elapsedMs = performance.now() - started;
  const appCpuMs = app.cpuMs() - appCpuBefore;
  const benchCpu = process.cpuUsage(benchCpuBefore);
  const benchCpuMs = (benchCpu.user + benchCpu.system) / 1000;
  const machineBusyMs = readMachineCpu().busyMs - machineBefore.busyMs;
  const memory = app.memory();
  const after = await countRows(db);

  const accepted = latencies.length;
  const stored = {
    seenEvents: after.seenEvents - before.seenEvents,
    alerts: after.alerts - before.alerts,
    deliveries: after.deliveries - before.deliveries,
  };
  const expectedAlerts = accepted * spec.usersPerEvent;
  const expectedDeliveries = accepted * deliveriesPerEvent(spec.usersPerEvent, channels);
  const posts = pacingOf(ctx.slack.calls.slice(firstCall));
  return {
    db: db.label,
    channels,
    name: spec.name,
    usersPerEvent: spec.usersPerEvent,
    concurrency: CONCURRENCY,
    sent,
    accepted,
    errors,
    seconds: elapsedMs / 1000,
    eventsPerSecond: (1000 * accepted) / elapsedMs,
    usersPerSecond: (1000 * expectedAlerts) / elapsedMs,
    latencyMs: summarize(latencies),
    persisted: {
      expectedAlerts,
      expectedDeliveries,
      stored,
      ok:
        stored.seenEvents === accepted && stored.alerts === expectedAlerts && stored.deliveries === expectedDeliveries,
    },
    posts: posts.reduce((n, p) => n + p.posts, 0),
    postsTooSoon: posts.reduce((n, p) => n + p.tooSoon, 0),
    cpu: {
      appPercent: (100 * appCpuMs) / elapsedMs,
      appMsPerEvent: appCpuMs / Math.max(sent, 1),
      benchPercent: (100 * benchCpuMs) / elapsedMs,
      othersPercent: Math.max(0, (100 * (machineBusyMs - appCpuMs - benchCpuMs)) / elapsedMs),
    },
    memory,
  };
}

function appEnv(cii: CiiSimulator, slack: FakeSlack, db: BenchDatabase): Record<string, string> {
  return {
    ...startEnv(REPO_ROOT),
    ...simulatorEnv({ slack, cii, signingSecret: SIGNING_SECRET, webhookSecret: WEBHOOK.secret }),
    CII_WEBHOOK_HEADER: WEBHOOK.headerName,
    CII_ALERT_GROUP_THRESHOLD: String(GROUP_THRESHOLD),
    DATABASE_URL: db.url,
    LOG_LEVEL,
  };
}

async function subscribe(app: ChildApp, slack: FakeSlack, channelId: string): Promise<void> {
  const ack = await ciiCommand({ url: app.url, signingSecret: SIGNING_SECRET }, slack, {
    text: 'subscribe',
    channelId,
    userId: ANALYST,
  });
  if (!ack.includes('now gets')) throw new Error(`could not subscribe ${channelId}: ${ack}`);
}

function profileOf(pid: number): AppRun['profile'] {
  if (!CPU_PROFILE) return undefined;
  const name = readdirSync(PROFILE_DIR).find((f) => f.endsWith('.cpuprofile') && f.includes(`.${pid}.`));
  if (name === undefined) return undefined;
  const file = join(PROFILE_DIR, name);
  return { file, area: selfTimes(file, REPO_ROOT, byArea, 12), functions: selfTimes(file, REPO_ROOT, byFunction, 15) };
}

/** The app as it runs in production: from dist/ once built, with the Node flags of `npm start`. */
const ENTRY = defaultEntry(REPO_ROOT);

function appArgs(): string[] {
  return [...startFlags(REPO_ROOT), ...(CPU_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [])];
}

interface Harness extends Ctx {
  launch(db: BenchDatabase, logName: string): Promise<ChildApp>;
  launchBare(db: BenchDatabase, channels: string[], logName: string): Promise<ChildApp>;
  retire(app: ChildApp): Promise<void>;
  database(kind: 'sqlite' | 'postgres'): BenchDatabase;
}

const INGEST_SPECS: IngestSpec[] = [
  { name: 'warm-up single-user', usersPerEvent: 1, maxEvents: 400, seconds: 30, warmUp: true },
  { name: 'single-user', usersPerEvent: 1, maxEvents: 1_000_000, seconds: PHASE_SECONDS },
  { name: `warm-up ${MULTI_USERS}-user`, usersPerEvent: MULTI_USERS, maxEvents: 40, seconds: 30, warmUp: true },
  { name: `${MULTI_USERS}-user`, usersPerEvent: MULTI_USERS, maxEvents: 100_000, seconds: PHASE_SECONDS },
];

interface Target {
  app: ChildApp;
  db: BenchDatabase;
  run: AppRun;
}

async function startTarget(
  kind: 'sqlite' | 'postgres',
  channels: 0 | 1,
  target: AppRun['target'],
  h: Harness,
): Promise<Target> {
  const db = h.database(kind);
  const app =
    target === 'app'
      ? await h.launch(db, `ingest-${kind}-${channels}ch`)
      : await h.launchBare(db, channels === 1 ? ['C0SECALERT'] : [], `ingest-bare-${channels}ch`);
  const run: AppRun = { target, db: db.label, channels, startupMemory: app.memory(), phases: [], warmUps: [] };
  if (channels === 1 && target === 'app') await subscribe(app, h.slack, 'C0SECALERT');
  return { app, db, run };
}

/** Each phase in turn: its warm-up once per target, then `rounds` measured rounds alternating between targets. */
async function ingestRuns(targets: Target[], channels: 0 | 1, rounds: number, h: Harness): Promise<AppRun[]> {
  for (const spec of INGEST_SPECS) {
    for (let round = 0; round < (spec.warmUp ? 1 : rounds); round++) {
      for (const t of targets) {
        if (h.stopping()) break;
        process.stderr.write(
          `${t.db.label} ${t.run.target}, ${channels} channel(s): ${spec.name} at concurrency ${CONCURRENCY}...\n`,
        );
        const result = await runIngestPhase(spec, t.app, t.db, channels, h);
        (spec.warmUp ? t.run.warmUps : t.run.phases).push(result);
      }
    }
  }
  const runs: AppRun[] = [];
  for (const t of targets) {
    await h.retire(t.app);
    const profile = profileOf(t.app.pid);
    runs.push(profile ? { ...t.run, profile } : t.run);
  }
  return runs;
}

async function until(check: () => boolean, timeoutMs: number, stopping: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline && !stopping()) await sleep(50);
}

async function deliveryRun(
  name: string,
  channelIds: string[],
  cardsPerChannel: number,
  h: Harness,
): Promise<DeliveryResult> {
  const db = h.database('sqlite');
  const app = await h.launch(db, `delivery-${channelIds.length}ch`);
  const startupMemory = app.memory();
  for (const channelId of channelIds) await subscribe(app, h.slack, channelId);
  h.slack.reset();
  resetPeakRss(app.pid);
  const cpuBefore = app.cpuMs();
  process.stderr.write(`delivery: ${cardsPerChannel} single-user findings into ${channelIds.length} channel(s)...\n`);
  const sentAt = Date.now();
  const refused: string[] = [];
  await runClosedLoop(cardsPerChannel, CONCURRENCY, async () => {
    const answer = await postEnvelope(`${app.url}/cii/webhook`, WEBHOOK, envelopeBody(1), REQUEST_TIMEOUT_MS);
    if (answer.status !== 202) refused.push(answer.error ?? `HTTP ${answer.status}`);
  });
  if (refused.length > 0)
    throw new Error(`${refused.length} finding(s) could not be queued: ${[...new Set(refused)].join(', ')}`);
  const expected = cardsPerChannel * channelIds.length;
  const posted = () => okPosts(h.slack.calls).length;
  await until(() => posted() >= expected, cardsPerChannel * CHANNEL_INTERVAL_MS + 20_000, h.stopping);
  // Long enough for a duplicate to show up: the worker paces 1 s per channel.
  await sleep(1_500);
  const memory = app.memory();
  const appCpuMs = app.cpuMs() - cpuBefore;
  await h.retire(app);

  const posts = h.slack.callsTo('chat.postMessage');
  const channels = pacingOf(posts);
  const firstAt = Math.min(...channels.map((c) => c.firstAt));
  return {
    name,
    cardsPerChannel,
    channels,
    combinedRatePerSecond: combinedRate(channels),
    failedPosts: posts.filter((c) => c.status !== 429).length - okPosts(posts).length,
    http429: posts.filter((c) => c.status === 429).length,
    firstPostAfterMs: firstAt - sentAt,
    allPostedOnce: channels.length === channelIds.length && channels.every((c) => c.posts === cardsPerChannel),
    memory,
    startupMemory,
    appCpuMs,
  };
}

function ingestGoal(runs: AppRun[]): { met: boolean; figures: string[] } {
  const single = runs
    .filter((r) => r.db === 'SQLite' && r.target === 'app')
    .flatMap((r) => r.phases.filter((p) => p.usersPerEvent === 1));
  // Both channel counts measured (in every round).
  const met =
    new Set(single.map((p) => p.channels)).size === 2 &&
    single.every((p) => p.eventsPerSecond >= GOAL_EVENTS_PER_SECOND && p.persisted.ok && p.sent === p.accepted);
  return { met, figures: single.map((p) => `${p.channels} channel(s): ${p.eventsPerSecond.toFixed(0)} events/s`) };
}

/** Rate: every channel sustains ≥ 95 % of the ceiling with every card posted once. No 429: none answered, none a strict limiter would answer. */
function deliveryGoals(results: DeliveryResult[]): { rate: boolean; no429: boolean; minGapMs: number } {
  const ran = results.length === 2;
  const channels = results.flatMap((r) => r.channels);
  return {
    rate:
      ran &&
      results.every((r) => r.allPostedOnce && r.failedPosts === 0) &&
      channels.every((c) => c.ratePerSecond >= GOAL_RATE_SHARE * (1000 / CHANNEL_INTERVAL_MS)),
    no429: ran && results.every((r) => r.http429 === 0) && channels.every((c) => c.tooSoon === 0),
    minGapMs: Math.min(...channels.map((c) => c.minGapMs)),
  };
}

interface BareRatio {
  channels: number;
  phase: string;
  /** Medians over the interleaved rounds. */
  appEventsPerSecond: number;
  bareEventsPerSecond: number;
  ratio: number;
  appCpuMsPerEvent: number;
  bareCpuMsPerEvent: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** App against bare sink, per channel count and phase, from the SQLite rounds. */
function bareRatios(runs: AppRun[]): BareRatio[] {
  const out: BareRatio[] = [];
  for (const bare of runs.filter((r) => r.target === 'bare')) {
    const app = runs.find((r) => r.target === 'app' && r.db === bare.db && r.channels === bare.channels);
    if (!app) continue;
    for (const phase of [...new Set(bare.phases.map((p) => p.name))]) {
      const of = (r: AppRun) => r.phases.filter((p) => p.name === phase);
      const appRate = median(of(app).map((p) => p.eventsPerSecond));
      const bareRate = median(of(bare).map((p) => p.eventsPerSecond));
      out.push({
        channels: bare.channels,
        phase,
        appEventsPerSecond: appRate,
        bareEventsPerSecond: bareRate,
        ratio: appRate / bareRate,
        appCpuMsPerEvent: median(of(app).map((p) => p.cpu.appMsPerEvent)),
        bareCpuMsPerEvent: median(of(bare).map((p) => p.cpu.appMsPerEvent)),
      });
    }
  }
  return out;
}

function printReport(runs: AppRun[], deliveries: DeliveryResult[]): void {
  const ingestRows = runs.flatMap((r) =>
    r.phases.map((p) => [
      `${p.db} ${r.target}`,
      String(p.channels),
      p.name,
      String(p.accepted),
      String(p.sent - p.accepted),
      p.eventsPerSecond.toFixed(0),
      p.usersPerSecond.toFixed(0),
      ms(p.latencyMs.p50),
      ms(p.latencyMs.p99),
      ms(p.latencyMs.max),
      p.persisted.ok ? 'yes' : `NO (${p.persisted.stored.alerts}/${p.persisted.expectedAlerts} alerts)`,
      String(p.posts),
      String(p.postsTooSoon),
      p.cpu.appPercent.toFixed(0),
      ms(p.cpu.appMsPerEvent),
      p.cpu.benchPercent.toFixed(0),
      p.cpu.othersPercent.toFixed(0),
      mb(p.memory.peakRssBytes),
    ]),
  );
  const ingestHeader = [
    'db, target',
    'ch',
    'events',
    'ok(202)',
    'err',
    'events/s',
    'alerts/s',
    'p50 ms',
    'p99 ms',
    'max ms',
    'rows match',
    'posts',
    '<1s apart',
    'app cpu %',
    'app cpu ms/ev',
    'bench cpu %',
    'others cpu %',
    'peak RSS MB',
  ];
  process.stdout.write(
    `\nIngest (concurrency ${CONCURRENCY}, ${PHASE_SECONDS} s per phase, LOG_LEVEL=${LOG_LEVEL}):\n${formatTable(ingestHeader, ingestRows)}\n`,
  );
  process.stdout.write(
    `(cpu % is of one core, the machine has ${cpus().length}; peak RSS is the app's VmHWM over the phase alone)\n`,
  );
  process.stdout.write(
    `RSS when first healthy: ${runs.map((r) => `${r.db} ${r.target} ${r.channels}ch ${mb(r.startupMemory.rssBytes)} MB`).join(', ')}\n`,
  );
  const ratios = bareRatios(runs);
  if (ratios.length > 0) {
    process.stdout.write(
      `\nApp against the bare node:http + node:sqlite sink (medians of ${ROUNDS} interleaved rounds; goal ≥ ${GOAL_BARE_RATIO}×):\n${formatTable(
        ['ch', 'phase', 'app events/s', 'bare events/s', 'ratio', 'app cpu ms/ev', 'bare cpu ms/ev', 'cpu ratio'],
        ratios.map((r) => [
          String(r.channels),
          r.phase,
          r.appEventsPerSecond.toFixed(0),
          r.bareEventsPerSecond.toFixed(0),
          `${r.ratio.toFixed(2)}×`,
          ms(r.appCpuMsPerEvent),
          ms(r.bareCpuMsPerEvent),
          `${(r.appCpuMsPerEvent / r.bareCpuMsPerEvent).toFixed(2)}×`,
        ]),
      )}\n`,
    );
  }

  const deliveryRows = deliveries.flatMap((d) => [
    ...d.channels.map((c) => [
      d.name,
      c.channel,
      String(c.posts),
      c.ratePerSecond.toFixed(3),
      ms(c.minGapMs),
      String(c.tooSoon),
      '',
      '',
      '',
    ]),
    [
      d.name,
      'all',
      String(d.channels.reduce((n, c) => n + c.posts, 0)),
      d.combinedRatePerSecond.toFixed(3),
      '',
      String(d.channels.reduce((n, c) => n + c.tooSoon, 0)),
      String(d.http429),
      ms(d.firstPostAfterMs),
      mb(d.memory.peakRssBytes),
    ],
  ]);
  const deliveryHeader = [
    'phase',
    'channel',
    'posts',
    'msg/s',
    'min gap ms',
    '<1s apart',
    '429s',
    'first post ms',
    'peak RSS MB',
  ];
  process.stdout.write(
    `\nDelivery (SQLite; ceiling 1 msg/s/channel; the fake never answers 429, so "<1s apart" counts posts a strict limiter would have refused):\n${formatTable(deliveryHeader, deliveryRows)}\n`,
  );

  const issues = [
    ...runs.flatMap((r) =>
      [...r.warmUps, ...r.phases].flatMap((p) => [
        ...Object.entries(p.errors).map(([why, n]) => `  ${p.db} ${p.channels}ch ${p.name}: ${n} × ${why}`),
        ...(p.persisted.ok
          ? []
          : [
              `  ${p.db} ${p.channels}ch ${p.name}: rows ${JSON.stringify(p.persisted.stored)}, expected ${p.accepted} events, ${p.persisted.expectedAlerts} alerts, ${p.persisted.expectedDeliveries} deliveries`,
            ]),
      ]),
    ),
    ...deliveries.flatMap((d) => [
      ...(d.allPostedOnce
        ? []
        : [
            `  ${d.name}: posted ${d.channels.map((c) => `${c.channel}=${c.posts}`).join(' ')}, expected ${d.cardsPerChannel} each`,
          ]),
      ...(d.failedPosts > 0 ? [`  ${d.name}: ${d.failedPosts} post(s) refused`] : []),
    ]),
  ];
  process.stdout.write(
    issues.length > 0
      ? `\nIssues:\n${issues.join('\n')}\n`
      : '\nEvery 202 matched the committed rows; every card was posted exactly once.\n',
  );

  for (const run of runs) {
    if (!run.profile) continue;
    process.stdout.write(
      `\nCPU profile of the ${run.db} ${run.channels}-channel ingest ${run.target === 'app' ? 'app' : 'bare sink'} (warm-ups included), self time by area:\n`,
    );
    process.stdout.write(
      `${formatTable(
        ['area', 'ms', '%'],
        run.profile.area.map((s) => [s.key, s.selfMs.toFixed(0), s.percent.toFixed(1)]),
      )}\n`,
    );
    process.stdout.write(
      `Hottest functions:\n${formatTable(
        ['function', 'ms', '%'],
        run.profile.functions.map((s) => [s.key, s.selfMs.toFixed(0), s.percent.toFixed(1)]),
      )}\n`,
    );
  }
}

async function main(): Promise<void> {
  mkdirSync(RESULTS_DIR, { recursive: true });
  if (CPU_PROFILE) mkdirSync(PROFILE_DIR, { recursive: true });
  const dataDir = mkdtempSync(join(tmpdir(), 'cii-slack-bench-ingest-'));
  const children = new Set<ChildApp>();
  const databases: BenchDatabase[] = [];
  let slack: FakeSlack | undefined;
  let cii: CiiSimulator | undefined;

  const guard = guardRun({
    deadlineMs: DEADLINE_MS,
    hardStopMs: HARD_STOP_MS,
    what: 'events',
    cleanup: async () => {
      await Promise.all([...children].map((c) => c.stop()));
      await Promise.all([slack?.close(), cii?.close()]);
      await Promise.all(
        databases.map((db) =>
          dropDatabase(db).catch((err: unknown) => {
            process.stderr.write(`could not drop ${db.url}: ${String(err)}\n`);
          }),
        ),
      );
      rmSync(dataDir, { recursive: true, force: true });
    },
  });

  try {
    slack = await startFakeSlack({ botToken: 'xoxb-bench-token', channels: CHANNELS });
    cii = await startCiiSimulator({ users: simUsers });
    cii.setLatency(CII_LATENCY_MS);
    let sqliteCount = 0;
    const h: Harness = {
      slack,
      cii,
      stopping: guard.stopping,
      database(kind) {
        const db =
          kind === 'sqlite' ? sqliteDatabase(dataDir, `run-${++sqliteCount}`) : postgresDatabase(POSTGRES_SERVER);
        databases.push(db);
        return db;
      },
      async launch(db, logName) {
        const app = await launchApp({
          env: appEnv(cii!, slack!, db),
          script: ENTRY,
          nodeArgs: appArgs(),
          logFile: join(RESULTS_DIR, `${logName}.log`),
        });
        children.add(app);
        return app;
      },
      async launchBare(db, channelIds, logName) {
        if (db.kind !== 'sqlite') throw new Error('the bare sink writes to SQLite');
        const app = await launchApp({
          script: 'bench/baselines/ingest-sink.ts',
          nodeArgs: CPU_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [],
          env: {
            SINK_DB_PATH: db.path,
            SINK_CHANNELS: channelIds.join(','),
            SINK_GROUP_THRESHOLD: String(GROUP_THRESHOLD),
            CII_WEBHOOK_HEADER: WEBHOOK.headerName,
            CII_WEBHOOK_SECRET: WEBHOOK.secret,
          },
          logFile: join(RESULTS_DIR, `${logName}.log`),
        });
        children.add(app);
        return app;
      },
      async retire(app) {
        await app.stop();
        children.delete(app);
      },
    };

    const runs: AppRun[] = [];
    const kinds: Array<'sqlite' | 'postgres'> = ONLY === 'delivery' ? [] : ['sqlite'];
    if (ONLY !== 'delivery' && WITH_POSTGRES) {
      if (await postgresReachable(POSTGRES_SERVER)) kinds.push('postgres');
      else process.stderr.write(`PostgreSQL at ${POSTGRES_SERVER} is not reachable: SQLite only\n`);
    }
    for (const kind of kinds) {
      for (const channels of [0, 1] as const) {
        if (guard.stopping()) continue;
        const targets = [await startTarget(kind, channels, 'app', h)];
        if (kind === 'sqlite') targets.push(await startTarget(kind, channels, 'bare', h));
        runs.push(...(await ingestRuns(targets, channels, kind === 'sqlite' ? ROUNDS : 1, h)));
      }
    }
    const deliveries: DeliveryResult[] = [];
    if (ONLY !== 'ingest') {
      if (!guard.stopping()) deliveries.push(await deliveryRun('1 channel', ['C0SECALERT'], ONE_CHANNEL_CARDS, h));
      if (!guard.stopping())
        deliveries.push(
          await deliveryRun(
            '10 channels',
            CHANNELS.map((c) => c.id),
            TEN_CHANNEL_CARDS,
            h,
          ),
        );
    }

    printReport(runs, deliveries);
    const ingest = ingestGoal(runs);
    const delivery = deliveryGoals(deliveries);
    const marks = `${CPU_PROFILE ? ' [profiled run: timings inflated by the profiler]' : ''}${guard.stopping() ? ' [PARTIAL: stopped early by the deadline or a signal]' : ''}`;
    const verdict = (ran: boolean, met: boolean) => (!ran ? 'NOT RUN' : met ? 'MET' : 'MISSED');
    process.stdout.write(
      `\nGoal: ≥ ${GOAL_EVENTS_PER_SECOND} single-user events/s persisted with SQLite: ${verdict(runs.length > 0, ingest.met)} (${ingest.figures.join(', ')})${marks}\n` +
        `Goal: delivery ≥ ${GOAL_RATE_SHARE * 100} % of 1 msg/s in every channel: ${verdict(deliveries.length > 0, delivery.rate)}${marks}\n` +
        `Goal: no 429 provoked (no post under ${CHANNEL_INTERVAL_MS} ms after the channel's previous one): ${verdict(deliveries.length > 0, delivery.no429)}` +
        ` (shortest gap ${ms(delivery.minGapMs)} ms)${marks}\n`,
    );
    writeResults(
      RESULTS_DIR,
      'ingest',
      { profiled: CPU_PROFILE, partial: guard.stopping() },
      {
        logLevel: LOG_LEVEL,
        phaseSeconds: PHASE_SECONDS,
        ciiLatencyMs: CII_LATENCY_MS,
        goals: {
          ingest: { eventsPerSecond: GOAL_EVENTS_PER_SECOND, db: 'SQLite', met: ingest.met },
          delivery: {
            ratePerChannel: GOAL_RATE_SHARE * (1000 / CHANNEL_INTERVAL_MS),
            rateMet: delivery.rate,
            no429Met: delivery.no429,
          },
        },
        ingest: runs,
        bareRatios: bareRatios(runs),
        delivery: deliveries,
      },
    );
    process.exitCode =
      (ONLY === 'delivery' || ingest.met) && (ONLY === 'ingest' || (delivery.rate && delivery.no429)) ? 0 : 1;
  } finally {
    await guard.cleanup();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench/ingest failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
