import { writeFileSync } from 'node:fs';

/**
 * Sets a process's VmHWM back to its current RSS (Linux: `5` into /proc/<pid>/clear_refs, same user only),
 * so the next VmHWM reading is the peak of what ran in between rather than since the process started.
 */
export function resetPeakRss(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}
