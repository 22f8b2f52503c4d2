// `/cii user` from a signed slash command to the card in the acknowledgement, against the CII simulator and
// the fake Slack, with the app in a child process. Reports total latency, the app's own overhead (total minus
// the simulator's time) and the child's memory. Run by hand: `npm run bench:lookup [-- --cpu-prof] [-- --cii-latency-ms=50]`.
// CII answers after a set latency (default 50 ms, a fast real tenant): with an instant simulator, 50 requests
// in flight only measure how fast two cores saturate, not the app's own overhead.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { simulatorEnv } from '../sim/app-env.ts';
import { startCiiSimulator, type CiiSimulator, type SimRequest } from '../sim/cii/server.ts';
import { startFakeSlack, type FakeSlack } from '../sim/slack/fake-slack.ts';
import { FORM_CONTENT_TYPE, signSlackRequest, slashCommandBody } from '../sim/slack/signer.ts';
import { writeResults } from './support/results.ts';
import { guardRun } from './support/run-guard.ts';
import { launchApp, REPO_ROOT, type ChildApp } from './support/child-app.ts';
import { runClosedLoop } from './support/closed-loop.ts';
import { byArea, byFunction, selfTimes, type SelfTime } from './support/cpu-profile.ts';
import { summarize, type Summary } from './support/percentiles.ts';
import { readMachineCpu, type ProcMemory } from './support/proc-stats.ts';
import { syntheticUsers } from './support/synthetic-users.ts';
import { formatTable, mb, ms } from './support/table.ts';

const SIGNING_SECRET = 'bench-signing-secret-0123456789abcdef';
const USER_COUNT = 5_000;
const GOAL_OVERHEAD_P99_MS = 25;
const CII_LATENCY_MS = Number(
  /^--cii-latency-ms=(\d+)$/.exec(process.argv.find((a) => a.startsWith('--cii-latency-ms=')) ?? '')?.[1] ?? 50,
);
/** The whole run stops by itself: new requests stop here, and the process exits HARD_STOP_MS later regardless. */
const DEADLINE_MS = 110_000;
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
  /** Epoch ms, to place token requests (which carry no login) on the request they delayed. */
  wallStart: number;
  wallEnd: number;
  totalMs: number;
  error?: string;
}

interface PhaseResult {
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
  childCpuMsPerRequest: number;
  /** Child CPU time over wall time: near 100% means the app's single JS thread is the bottleneck. */
  childCpuPercent: number;
  /** This process (simulators and load generator) per request: it shares the machine's cores with the app. */
  benchCpuMsPerRequest: number;
  /** CPU used by other processes on the machine during the phase, in % of one core (the machine may be shared). */
  othersCpuPercent: number;
  childMemory: ProcMemory;
  benchLoopDelayP99Ms: number;
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
  let error: string | undefined;
  try {
    const res = await fetch(`${appUrl}/slack/events`, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await res.text();
    error = res.status === 200 ? notACard(text, login) : `HTTP ${res.status}`;
  } catch (err) {
    error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  }
  return { login, wallStart, wallEnd: Date.now(), totalMs: performance.now() - started, ...(error ? { error } : {}) };
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
): { ms: number } | { unmatched: string } {
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
  return { ms: token + Math.max(user[0]!.durationMs, state[0]!.durationMs) };
}

async function runPhase(
  spec: PhaseSpec,
  ctx: { slack: FakeSlack; cii: CiiSimulator; app: ChildApp; stopping: () => boolean },
): Promise<PhaseResult> {
  const firstSimRequest = ctx.cii.requests.length;
  const samples: Sample[] = [];
  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  loopDelay.enable();
  const cpuBefore = ctx.app.cpuMs();
  const benchCpuBefore = process.cpuUsage();
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
  const benchCpuMs = (benchCpu.user + benchCpu.system) / 1000;
  loopDelay.disable();
  const childMemory = ctx.app.memory();

  const simRequests = ctx.cii.requests.slice(firstSimRequest);
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
  }
  const strayCiiCalls = [...callsByLogin]
    .filter(([login]) => !claimed.has(login))
    .reduce((n, [, calls]) => n + calls.length, 0);

  return {
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
    childCpuMsPerRequest: cpuMs / Math.max(samples.length, 1),
    childCpuPercent: (100 * cpuMs) / elapsedMs,
    benchCpuMsPerRequest: benchCpuMs / Math.max(samples.length, 1),
    othersCpuPercent: Math.max(0, (100 * (machineBusyMs - cpuMs - benchCpuMs)) / elapsedMs),
    childMemory,
    benchLoopDelayP99Ms: loopDelay.percentile(99) / 1e6,
  };
}

function appEnv(cii: CiiSimulator, slack: FakeSlack, dataDir: string, cacheTtlSeconds: number): Record<string, string> {
  return {
    ...simulatorEnv({ slack, cii, signingSecret: SIGNING_SECRET, webhookSecret: 'bench-webhook-secret-0123456789' }),
    CII_LOOKUP_CACHE_TTL_SECONDS: String(cacheTtlSeconds),
    DATABASE_URL: `sqlite:${join(dataDir, 'cii-slack.db')}`,
    LOG_LEVEL: 'info',
  };
}

function newestProfile(): string | undefined {
  const files = readdirSync(PROFILE_DIR)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => join(PROFILE_DIR, f));
  return files.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
}

function describeIssues(phase: PhaseResult): string[] {
  const lines = Object.entries(phase.errors).map(([why, n]) => `  ${phase.name}: ${n} error(s): ${why}`);
  lines.push(
    ...Object.entries(phase.unmatched).map(
      ([why, n]) => `  ${phase.name}: ${n} answer(s) left out of overhead: ${why}`,
    ),
  );
  if (phase.strayCiiCalls > 0)
    lines.push(`  ${phase.name}: ${phase.strayCiiCalls} CII call(s) matching no answered lookup`);
  if (phase.tokenRequests > 0)
    lines.push(`  ${phase.name}: ${phase.tokenRequests} token request(s), counted as CII time`);
  return lines;
}

function printReport(
  phases: PhaseResult[],
  warmUps: PhaseResult[],
  profile?: { area: SelfTime[]; functions: SelfTime[] },
): void {
  const header = [
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
    'app cpu ms/req',
    'app cpu %',
    'bench cpu ms/req',
    'others cpu %',
    'peak RSS MB',
    'RSS MB',
    'bench lag p99',
  ];
  const rows = phases.map((p) => [
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
    ms(p.childCpuMsPerRequest),
    p.childCpuPercent.toFixed(0),
    ms(p.benchCpuMsPerRequest),
    p.othersCpuPercent.toFixed(0),
    mb(p.childMemory.peakRssBytes),
    mb(p.childMemory.rssBytes),
    ms(p.benchLoopDelayP99Ms),
  ]);
  process.stdout.write(
    `\n${formatTable(header, rows)}\n(latencies in ms; cpu % is of one core, the machine has ${cpus().length}; peak RSS is the app's VmHWM since it started)\n`,
  );
  // In a closed loop the mean latency is concurrency / throughput (Little's law): at c=50 it measures how many
  // requests per second the whole machine (app, simulators, load generator) sustains, not one request's path.
  const loops = phases
    .filter((p) => p.concurrency > 1)
    .map((p) => {
      const cpuPerRequest = p.childCpuMsPerRequest + p.benchCpuMsPerRequest;
      return (
        `  ${p.name}: ${p.concurrency} in flight / ${p.throughputPerSecond.toFixed(0)} req/s = ${ms((1000 * p.concurrency) / p.throughputPerSecond)} ms mean latency; ` +
        `app + bench use ${ms(cpuPerRequest)} ms CPU per request, at most ~${((1000 * cpus().length) / cpuPerRequest).toFixed(0)} req/s on ${cpus().length} cores`
      );
    });
  if (loops.length > 0) process.stdout.write(`\nQueueing (closed loop):\n${loops.join('\n')}\n`);
  const issues = [...warmUps, ...phases].flatMap(describeIssues);
  process.stdout.write(
    issues.length > 0
      ? `\nIssues:\n${issues.join('\n')}\n`
      : '\nNo errors, every answer was the user card and every CII call paired up.\n',
  );
  if (profile) {
    process.stdout.write(
      `\nChild CPU profile (warm-up included), self time by area:\n${formatTable(
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
  mkdirSync(RESULTS_DIR, { recursive: true });
  if (cpuProfile) mkdirSync(PROFILE_DIR, { recursive: true });
  const dataDir = mkdtempSync(join(tmpdir(), 'cii-slack-bench-'));
  const children = new Set<ChildApp>();
  let slack: FakeSlack | undefined;
  let cii: CiiSimulator | undefined;

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
    cii = await startCiiSimulator({ users: simUsers });
    cii.setLatency(CII_LATENCY_MS);
    process.stderr.write(`CII simulator latency: ${CII_LATENCY_MS} ms per call\n`);
    const phases: PhaseResult[] = [];
    const warmUps: PhaseResult[] = [];
    /** The child's memory once /healthz first answered, before any lookup. */
    const startupMemory: Record<string, ProcMemory> = {};

    const runOn = async (app: ChildApp, specs: PhaseSpec[]) => {
      for (const spec of specs) {
        if (guard.stopping()) return;
        process.stderr.write(`${spec.name}: ${spec.requests} requests at concurrency ${spec.concurrency}...\n`);
        const result = await runPhase(spec, { slack: slack!, cii: cii!, app, stopping: guard.stopping });
        (spec.warmUp ? warmUps : phases).push(result);
      }
    };

    const uncached = await launchApp({
      env: appEnv(cii, slack, dataDir, 0),
      nodeArgs: cpuProfile ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [],
      logFile: join(RESULTS_DIR, 'lookup-app-uncached.log'),
    });
    children.add(uncached);
    startupMemory.uncached = uncached.memory();
    await runOn(uncached, [
      // Each measured phase follows a warm-up at its own concurrency (JIT, and 50 open connections for c=50).
      { name: 'warm-up c=1', concurrency: 1, requests: 100, logins: takeLogins(100), expectCii: true, warmUp: true },
      { name: 'uncached c=1', concurrency: 1, requests: 300, logins: takeLogins(300), expectCii: true },
      { name: 'warm-up c=50', concurrency: 50, requests: 300, logins: takeLogins(300), expectCii: true, warmUp: true },
      { name: 'uncached c=50', concurrency: 50, requests: 2_000, logins: takeLogins(2_000), expectCii: true },
    ]);
    await uncached.stop();
    children.delete(uncached);
    let profile: { file: string; area: SelfTime[]; functions: SelfTime[] } | undefined;
    const profileFile = cpuProfile ? newestProfile() : undefined;
    if (profileFile) {
      profile = {
        file: profileFile,
        area: selfTimes(profileFile, REPO_ROOT, byArea, 15),
        functions: selfTimes(profileFile, REPO_ROOT, byFunction, 20),
      };
    }

    if (!cpuProfile && !guard.stopping()) {
      const cached = await launchApp({
        env: appEnv(cii, slack, dataDir, 600),
        logFile: join(RESULTS_DIR, 'lookup-app-cached.log'),
      });
      children.add(cached);
      startupMemory.cached = cached.memory();
      const hot = takeLogins(500);
      await runOn(cached, [
        {
          name: 'warm-up (fills the cache)',
          concurrency: 50,
          requests: hot.length,
          logins: hot,
          expectCii: true,
          warmUp: true,
        },
        { name: 'cached c=50', concurrency: 50, requests: 2_000, logins: hot, expectCii: false },
      ]);
    }

    printReport(phases, warmUps, profile);
    const atStartup = Object.entries(startupMemory)
      .map(([app, m]) => `${app} ${mb(m.rssBytes)} MB`)
      .join(', ');
    process.stdout.write(`App RSS when first healthy: ${atStartup}\n`);
    const goalPhase = phases.find((p) => p.name === 'uncached c=50');
    const goalMet =
      goalPhase !== undefined && goalPhase.ok === goalPhase.requests && goalPhase.overheadMs.p99 < GOAL_OVERHEAD_P99_MS;
    process.stdout.write(
      `\nGoal: overhead p99 < ${GOAL_OVERHEAD_P99_MS} ms at 50 concurrent, without errors: ${goalMet ? 'MET' : 'MISSED'}` +
        `${goalPhase ? ` (${ms(goalPhase.overheadMs.p99)} ms, ${goalPhase.requests - goalPhase.ok} errors)` : ' (phase did not run)'}` +
        `${cpuProfile ? ' [profiled run: timings inflated by the profiler]' : ''}${guard.stopping() ? ' [PARTIAL: the deadline cut the run short]' : ''}\n`,
    );
    writeResults(
      RESULTS_DIR,
      'lookup',
      { profiled: cpuProfile, partial: guard.stopping() },
      {
        syntheticUsers: USER_COUNT,
        goal: { overheadP99Ms: GOAL_OVERHEAD_P99_MS, concurrency: 50, met: goalMet },
        ciiLatencyMs: CII_LATENCY_MS,
        phases,
        warmUps,
        startupMemory,
        ...(profile ? { profile } : {}),
      },
    );
    process.exitCode = goalMet ? 0 : 1;
  } finally {
    await guard.cleanup();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench/lookup failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
