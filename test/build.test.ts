import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { simulatorEnv } from '../sim/app-env.ts';
import { startCiiSimulator, type CiiSimulator } from '../sim/cii/server.ts';
import { seedUsers } from '../sim/cii/seed.ts';
import { createSlackDriver } from '../sim/slack/driver.ts';
import { startFakeSlack, type FakeSlack } from '../sim/slack/fake-slack.ts';
import { freePort } from './support/child-app.ts';
import { SIGNING_SECRET, WEBHOOK_SECRET } from './support/stack.ts';
import { until } from './support/until.ts';

const root = join(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
/** The Node flags of `npm start`: the image must run with the same. */
const flags = () => pkg.scripts.start!.split(/\s+/).filter((w) => w.startsWith('--'));

// Built outside the repository, so the bundle can reach no node_modules: what the image ships is all it has.
describe('npm run build', () => {
  let out: string;
  let slack: FakeSlack;
  let cii: CiiSimulator;
  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'cii-build-'));
    const built = spawnSync(process.execPath, [join(root, 'scripts/build.ts'), join(out, 'dist')], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(built.status, built.stderr).toBe(0);
    [slack, cii] = await Promise.all([startFakeSlack(), startCiiSimulator()]);
  }, 90_000);
  afterAll(async () => {
    await Promise.all([slack?.close(), cii?.close()]);
    rmSync(out, { recursive: true, force: true });
  });

  const PG = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `build_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  afterAll(async () => {
    const client = new pg.Client({ connectionString: PG });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  });

  test.each([
    ['SQLite', () => `sqlite:${join(out, 'app.db')}`],
    ['PostgreSQL (its own chunk)', () => `${PG}?schema=${schema}`],
  ])(
    'dist/main.cjs on %s starts alone, is ready, answers /cii user with the card and stops with 0 on SIGTERM',
    async (_db, databaseUrl) => {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const child = spawn(process.execPath, [...flags(), join(out, 'dist/main.cjs')], {
        cwd: out,
        env: {
          PATH: process.env.PATH ?? '',
          ...simulatorEnv({ slack, cii, signingSecret: SIGNING_SECRET, webhookSecret: WEBHOOK_SECRET }),
          METRICS_PORT: 'off',
          DATABASE_URL: databaseUrl(),
          PORT: String(port),
          HOST: '127.0.0.1',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      try {
        const ok = (path: string) =>
          fetch(`${url}${path}`).then(
            (r) => r.status === 200,
            () => false,
          );
        await until(() => child.exitCode !== null || ok('/healthz'), 'liveness', 20_000);
        expect(child.exitCode, output).toBeNull();
        await until(() => ok('/readyz'), 'readiness', 20_000);
        const user = seedUsers[0]!;
        const driver = createSlackDriver({ appUrl: url, signingSecret: SIGNING_SECRET, fake: slack });
        const answer = await driver.command(`user ${user.login}`, { userId: 'UANALYST', channelId: 'C0SECALERT' });
        expect(answer.body).toContain(user.displayName);
        child.kill('SIGTERM');
        expect(await exited).toBe(0);
        expect(output).not.toMatch(/^\s+at /m);
      } finally {
        if (child.exitCode === null) child.kill('SIGKILL');
      }
    },
    60_000,
  );
});

describe('the image', () => {
  const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
  test('runs the build, with the Node flags of npm start', () => {
    expect(dockerfile).toMatch(/RUN npm run build/);
    // The compile cache is made with the same flags: V8 refuses a cache made with others.
    expect(dockerfile).toContain(`RUN node ${flags().join(' ')} dist/main.cjs`);
    const cmd = /^CMD (\[.*\])$/m.exec(dockerfile)?.[1];
    expect(JSON.parse(cmd ?? '[]')).toEqual(['node', ...flags(), 'dist/main.cjs']);
  });

  test('sets the environment npm start sets before node (glibc malloc arenas)', () => {
    const assignments = pkg.scripts.start!.split(/\s+/).filter((w) => /^[A-Z_]+=/.test(w));
    expect(assignments).toContain('MALLOC_ARENA_MAX=2');
    const env = /^ENV ((?:.*\\\n)*.*)$/m.exec(dockerfile)?.[1] ?? '';
    for (const assignment of assignments) expect(env.split(/[\s\\]+/)).toContain(assignment);
  });

  test('npm start runs the TypeScript sources, so a fresh clone starts without a build', () => {
    expect(pkg.scripts.start).toMatch(/^([A-Z_]+=\S+ )*node (--\S+ )*src\/main\.ts$/);
  });
});
