// `npm run build`: the app as JavaScript in dist/, main.cjs with every dependency inside (the image needs no
// node_modules) and the PostgreSQL store in a chunk of its own, read only when DATABASE_URL names PostgreSQL.
// Measured with bench/lookup.ts against type stripping: it is ready sooner and smaller, since Node neither strips
// types nor resolves and reads a thousand module files at start. CommonJS rather than ESM: an ES module importing
// node:http makes Node build its ESM facade, which reads every export, WebSocket included, and so loads Node's
// bundled undici at start (~20 MB and ~100 ms more, measured). `node scripts/build.ts <dir>` builds elsewhere.
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'rolldown';

const root = resolve(import.meta.dirname, '..');
const out = resolve(process.argv[2] ?? join(root, 'dist'));

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
await build({
  input: join(root, 'src/main.ts'),
  platform: 'node',
  logLevel: 'warn',
  output: {
    dir: out,
    entryFileNames: '[name].cjs',
    chunkFileNames: '[name]-[hash].cjs',
    format: 'cjs',
    sourcemap: true,
  },
});
// Read at start beside the code (src/checks/catalogue.ts looks next to itself).
copyFileSync(join(root, 'src/checks/catalogue.json'), join(out, 'catalogue.json'));
process.stdout.write(`built ${join(out, 'main.cjs')}\n`);
