// `/cii user` from a signed slash command to the card in the acknowledgement, against the CII simulator (in a
// process of its own) and the fake Slack, with the app in a child process. Reports total latency, the app's own
// overhead (total minus the simulator's time) and the child's memory, side by side with a bare Bolt 5 app
// (bench/baselines/bare-bolt.js) that makes the same two CII calls and answers a card of the same size: same load
// generator, rounds of the two interleaved in one run, and spawn → ready and RSS at ready of both over interleaved
// starts.
// Run by hand: `npm run bench:lookup [-- --cpu-prof] [-- --cii-latency-ms=50] [-- --rounds=3] [-- --starts=5]
// [-- --entry=src/main.ts|dist/main.cjs] [-- --app-flags=...] [-- --no-cached]`; the app runs with the Node flags and
// environment of `npm start` and from dist/ when built. `--cpu-prof` writes both targets' profiles (the bare app's under
// bench/results/profiles/bare/), to compare function by function.
// CII answers after a set latency (default 50 ms, a fast real tenant): with an instant simulator, 50 requests
// in flight only measure how fast two cores saturate, not the app's own overhead.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { simulatorEnv } from '../sim/app-env.ts';
import { GET_END_USER, GET_END_USER_STATE } from '../src/cii/queries.ts';
import type { SimRequest } from '../sim/cii/server.ts';
import { startFakeSlack, type FakeSlack } from '../sim/slack/fake-slack.ts';
import { FORM_CONTENT_TYPE, signSlackRequest, slashCommandBody } from '../sim/slack/signer.ts';
import { writeResults } from './support/results.ts';
import { guardRun } from './support/run-guard.ts';
import { launchApp, PROJECT_NODE, REPO_ROOT, type ChildApp } from './support/child-app.ts';
import { runClosedLoop } from './support/closed-loop.ts';
import { startRemoteCii, type RemoteCii } from './support/remote-cii.ts';
import { byArea, byFunction, selfTimes, type SelfTime } from './support/cpu-profile.ts';
import { summarize, type Summary } from './support/percentiles.ts';
import { readMachineCpu, type ProcMemory } from './support/proc-stats.ts';
import { defaultEntry, startEnv, startFlags } from './support/start-command.ts';
import { syntheticUsers } from './support/synthetic-users.ts';
import { formatTable, mb, ms } from './support/table.ts';

const SIGNING_SECRET = 'bench-signing-secret-0123456789abcdef';
/**
 * Lookups in one measured round at 50 concurrent: a round of 1,500 lasted two seconds, short enough for one
 * mark-compact more or less to move its CPU figure by a quarter.
 */
const ROUND_REQUESTS = 4_000;
/** Distinct users: each measured round takes 8,300 new ones, so up to six rounds (`--rounds=6`) fit. */
const USER_COUNT = 52_000;
const GOAL_OVERHEAD_P99_MS = 25;
function flag(name: string): string | undefined {
  const prefix = `--${name}=`;
  return process.argv.find((a) => a.startsWith(prefix))?.slice(prefix.length);
}
const CII_LATENCY_MS = Number(flag('cii-latency-ms') ?? 50);
/** Measured rounds of each phase, app and bare alternating. */
const ROUNDS = Number(flag('rounds') ?? 3);
/** Starts of each target, interleaved, for spawn → ready and RSS at ready. */
const STARTS = Number(flag('starts') ?? 5);
const ENTRY = flag('entry') ?? defaultEntry(REPO_ROOT);
/** The Node flags of `npm start`, or `--app-flags="--a --b"` to try others. */
const APP_FLAGS = flag('app-flags')?.split(/\s+/).filter(Boolean) ?? startFlags(REPO_ROOT);
/** The environment `npm start` sets (the bare app runs without it). */
const APP_ENV = startEnv(REPO_ROOT);
const APP_ENV_WORDS = Object.entries(APP_ENV)
  .map(([name, value]) => `${name}=${value} `)
  .join('');
const BARE_SCRIPT = 'bench/baselines/bare-bolt.js';
/** `--no-compile-cache`: start the built app without V8's compile cache (the image has one). */
const COMPILE_CACHE = !process.argv.includes('--no-compile-cache');
/** Issue 14's targets for the app against the bare Bolt app (ratios) and in absolute terms. */
const TARGETS = { cpuRatio: 1.4, overheadP99Ratio: 1.2, readyRssMb: 100, peakRssMb: 150, readyRatio: 1.3 };
/** The whole run stops by itself: new requests stop here, and the process exits HARD_STOP_MS later regardless. */
const DEADLINE_MS = 300_000;
const HARD_STOP_MS = 15_000;
const REQUEST_TIMEOUT_MS = 10_000;
const ANALYST = { userId: 'UANALYST', channelId: 'C0SOC' };
const RESULTS_DIR = join(REPO_ROOT, 'bench/results');
const PROFILE_DIR = join(RESULTS_DIR, 'profiles');

interface PhaseSpec {
  name: string;
  concurrency: number;
  requests: number;
  /** Distinct logins, looked up round-robin: fewer logins than requests means repeated (cached) lookups. */
  logins: string[];
  /** Whether each request should cost exactly one getEndUser and one getEndUserState call. */
  expectCii: boolean;
  warmUp?: boolean;
}

interface Sample {
  login: string;
  /** Length of the acknowledgement's body. */
  bytes: number;
  /** Epoch ms, to place token requests (which carry no login) on the request they delayed. */
  wallStart: number;
  wallEnd: number;
  /** Epoch ms to a fraction (`performance.timeOrigin` based), to place the CII calls within the request. */
  sentAt: number;
  totalMs: number;
  error?: string;
}

type TargetName = 'app' | 'bare';

interface PhaseResult {
  target: TargetName;
  name: string;
  concurrency: number;
  requests: number;
  ok: number;
  errors: Record<string, number>;
  /** Answers whose CII calls could not be paired exactly (retries, a missing or failed call): left out of overhead. */
  unmatched: Record<string, number>;
  /** CII calls made during the phase that belong to no answered request, or that a cached phase should not make. */
  strayCiiCalls: number;
  tokenRequests: number;
  throughputPerSecond: number;
  totalMs: Summary;
  ciiMs: Summary;
  overheadMs: Summary;
  /** Overhead before the first CII call and after the last CII answer (they add up to about `overheadMs`). */
  beforeCiiMs: Summary;
  afterCiiMs: Summary;
  childCpuMsPerRequest: number;
  /** Child CPU time over wall time: near 100% means the app's single JS thread is the bottleneck. */
  childCpuPercent: number;
  /**
   * CPU of this process (load generator, fake Slack) and of the CII simulator's, per request: both share the
   * machine's cores with the app.
   */
  benchCpuMsPerRequest: number;
  /** CPU used by other processes on the machine during the phase, in % of one core (the machine may be shared). */
  othersCpuPercent: number;
  childMemory: ProcMemory;
  benchLoopDelayP99Ms: number;
  /** Median length of the acknowledgements (the card's JSON). */
  cardBytes: number;
}

const simUsers = syntheticUsers(USER_COUNT);
const displayNames = new Map(simUsers.map((u) => [u.login, u.displayName]));
let nextUser = 0;
function takeLogins(count: number): string[] {
  if (nextUser + count > simUsers.length) throw new Error(`needs more than ${simUsers.length} synthetic users`);
  const logins = simUsers.slice(nextUser, nextUser + count).map((u) => u.login);
  nextUser += count;
  return logins;
}

/** Sends one signed `/cii user <login>` and checks that the acknowledgement is the user's card. */
async function lookUp(slack: FakeSlack, appUrl: string, login: string): Promise<Sample> {
  const body = slashCommandBody({
    command: '/cii',
    text: `user ${login}`,
    ...ANALYST,
    teamId: slack.teamId,
    apiAppId: slack.appId,
    responseUrl: slack.newResponseUrl({ channel: ANALYST.channelId }),
  });
  const headers = { 'content-type': FORM_CONTENT_TYPE, ...signSlackRequest(SIGNING_SECRET, body) };
  const wallStart = Date.now();
  const started = performance.now();
  const sentAt = performance.timeOrigin + started;
  let error: string | undefined;
  let bytes = 0;
  try {
    const res = await fetch(`${appUrl}/slack/events`, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await res.text();
    bytes = text.length;
    error = res.status === 200 ? notACard(text, login) : `HTTP ${res.status}`;
  } catch (err) {
    error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  }
  return {
    login,
    bytes,
    wallStart,
    wallEnd: Date.now(),
    sentAt,
    totalMs: performance.now() - started,
    ...(error ? { error } : {}),
  };
}

function notACard(text: string, login: string): string | undefined {
  if (text === '') return 'empty ack (answered later through response_url)';
  let message: { response_type?: unknown; text?: unknown; blocks?: unknown };
  try {
    message = JSON.parse(text) as typeof message;
  } catch {
    return 'ack is not JSON';
  }
  if (message.response_type !== 'ephemeral') return 'ack is not ephemeral';
  if (!Array.isArray(message.blocks) || message.blocks.length === 0) return 'ack has no blocks';
  const name = displayNames.get(login);
  if (typeof message.text !== 'string' || name === undefined || !message.text.includes(name))
    return 'ack is not the user card';
  return undefined;
}

function countInto(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

/** The simulator's share of one answered request, or why its CII calls do not pair up exactly. */
function ciiShare(
  sample: Sample,
  calls: SimRequest[] | undefined,
  tokens: SimRequest[],
): { ms: number; beforeMs: number; afterMs: number } | { unmatched: string } {
  const user = calls?.filter((c) => c.rootFields.length === 1 && c.rootFields[0] === 'getEndUser') ?? [];
  const state = calls?.filter((c) => c.rootFields.length === 1 && c.rootFields[0] === 'getEndUserState') ?? [];
  if (calls === undefined || calls.length !== 2 || user.length !== 1 || state.length !== 1) {
    return {
      unmatched: `CII calls were not one getEndUser + one getEndUserState (${calls?.map((c) => c.rootFields.join('+')).join(', ') || 'none'})`,
    };
  }
  if (calls.some((c) => c.status !== 200)) return { unmatched: 'a CII call failed' };
  // A token fetch runs before the two parallel calls, so it adds to them.
  const token = tokens
    .filter((t) => t.at >= sample.wallStart && t.at <= sample.wallEnd)
    .reduce((sum, t) => sum + t.durationMs, 0);
  // The app's own time before its first CII call (signature, replay guard, Bolt, the alerts read) and after its
  // last answer (checks of the answers, the card, the acknowledgement), each with the loopback hops on its side.
  const firstCall = Math.min(user[0]!.arrivedAt, state[0]!.arrivedAt);
  const lastAnswer = Math.max(user[0]!.arrivedAt + user[0]!.durationMs, state[0]!.arrivedAt + state[0]!.durationMs);
  return {
    ms: token + Math.max(user[0]!.durationMs, state[0]!.durationMs),
    beforeMs: firstCall - sample.sentAt - token,
    afterMs: sample.sentAt + sample.totalMs - lastAnswer,
  };
}

/** Each phase's overhead samples, for percentiles over all rounds pooled (kept out of the results file). */
const overheadSamples = new WeakMap<PhaseResult, number[]>();

async function runPhase(
  spec: PhaseSpec,
  ctx: { slack: FakeSlack; cii: RemoteCii; app: ChildApp; target: TargetName; stopping: () => boolean },
): Promise<PhaseResult> {
  const firstSimRequest = await ctx.cii.requestCount();
  const samples: Sample[] = [];
  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  loopDelay.enable();
  const cpuBefore = ctx.app.cpuMs();
  const benchCpuBefore = process.cpuUsage();
  const simCpuBefore = ctx.cii.cpuMs();
  const machineBefore = readMachineCpu();
  const started = performance.now();
  await runClosedLoop(
    spec.requests,
    spec.concurrency,
    async (i) => {
      samples.push(await lookUp(ctx.slack, ctx.app.url, spec.logins[i % spec.logins.length]!));
    },
    ctx.stopping,
  );
  const elapsedMs = performance.now() - started;
  const cpuMs = ctx.app.cpuMs() - cpuBefore;
  const benchCpu = process.cpuUsage(benchCpuBefore);
  const machineBusyMs = readMachineCpu().busyMs - machineBefore.busyMs;
  const benchCpuMs = (benchCpu.user + benchCpu.system) / 1000 + ctx.cii.cpuMs() - simCpuBefore;
  loopDelay.disable();
  const childMemory = ctx.app.memory();

  const simRequests = await ctx.cii.requestsFrom(firstSimRequest);
  const tokens = simRequests.filter((r) => r.kind === 'token');
  const callsByLogin = new Map<string, SimRequest[]>();
  for (const r of simRequests) {
    if (r.kind !== 'graphql') continue;
    const login = typeof r.variables.login === 'string' ? r.variables.login.toLowerCase() : '';
    callsByLogin.set(login, [...(callsByLogin.get(login) ?? []), r]);
  }

  const errors: Record<string, number> = {};
  const unmatched: Record<string, number> = {};
  const total: number[] = [];
  const cii: number[] = [];
  const overhead: number[] = [];
  const beforeCii: number[] = [];
  const afterCii: number[] = [];
  const claimed = new Set<string>();
  for (const sample of samples) {
    if (sample.error !== undefined) {
      countInto(errors, sample.error);
      continue;
    }
    total.push(sample.totalMs);
    if (!spec.expectCii) {
      overhead.push(sample.totalMs);
      continue;
    }
    const key = sample.login.toLowerCase();
    claimed.add(key);
    const share = ciiShare(sample, callsByLogin.get(key), tokens);
    if ('unmatched' in share) {
      countInto(unmatched, share.unmatched);
      continue;
    }
    cii.push(share.ms);
    overhead.push(sample.totalMs - share.ms);
    beforeCii.push(share.beforeMs);
    afterCii.push(share.afterMs);
  }
  const strayCiiCalls = [...callsByLogin]
    .filter(([login]) => !claimed.has(login))
    .reduce((n, [, calls]) => n + calls.length, 0);

  const result: PhaseResult = {
    target: ctx.target,
    name: spec.name,
    concurrency: spec.concurrency,
    requests: samples.length,
    ok: total.length,
    errors,
    unmatched,
    strayCiiCalls,
    tokenRequests: tokens.length,
    throughputPerSecond: (samples.length * 1000) / elapsedMs,
    totalMs: summarize(total),
    ciiMs: summarize(cii),
    overheadMs: summarize(overhead),
    beforeCiiMs: summarize(beforeCii),
    afterCiiMs: summarize(afterCii),
    childCpuMsPerRequest: cpuMs / Math.max(samples.length, 1),
    childCpuPercent: (100 * cpuMs) / elapsedMs,
    benchCpuMsPerRequest: benchCpuMs / Math.max(samples.length, 1),
    othersCpuPercent: Math.max(0, (100 * (machineBusyMs - cpuMs - benchCpuMs)) / elapsedMs),
    childMemory,
    benchLoopDelayP99Ms: loopDelay.percentile(99) / 1e6,
    cardBytes: median(samples.filter((x) => x.error === undefined).map((x) => x.bytes)),
  };
  overheadSamples.set(result, overhead);
  return result;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * The app's environment. `db` names its SQLite file: the starts of one entry share one (a replica restarting on its
 * database; the first start migrates it). The image keeps V8's compile cache (NODE_COMPILE_CACHE in the
 * Dockerfile): a built entry gets one too, shared by its starts, so they start as a container from the image does.
 */
function appEnv(
  cii: RemoteCii,
  slack: FakeSlack,
  dataDir: string,
  opts: { cacheTtlSeconds: number; db: string; entry: string },
): Record<string, string> {
  return {
    ...APP_ENV,
    ...simulatorEnv({ slack, cii, signingSecret: SIGNING_SECRET, webhookSecret: 'bench-webhook-secret-0123456789' }),
    CII_LOOKUP_CACHE_TTL_SECONDS: String(opts.cacheTtlSeconds),
    DATABASE_URL: `sqlite:${join(dataDir, `${opts.db}.db`)}`,
    LOG_LEVEL: 'info',
    ...(opts.entry.startsWith('dist/') && COMPILE_CACHE ? { NODE_COMPILE_CACHE: join(dataDir, 'compile-cache') } : {}),
  };
}

/**
 * The compile cache as the image builds it (Dockerfile): one start of the bundle without configuration, which
 * compiles the modules and stops. Without it the first starts measured would make the cache (10 MB more at ready).
 */
function warmCompileCache(dataDir: string): void {
  spawnSync(PROJECT_NODE, [...APP_FLAGS, ENTRY], {
    cwd: REPO_ROOT,
    env: { ...APP_ENV, PATH: process.env.PATH, NODE_COMPILE_CACHE: join(dataDir, 'compile-cache') },
    stdio: 'ignore',
  });
}

function bareEnv(cii: RemoteCii, slack: FakeSlack, cardBytes: number): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    CII_CLIENT_ID: cii.credentials.clientId,
    CII_CLIENT_SECRET: cii.credentials.clientSecret,
    CII_TOKEN_URL: cii.tokenUrl,
    CII_API_URL: cii.apiUrl,
    CII_QUERY_USER: GET_END_USER,
    CII_QUERY_STATE: GET_END_USER_STATE,
    BARE_CARD_BYTES: String(cardBytes),
  };
}

function newestProfile(): string | undefined {
  const files = readdirSync(PROFILE_DIR)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => join(PROFILE_DIR, f));
  return files.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
}

function describeIssues(phase: PhaseResult): string[] {
  const name = `${phase.target} ${phase.name}`;
  const lines = Object.entries(phase.errors).map(([why, n]) => `  ${name}: ${n} error(s): ${why}`);
  lines.push(
    ...Object.entries(phase.unmatched).map(([why, n]) => `  ${name}: ${n} answer(s) left out of overhead: ${why}`),
  );
  if (phase.strayCiiCalls > 0) lines.push(`  ${name}: ${phase.strayCiiCalls} CII call(s) matching no answered lookup`);
  if (phase.tokenRequests > 0) lines.push(`  ${name}: ${phase.tokenRequests} token request(s), counted as CII time`);
  return lines;
}

interface Start {
  target: string;
  readyMs: number;
  rssBytes: number;
}

interface Comparison {
  figure: string;
  app: number;
  bare: number;
  unit: string;
  /** The ratio app / bare must stay at or under this, if any. */
  maxRatio?: number;
  /** The app's own figure must stay at or under this, if any. */
  maxApp?: number;
}

/** Medians over the interleaved rounds and starts; peak RSS is the highest VmHWM seen under load. */
function compare(phases: PhaseResult[], starts: Start[], appTarget: string): Comparison[] {
  const of = (target: TargetName, name: string) => phases.filter((p) => p.target === target && p.name === name);
  const startsOf = (target: string) => starts.filter((s) => s.target === target);
  const both = (pick: (target: TargetName) => number) => ({ app: pick('app'), bare: pick('bare') });
  return [
    {
      figure: 'CPU per /cii user, c=50',
      unit: 'ms',
      ...both((t) => median(of(t, 'uncached c=50').map((p) => p.childCpuMsPerRequest))),
      maxRatio: TARGETS.cpuRatio,
    },
    {
      figure: 'overhead p50, c=50',
      unit: 'ms',
      ...both((t) => median(of(t, 'uncached c=50').map((p) => p.overheadMs.p50))),
    },
    {
      figure: 'overhead p99, c=50',
      unit: 'ms',
      ...both((t) => median(of(t, 'uncached c=50').map((p) => p.overheadMs.p99))),
      maxRatio: TARGETS.overheadP99Ratio,
      maxApp: GOAL_OVERHEAD_P99_MS,
    },
    {
      // Each round's p99 is its 40th worst sample; pooled, every round's tail counts.
      figure: 'overhead p99, c=50, rounds pooled',
      unit: 'ms',
      ...both((t) => summarize(of(t, 'uncached c=50').flatMap((p) => overheadSamples.get(p) ?? [])).p99),
    },
    {
      figure: 'overhead p99, c=1',
      unit: 'ms',
      ...both((t) => median(of(t, 'uncached c=1').map((p) => p.overheadMs.p99))),
    },
    {
      figure: 'RSS when /healthz first answers',
      unit: 'MB',
      app: median(startsOf(appTarget).map((s) => s.rssBytes)) / 2 ** 20,
      bare: median(startsOf('bare').map((s) => s.rssBytes)) / 2 ** 20,
      maxApp: TARGETS.readyRssMb,
    },
    {
      figure: 'peak RSS under load',
      unit: 'MB',
      ...both(
        (t) => Math.max(...phases.filter((p) => p.target === t).map((p) => p.childMemory.peakRssBytes)) / 2 ** 20,
      ),
      maxApp: TARGETS.peakRssMb,
    },
    {
      figure: 'spawn → ready',
      unit: 'ms',
      app: median(startsOf(appTarget).map((s) => s.readyMs)),
      bare: median(startsOf('bare').map((s) => s.readyMs)),
      maxRatio: TARGETS.readyRatio,
    },
  ];
}

function met(c: Comparison): boolean {
  return (c.maxRatio === undefined || c.app / c.bare <= c.maxRatio) && (c.maxApp === undefined || c.app <= c.maxApp);
}

function printComparison(comparisons: Comparison[], starts: Start[]): void {
  const targetOf = (c: Comparison) =>
    [c.maxRatio === undefined ? '' : `≤ ${c.maxRatio}×`, c.maxApp === undefined ? '' : `≤ ${c.maxApp} ${c.unit}`]
      .filter(Boolean)
      .join(', ');
  process.stdout.write(
    `\nApp (${APP_ENV_WORDS}${ENTRY}${APP_FLAGS.length > 0 ? ` with ${APP_FLAGS.join(' ')}` : ''}) against the bare Bolt app (medians of ${ROUNDS} interleaved rounds, ${STARTS} interleaved starts):\n${formatTable(
      ['figure', 'app', 'bare', 'ratio', 'target', 'met?'],
      comparisons.map((c) => [
        `${c.figure} (${c.unit})`,
        ms(c.app),
        ms(c.bare),
        `${(c.app / c.bare).toFixed(2)}×`,
        targetOf(c) || '-',
        c.maxRatio === undefined && c.maxApp === undefined ? '' : met(c) ? 'yes' : 'NO',
      ]),
    )}\n`,
  );
  const byTarget = [...new Set(starts.map((s) => s.target))].map((target) => {
    const mine = starts.filter((s) => s.target === target);
    return [
      target,
      ms(median(mine.map((s) => s.readyMs))),
      ms(Math.max(...mine.map((s) => s.readyMs))),
      mb(median(mine.map((s) => s.rssBytes))),
    ];
  });
  process.stdout.write(
    `\nStarts (spawn → first 200 from /healthz, polled every 5 ms):\n${formatTable(['target', 'ready p50 ms', 'max', 'RSS p50 MB'], byTarget)}\n`,
  );
}

function printReport(
  phases: PhaseResult[],
  warmUps: PhaseResult[],
  profile?: { area: SelfTime[]; functions: SelfTime[] },
): void {
  const header = [
    'target',
    'phase',
    'n',
    'err',
    'req/s',
    'total p50',
    'p90',
    'p99',
    'max',
    'CII p50',
    'p99',
    'overhead p50',
    'p90',
    'p99',
    'max',
    'before CII p50',
    'p99',
    'after CII p50',
    'p99',
    'cpu ms/req',
    'cpu %',
    'bench cpu ms/req',
    'others cpu %',
    'peak RSS MB',
    'RSS MB',
    'card B',
  ];
  const rows = phases.map((p) => [
    p.target,
    p.name,
    String(p.requests),
    String(p.requests - p.ok),
    p.throughputPerSecond.toFixed(0),
    ms(p.totalMs.p50),
    ms(p.totalMs.p90),
    ms(p.totalMs.p99),
    ms(p.totalMs.max),
    ms(p.ciiMs.p50),
    ms(p.ciiMs.p99),
    ms(p.overheadMs.p50),
    ms(p.overheadMs.p90),
    ms(p.overheadMs.p99),
    ms(p.overheadMs.max),
    ms(p.beforeCiiMs.p50),
    ms(p.beforeCiiMs.p99),
    ms(p.afterCiiMs.p50),
    ms(p.afterCiiMs.p99),
    ms(p.childCpuMsPerRequest),
    p.childCpuPercent.toFixed(0),
    ms(p.benchCpuMsPerRequest),
    p.othersCpuPercent.toFixed(0),
    mb(p.childMemory.peakRssBytes),
    mb(p.childMemory.rssBytes),
    String(p.cardBytes),
  ]);
  process.stdout.write(
    `\n${formatTable(header, rows)}\n(latencies in ms; overhead is split at the first CII call and the last CII answer; cpu % is of one core, the machine has ${cpus().length}; peak RSS is the target's VmHWM since it started; others cpu % is what the rest of the machine used meanwhile)\n`,
  );
  const issues = [...warmUps, ...phases].flatMap(describeIssues);
  process.stdout.write(
    issues.length > 0
      ? `\nIssues:\n${issues.join('\n')}\n`
      : '\nNo errors, every answer was the user card and every CII call paired up.\n',
  );
  if (profile) {
    process.stdout.write(
      `\nApp CPU profile (warm-up included), self time by area:\n${formatTable(
        ['area', 'ms', '%'],
        profile.area.map((s) => [s.key, s.selfMs.toFixed(0), s.percent.toFixed(1)]),
      )}\n`,
    );
    process.stdout.write(
      `\nHottest functions (self time):\n${formatTable(
        ['function', 'ms', '%'],
        profile.functions.map((s) => [s.key, s.selfMs.toFixed(0), s.percent.toFixed(1)]),
      )}\n`,
    );
  }
}

async function main(): Promise<void> {
  const cpuProfile = process.argv.includes('--cpu-prof');
  const withCached = !process.argv.includes('--no-cached') && !cpuProfile;
  mkdirSync(RESULTS_DIR, { recursive: true });
  if (cpuProfile) mkdirSync(PROFILE_DIR, { recursive: true });
  const dataDir = mkdtempSync(join(tmpdir(), 'cii-slack-bench-'));
  const children = new Set<ChildApp>();
  let slack: FakeSlack | undefined;
  let cii: RemoteCii | undefined;

  const guard = guardRun({
    deadlineMs: DEADLINE_MS,
    hardStopMs: HARD_STOP_MS,
    what: 'requests',
    cleanup: async () => {
      await Promise.all([...children].map((c) => c.stop()));
      await Promise.all([slack?.close(), cii?.close()]);
      rmSync(dataDir, { recursive: true, force: true });
    },
  });

  try {
    slack = await startFakeSlack({ botToken: 'xoxb-bench-token' });
    cii = await startRemoteCii({ users: USER_COUNT, latencyMs: CII_LATENCY_MS });
    process.stderr.write(
      `CII simulator latency: ${CII_LATENCY_MS} ms per call; app: ${[...APP_FLAGS, ENTRY].join(' ')}\n`,
    );
    const phases: PhaseResult[] = [];
    const warmUps: PhaseResult[] = [];
    const launch = async (
      target: TargetName,
      opts: { cacheTtl?: number; cardBytes?: number; log: string; profile?: boolean; entry?: string; db?: string },
    ) => {
      const entry = opts.entry ?? ENTRY;
      const child = await launchApp(
        target === 'app'
          ? {
              env: appEnv(cii!, slack!, dataDir, {
                cacheTtlSeconds: opts.cacheTtl ?? 0,
                db: opts.db ?? `${opts.log}-${Date.now()}`,
                entry,
              }),
              script: entry,
              nodeArgs: [...APP_FLAGS, ...(opts.profile ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [])],
              logFile: join(RESULTS_DIR, `${opts.log}.log`),
              pollMs: 5,
            }
          : {
              env: bareEnv(cii!, slack!, opts.cardBytes ?? 3_000),
              script: BARE_SCRIPT,
              nodeArgs: opts.profile ? ['--cpu-prof', `--cpu-prof-dir=${join(PROFILE_DIR, 'bare')}`] : [],
              logFile: join(RESULTS_DIR, `${opts.log}.log`),
              pollMs: 5,
            },
      );
      children.add(child);
      return child;
    };
    const retire = async (child: ChildApp) => {
      await child.stop();
      children.delete(child);
    };

    // Starts: spawn → ready and RSS at ready, the targets interleaved. Type stripping is measured beside a
    // build when the app runs from dist/, so the choice of entry is measured too.
    const starts: Start[] = [];
    if (ENTRY.startsWith('dist/') && COMPILE_CACHE) warmCompileCache(dataDir);
    const startTargets: Array<{ label: string; target: TargetName; entry?: string }> = [
      { label: ENTRY, target: 'app' },
      ...(ENTRY === 'src/main.ts' ? [] : [{ label: 'src/main.ts', target: 'app' as const, entry: 'src/main.ts' }]),
      { label: 'bare', target: 'bare' },
    ];
    for (let i = 0; i < STARTS && !guard.stopping(); i++) {
      for (const t of startTargets) {
        process.stderr.write(`start ${i + 1}/${STARTS}: ${t.label}\n`);
        const child = await launch(t.target, {
          log: `lookup-start-${t.target}`,
          db: `start-${t.label.replaceAll('/', '-')}`,
          ...(t.entry ? { entry: t.entry } : {}),
        });
        starts.push({ target: t.label, readyMs: child.readyMs, rssBytes: child.memory().rssBytes });
        await retire(child);
      }
    }

    const run = async (target: TargetName, child: ChildApp, spec: PhaseSpec) => {
      if (guard.stopping()) return undefined;
      process.stderr.write(`${target} ${spec.name}: ${spec.requests} requests at concurrency ${spec.concurrency}...\n`);
      const result = await runPhase(spec, { slack: slack!, cii: cii!, app: child, target, stopping: guard.stopping });
      (spec.warmUp ? warmUps : phases).push(result);
      return result;
    };
    const warmUp = (name: string, concurrency: number, requests: number): PhaseSpec => ({
      name: `warm-up ${name}`,
      concurrency,
      requests,
      logins: takeLogins(requests),
      expectCii: true,
      warmUp: true,
    });
    const measured = (name: string, concurrency: number, requests: number): PhaseSpec => ({
      name,
      concurrency,
      requests,
      logins: takeLogins(requests),
      expectCii: true,
    });

    // The bare app answers a card as long as the app's: the app's warm-up says how long that is.
    const app = await launch('app', { log: 'lookup-app-uncached', profile: cpuProfile });
    const first = await run('app', app, warmUp('c=1', 1, 100));
    const bare = await launch('bare', {
      log: 'lookup-bare',
      profile: cpuProfile,
      cardBytes: first?.cardBytes ?? 3_000,
    });
    const both: Array<[TargetName, ChildApp]> = [
      ['app', app],
      ['bare', bare],
    ];
    await run('bare', bare, warmUp('c=1', 1, 100));
    for (let round = 0; round < ROUNDS; round++) {
      for (const [target, child] of both) await run(target, child, measured('uncached c=1', 1, 150));
    }
    for (const [target, child] of both) await run(target, child, warmUp('c=50', 50, 300));
    for (let round = 0; round < ROUNDS; round++) {
      for (const [target, child] of both) await run(target, child, measured('uncached c=50', 50, ROUND_REQUESTS));
    }
    await retire(app);
    await retire(bare);

    let profile: { file: string; area: SelfTime[]; functions: SelfTime[] } | undefined;
    const profileFile = cpuProfile ? newestProfile() : undefined;
    if (profileFile) {
      profile = {
        file: profileFile,
        area: selfTimes(profileFile, REPO_ROOT, byArea, 15),
        functions: selfTimes(profileFile, REPO_ROOT, byFunction, 20),
      };
    }

    if (withCached && !guard.stopping()) {
      const cached = await launch('app', { cacheTtl: 600, log: 'lookup-app-cached' });
      const hot = takeLogins(500);
      await run('app', cached, { ...warmUp('(fills the cache)', 50, 0), requests: hot.length, logins: hot });
      await run('app', cached, {
        name: 'cached c=50',
        concurrency: 50,
        requests: 2_000,
        logins: hot,
        expectCii: false,
      });
      await retire(cached);
    }

    printReport(phases, warmUps, profile);
    const comparisons = compare(phases, starts, ENTRY);
    printComparison(comparisons, starts);
    const goalPhases = phases.filter((p) => p.target === 'app' && p.name === 'uncached c=50');
    const errors = goalPhases.reduce((n, p) => n + p.requests - p.ok, 0);
    const allMet = goalPhases.length > 0 && errors === 0 && comparisons.every((c) => met(c));
    process.stdout.write(
      `\nTargets: ${allMet ? 'MET' : 'MISSED'} (${errors} errors at c=50)` +
        `${cpuProfile ? ' [profiled run: timings inflated by the profiler]' : ''}${guard.stopping() ? ' [PARTIAL: the deadline cut the run short]' : ''}\n`,
    );
    writeResults(
      RESULTS_DIR,
      'lookup',
      { profiled: cpuProfile, partial: guard.stopping() },
      {
        syntheticUsers: USER_COUNT,
        entry: ENTRY,
        nodeFlags: APP_FLAGS,
        goal: { overheadP99Ms: GOAL_OVERHEAD_P99_MS, concurrency: 50, targets: TARGETS, met: allMet },
        ciiLatencyMs: CII_LATENCY_MS,
        comparisons,
        starts,
        phases,
        warmUps,
        ...(profile ? { profile } : {}),
      },
    );
    process.exitCode = allMet ? 0 : 1;
  } finally {
    await guard.cleanup();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench/lookup failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
