/**
 * Keeps a benchmark bounded and tidy: after `deadlineMs` no new work starts, Ctrl-C (or SIGTERM) cleans up
 * and exits, and either way the process exits `hardStopMs` later even if something hangs.
 */
export interface RunGuard {
  /** True once the deadline passed or a signal arrived: start no new work. */
  stopping: () => boolean;
  /** Runs the cleanup once, however often it is called. */
  cleanup(): Promise<void>;
}

export function guardRun(opts: {
  deadlineMs: number;
  hardStopMs: number;
  what: string;
  cleanup: () => Promise<void>;
}): RunGuard {
  let stopping = false;
  let cleaned: Promise<void> | undefined;
  const cleanup = () => (cleaned ??= opts.cleanup());
  const interrupt = (signal: string) => {
    process.stderr.write(`\n${signal}: stopping the app and the simulators\n`);
    stopping = true;
    setTimeout(() => process.exit(130), opts.hardStopMs).unref();
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', () => interrupt('SIGINT'));
  process.once('SIGTERM', () => interrupt('SIGTERM'));
  setTimeout(() => {
    process.stderr.write(
      `\nDeadline of ${opts.deadlineMs / 1000} s reached: no new ${opts.what}; results are partial\n`,
    );
    stopping = true;
    // The process-exit hook of each child kills it.
    setTimeout(() => process.exit(2), opts.hardStopMs).unref();
  }, opts.deadlineMs).unref();
  return { stopping: () => stopping, cleanup };
}
