import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
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

/** Self time of a `.cpuprofile` (as written by `node --cpu-prof`) grouped by `keyOf`, hottest first. */
export function selfTimes(profilePath: string, root: string, keyOf: FrameKey, limit = 15): SelfTime[] {
  const profile = JSON.parse(readFileSync(profilePath, 'utf8')) as CpuProfile;
  const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const totals = new Map<string, number>();
  let totalUs = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    totalUs += delta;
    const frame = frames.get(id);
    if (!frame) return;
    const file = frame.url.startsWith('file://') ? relative(root, new URL(frame.url).pathname) : frame.url;
    const key = keyOf(frame, file);
    totals.set(key, (totals.get(key) ?? 0) + delta);
  });
  return [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([key, us]) => ({ key, selfMs: us / 1000, percent: (100 * us) / totalUs }));
}
