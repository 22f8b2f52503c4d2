/** One message that reached a channel, at its arrival time (ms since epoch). */
export interface TimedPost {
  channel: string;
  at: number;
}

export interface ChannelPacing {
  channel: string;
  posts: number;
  /** Sustained rate: posts − 1 intervals over the first-to-last span, in messages per second (NaN under 2 posts). */
  ratePerSecond: number;
  firstAt: number;
  lastAt: number;
  /** Shortest time between two consecutive posts (NaN under 2 posts). */
  minGapMs: number;
  /** Posts that came less than `intervalMs` after the channel's previous one: what a strict limiter would answer 429. */
  tooSoon: number;
  /** Every time between consecutive posts, in order. */
  gapsMs: number[];
}

/** Per-channel posting rate and pacing violations against a limit of one post per `intervalMs`, by channel name. */
export function channelPacing(posts: readonly TimedPost[], intervalMs: number): ChannelPacing[] {
  const byChannel = new Map<string, number[]>();
  for (const post of posts) byChannel.set(post.channel, [...(byChannel.get(post.channel) ?? []), post.at]);
  return [...byChannel]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([channel, unsorted]) => {
      const times = [...unsorted].sort((a, b) => a - b);
      const gaps = times.slice(1).map((t, i) => t - times[i]!);
      const first = times[0]!;
      const last = times[times.length - 1]!;
      return {
        channel,
        posts: times.length,
        ratePerSecond: gaps.length === 0 || last === first ? Number.NaN : (1000 * gaps.length) / (last - first),
        firstAt: first,
        lastAt: last,
        minGapMs: gaps.length === 0 ? Number.NaN : Math.min(...gaps),
        tooSoon: gaps.filter((g) => g < intervalMs).length,
        gapsMs: gaps,
      };
    });
}

/** All channels together: their intervals over the span from the first post anywhere to the last one. */
export function combinedRate(pacings: readonly ChannelPacing[]): number {
  if (pacings.length === 0) return Number.NaN;
  const span = Math.max(...pacings.map((p) => p.lastAt)) - Math.min(...pacings.map((p) => p.firstAt));
  const intervals = pacings.reduce((n, p) => n + p.posts - 1, 0);
  return span > 0 ? (1000 * intervals) / span : Number.NaN;
}
