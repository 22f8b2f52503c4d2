import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The Node flags of `npm start` (package.json), so the bench runs the app with the flags it runs with in production. */
export function startFlags(root: string): string[] {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: { start: string } };
  return pkg.scripts.start.split(/\s+/).filter((word) => word.startsWith('--'));
}

/** The environment `npm start` sets before `node` (`NAME=value` words), which the bench gives the app too. */
export function startEnv(root: string): Record<string, string> {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const words = pkg.scripts.start.split(/\s+/);
  const assignments = words.slice(0, words.indexOf('node')).filter((word) => /^[A-Z_]+=/.test(word));
  return Object.fromEntries(
    assignments.map((word) => [word.slice(0, word.indexOf('=')), word.slice(word.indexOf('=') + 1)]),
  );
}

/** `dist/main.cjs` once `npm run build` made it, else the TypeScript sources through type stripping. */
export function defaultEntry(root: string): string {
  return existsSync(join(root, 'dist/main.cjs')) ? 'dist/main.cjs' : 'src/main.ts';
}
