/**
 * Runs task(0..count-1) keeping `concurrency` in flight at all times (a closed loop: each finished task
 * starts the next). Stops starting new tasks once `shouldStop()` says so. Tasks must not throw.
 */
export async function runClosedLoop(
  count: number,
  concurrency: number,
  task: (index: number) => Promise<void>,
  shouldStop: () => boolean = () => false,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count && !shouldStop()) {
      const index = next;
      next += 1;
      await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}
