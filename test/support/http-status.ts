/** The HTTP status `url` answers with, or 0 when nothing answers (a process still starting, or gone). */
export const statusOf = (url: string): Promise<number> =>
  fetch(url).then(
    (r) => r.status,
    () => 0,
  );
