// `npm run build`: the app as JavaScript in dist/, main.cjs with every dependency inside (the image needs no
// node_modules) and the PostgreSQL store in a chunk of its own, read only when DATABASE_URL names PostgreSQL.
// Measured with bench/lookup.ts against type stripping: it is ready sooner and smaller, since Node neither strips
// types nor resolves and reads a thousand module files at start. CommonJS rather than ESM: an ES module importing
// node:http makes Node build its ESM facade, which reads every export, WebSocket included, and so loads Node's
// bundled undici at start (~20 MB and ~100 ms more, measured). `node scripts/build.ts <dir>` builds elsewhere.
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
    charset: 'ascii',
    comments: { legal: true, annotation: true, jsdoc: false },
  },
});
// V8 keeps a script's source in memory for as long as it runs, as one byte per character only when all of it is
// ASCII: a single emoji would double the bundle's 3.7 MB in the heap. `charset: 'ascii'` escapes strings, regular
// expressions and names, and JSDoc is left out; what is left (a licence comment) is escaped here, where it is text.
for (const file of readdirSync(out).filter((f) => f.endsWith('.cjs'))) {
  const path = join(out, file);
  const code = readFileSync(path, 'utf8');
  writeFileSync(
    path,
    code.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
  );
}
// Read at start beside the code (src/checks/catalogue.ts looks next to itself).
copyFileSync(join(root, 'src/checks/catalogue.json'), join(out, 'catalogue.json'));
process.stdout.write(`built ${join(out, 'main.cjs')}\n`);
