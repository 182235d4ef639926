// Tier changes: the one writer. A change is a `tier_changes` row, unique on its key (an upgrade
// once per member, level and stint; an evaluation once per member and period), the member's new
// level, and a `tier.changed` event for the flows (from, to, direction, reason). The members' rows
// must be locked by the caller.
// Server-only: the lint allow-list keeps components/ away.
import { sql, type Sql, type Tx } from "@/server/db/sql";
import type { IngestEvent } from "@/server/events/ingest";

export type TierChanged = { id: number; memberId: number; from: string | null; to: string; direction: "up" | "down"; reason: string };

/**
 * Applies the changes `source` proposes: a query of (member_id, to_tier_id, reason, change_key).
 * A proposal to the level the member holds, or under a key already written, changes nothing.
 */
export async function applyTierChanges(tx: Tx, source: Sql, now: Date): Promise<TierChanged[]> {
  const rows = await tx.query<{ id: number; member_id: number; from_tier_id: string | null; to_tier_id: string; reason: string; direction: "up" | "down" }>(sql`
    WITH proposed AS (${source}),
    written AS (
      INSERT INTO tier_changes (member_id, from_tier_id, to_tier_id, reason, change_key, changed_at)
      SELECT p.member_id, m.tier_id, p.to_tier_id, p.reason, p.change_key, ${now}
      FROM proposed p JOIN members m ON m.id = p.member_id
      WHERE m.tier_id IS DISTINCT FROM p.to_tier_id
      ON CONFLICT (change_key) DO NOTHING
      RETURNING id, member_id, from_tier_id, to_tier_id, reason
    ), moved AS (
      UPDATE members m SET tier_id = w.to_tier_id, tier_since = ${now} FROM written w WHERE m.id = w.member_id RETURNING m.id
    )
    SELECT w.id, w.member_id, w.from_tier_id, w.to_tier_id, w.reason,
           CASE WHEN f.rank IS NULL OR t.rank > f.rank THEN 'up' ELSE 'down' END AS direction
    FROM written w JOIN tiers t ON t.id = w.to_tier_id LEFT JOIN tiers f ON f.id = w.from_tier_id, (SELECT count(*) FROM moved) x
    ORDER BY w.id`);
  return rows.map((r) => ({ id: r.id, memberId: r.member_id, from: r.from_tier_id, to: r.to_tier_id, direction: r.direction, reason: r.reason }));
}

/** Events for flows (event_trigger on tier.changed, e.g. with direction = up). */
export const tierChangedEvents = (changes: TierChanged[], now: Date): IngestEvent[] =>
  changes.map((c) => ({ id: `tier.changed:${c.id}`, memberId: c.memberId, name: "tier.changed", occurredAt: now, properties: { from: c.from, to: c.to, direction: c.direction, reason: c.reason } }));

/**
 * Upgrades at once: members of `scope` (a query of member ids, locked) whose growth value reaches
 * a higher level than they hold move up to it. Keyed per member, level and stint (tier_since), so
 * a replay or a concurrent run upgrades once.
 */
export const upgradesOf = (scope: Sql) => sql`
  WITH lv AS (SELECT array_agg(id ORDER BY rank) AS ids, array_agg(growth_threshold ORDER BY rank) AS th FROM tiers),
  m AS (
    SELECT m.id, m.tier_since, array_position(lv.ids, m.tier_id) AS cur, greatest(1, width_bucket(m.growth_value, lv.th)) AS reach, lv.ids
    FROM members m, lv WHERE m.id IN (${scope})
  )
  SELECT id AS member_id, ids[reach] AS to_tier_id, 'growth' AS reason,
         'up:' || id || ':' || ids[reach] || ':' || (extract(epoch FROM tier_since) * 1000)::bigint AS change_key
  FROM m WHERE cur IS NULL OR reach > cur`;
