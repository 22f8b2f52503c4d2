import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, test } from 'vitest';

const root = join(import.meta.dirname, '..');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Every module a file imports, as a path from the project root (or a package name). */
function importsOf(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  return [...source.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => {
    const spec = m[1]!;
    return spec.startsWith('.') ? relative(root, join(file, '..', spec)) : spec;
  });
}

const rules: Array<{ layer: string; must_not_import: RegExp[]; why: string }> = [
  {
    layer: 'src/',
    must_not_import: [/^(sim|test|bench)\//],
    why: 'production code never depends on simulators, tests or benchmarks',
  },
  {
    layer: 'src/slack/views/',
    must_not_import: [/^src\/(services|store|idp|webhook|http|cii)\//, /^@slack\/(bolt|web-api)$/, /^node:/, /^axios$/],
    why: 'views are pure functions of their input',
  },
  {
    layer: 'src/slack/',
    must_not_import: [/^src\/store\//],
    why: 'Slack listeners and writers reach the data through the services, never the store',
  },
  {
    layer: 'src/services/',
    must_not_import: [/^src\/slack\//, /^@slack\/(bolt|web-api|types)$/],
    why: 'services know nothing of Slack or Block Kit; adapters are passed in',
  },
  {
    layer: 'src/cii/',
    must_not_import: [/^src\/(slack|services|store|idp)\//, /^@slack\//],
    why: 'the CII client stands alone',
  },
  {
    layer: 'src/idp/',
    must_not_import: [/^src\/(slack|services|store|cii)\//, /^@slack\//],
    why: 'identity-provider clients stand alone',
  },
  {
    layer: 'src/store/',
    must_not_import: [/^src\/(slack|services|cii|idp)\//, /^@slack\//],
    why: 'the store holds data, not behaviour',
  },
];

describe('layer boundaries', () => {
  const sources = files(join(root, 'src')).map((f) => ({ path: relative(root, f), imports: importsOf(f) }));

  test('finds the sources it checks', () => {
    expect(sources.length).toBeGreaterThan(30);
  });

  test.each(rules)('$layer: $why', ({ layer, must_not_import }) => {
    const violations = sources
      .filter((s) => s.path.startsWith(layer))
      .flatMap((s) =>
        s.imports.filter((i) => must_not_import.some((re) => re.test(i))).map((i) => `${s.path} imports ${i}`),
      );
    expect(violations).toEqual([]);
  });
});
