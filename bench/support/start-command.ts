import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The Node flags of `npm start` (package.json), so the bench runs the app with the flags it runs with in production. */
export function startFlags(root: string): string[] {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: { start: string } };
  return pkg.scripts.start.split(/\s+/).filter((word) => word.startsWith('--'));
}

/** `dist/main.cjs` once `npm run build` made it, else the TypeScript sources through type stripping. */
export function defaultEntry(root: string): string {
  return existsSync(join(root, 'dist/main.cjs')) ? 'dist/main.cjs' : 'src/main.ts';
}
