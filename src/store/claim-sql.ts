/**
 * Per channel with pending work, an open pacing gate and nothing in flight: its oldest claimable delivery
 * (a thread card only once its summary is sent). Channels come first so a large backlog costs one index
 * probe per channel rather than a scan of every pending row. Placeholders differ per backend.
 */
export function claimCandidatesSql(p: { now: string; limit: string }): string {
  return `
  SELECT channel_id, id FROM (
    SELECT c.channel_id, (
      SELECT d.id FROM deliveries d
      LEFT JOIN deliveries p ON p.id = d.parent_id
      WHERE d.channel_id = c.channel_id
        AND d.state = 'pending'
        AND d.next_attempt_at <= ${p.now}
        AND (d.lease_until IS NULL OR d.lease_until <= ${p.now})
        AND (d.parent_id IS NULL OR p.state = 'sent')
      ORDER BY d.id
      LIMIT 1
    ) AS id
    FROM (SELECT DISTINCT channel_id FROM deliveries WHERE state = 'pending') c
    LEFT JOIN channel_gates g ON g.channel_id = c.channel_id
    WHERE (g.not_before IS NULL OR g.not_before <= ${p.now})
      AND NOT EXISTS (
        SELECT 1 FROM deliveries l
        WHERE l.channel_id = c.channel_id AND l.lease_until > ${p.now} AND l.state = 'pending'
      )
  ) due
  WHERE id IS NOT NULL
  ORDER BY id
  LIMIT ${p.limit}`;
}
