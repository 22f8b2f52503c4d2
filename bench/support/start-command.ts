import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The words of `npm start` (package.json): the bench runs the app as it runs in production. */
function startWords(root: string): string[] {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: { start: string } };
  return pkg.scripts.start.split(/\s+/);
}

/** The Node flags of `npm start`. */
export function startFlags(root: string): string[] {
  return startWords(root).filter((word) => word.startsWith('--'));
}

/** The environment `npm start` sets before `node` (`NAME=value` words), which the bench gives the app too. */
export function startEnv(root: string): Record<string, string> {
  const words = startWords(root);
  const assignments = words.slice(0, words.indexOf('node')).filter((word) => /^[A-Z_]+=/.test(word));
  return Object.fromEntries(
    assignments.map((word) => [word.slice(0, word.indexOf('=')), word.slice(word.indexOf('=') + 1)]),
  );
}

/** `dist/main.cjs` once `npm run build` made it, else the TypeScript sources through type stripping. */
export function defaultEntry(root: string): string {
  return existsSync(join(root, 'dist/main.cjs')) ? 'dist/main.cjs' : 'src/main.ts';
}
