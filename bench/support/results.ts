import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';

/** Writes `bench/results/<name>.json` with the machine it ran on, and says where. */
export function writeResults(
  dir: string,
  name: string,
  run: { profiled: boolean; partial: boolean },
  body: Record<string, unknown>,
): void {
  const outFile = join(dir, `${name}.json`);
  const header = {
    at: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    ...run,
  };
  writeFileSync(outFile, `${JSON.stringify({ ...header, ...body }, null, 2)}\n`);
  process.stdout.write(`Results: ${outFile}\n`);
}
