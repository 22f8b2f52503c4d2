import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, relative, resolve } from 'node:path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: CallFrame }>;
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  key: string;
  selfMs: number;
  /** Share of all sampled time, idle included. */
  percent: number;
}

export type FrameKey = (frame: CallFrame, file: string) => string;

/** `name (file:line)`; V8's own entries ((idle), (garbage collector), (program)) keep their names. */
export const byFunction: FrameKey = (frame, file) =>
  file ? `${frame.functionName || '(anonymous)'} (${file}:${frame.lineNumber + 1})` : frame.functionName;

/** The npm package, the project folder (src/cii, ...), `node:internal`, or V8's own entry. */
export const byArea: FrameKey = (frame, file) => {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
  if (pkg) return pkg[1]!;
  if (file.startsWith('node:')) return 'node:internal';
  if (file) return file.split('/').slice(0, 2).join('/');
  return frame.functionName;
};

/** The bundle's source map, so that time spent in `dist/main.cjs` is told by the source file it came from. */
function sourceMapOf(path: string): SourceMap | undefined {
  if (!existsSync(`${path}.map`)) return undefined;
  return new SourceMap(JSON.parse(readFileSync(`${path}.map`, 'utf8')) as ConstructorParameters<typeof SourceMap>[0]);
}

function sourceFrame(frame: CallFrame, root: string, maps: Map<string, SourceMap | undefined>): [CallFrame, string] {
  if (!frame.url.startsWith('file://')) return [frame, frame.url];
  const path = new URL(frame.url).pathname;
  if (!maps.has(path)) maps.set(path, sourceMapOf(path));
  const entry = maps.get(path)?.findEntry(frame.lineNumber, frame.columnNumber);
  if (!entry || !('originalSource' in entry) || !entry.originalSource) return [frame, relative(root, path)];
  const original = resolve(dirname(path), entry.originalSource.replace(/^file:\/\//, ''));
  return [{ ...frame, lineNumber: entry.originalLine }, relative(root, original)];
}

/**
 * Self time of a `.cpuprofile` (as written by `node --cpu-prof`) grouped by `keyOf`, hottest first. Frames of a
 * bundle with a `.map` beside it are told by their source file and line.
 */
export function selfTimes(profilePath: string, root: string, keyOf: FrameKey, limit = 15): SelfTime[] {
  const profile = JSON.parse(readFileSync(profilePath, 'utf8')) as CpuProfile;
  const maps = new Map<string, SourceMap | undefined>();
  const frames = new Map(profile.nodes.map((n) => [n.id, sourceFrame(n.callFrame, root, maps)]));
  const totals = new Map<string, number>();
  let totalUs = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    totalUs += delta;
    const mapped = frames.get(id);
    if (!mapped) return;
    const [frame, file] = mapped;
    const key = keyOf(frame, file);
    totals.set(key, (totals.get(key) ?? 0) + delta);
  });
  return [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([key, us]) => ({ key, selfMs: us / 1000, percent: (100 * us) / totalUs }));
}
