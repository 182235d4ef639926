// Standings: the one writer of members' growth value and level. For a scope of members (locked
// by the caller) it computes, in one statement, each member's growth value now (the sum of the
// unlapsed entries) and the level that follows:
//   - up at once, when the value reaches a higher level (keyed per member, level and stint);
//   - down at an evaluation (when one is given): members who held their level since before the
//     period began, and whose value at that instant reached a lower level, drop one level or land
//     where it says (the program's rule), never below what their value reaches now (keyed per
//     member and period).
// A change is a `tier_changes` row unique on its key, and the member's row is written once (value
// and level together: one row version); a key already written changes nothing. Returns the
// changes, for `tier.changed` events (from, to, direction, reason).
// Server-only: the lint allow-list keeps components/ away.
import { raw, sql, type Sql, type Tx } from "@/server/db/sql";
import type { IngestEvent } from "@/server/events/ingest";
import type { TierProgram } from "./program-schema";

export type TierChanged = { id: number; memberId: number; from: string | null; to: string; direction: "up" | "down"; reason: string };

/** Members by id range (the evaluation) or by ids (what just happened to them). */
export type Scope = { lo: number; hi: number } | { ids: number[] };
const inScope = (column: string, scope: Scope): Sql =>
  "ids" in scope ? sql`${raw(column)} = ANY(${scope.ids}::int[])` : sql`${raw(column)} BETWEEN ${scope.lo} AND ${scope.hi}`;

export type Evaluation = { key: string; start: Date; rule: TierProgram["evaluation"]["downgrade"] };

export async function updateStandings(tx: Tx, scope: Scope, now: Date, evaluation: Evaluation | null = null): Promise<{ changes: TierChanged[]; values: number }> {
  // Without an evaluation no one is due a downgrade: the period "starts" at -infinity.
  const start = evaluation?.start ?? new Date(0);
  const rows = await tx.query<{ id: number | null; member_id: number | null; from_tier_id: string | null; to_tier_id: string | null; reason: string | null; direction: "up" | "down" | null; values: number }>(sql`
    WITH lv AS (SELECT array_agg(id ORDER BY rank) AS ids, array_agg(growth_threshold ORDER BY rank) AS th FROM tiers),
    g AS (
      SELECT member_id,
             sum(amount) FILTER (WHERE expires_at IS NULL OR expires_at > ${now})::int AS now_value,
             sum(amount) FILTER (WHERE earned_at < ${start} AND (expires_at IS NULL OR expires_at > ${start}))::int AS start_value
      FROM growth_entries WHERE ${inScope("member_id", scope)} GROUP BY member_id
    ), m AS (
      SELECT m.id, m.growth_value, m.tier_id, m.tier_since, coalesce(g.now_value, 0) AS value, lv.ids,
             array_position(lv.ids, m.tier_id) AS cur,
             greatest(1, width_bucket(coalesce(g.now_value, 0), lv.th)) AS reach,
             greatest(1, width_bucket(coalesce(g.start_value, 0), lv.th)) AS at_start
      FROM members m CROSS JOIN lv LEFT JOIN g ON g.member_id = m.id
      WHERE ${inScope("m.id", scope)}
    ), proposed AS (
      SELECT id AS member_id, value, tier_id AS from_tier_id, ids[landing] AS to_tier_id, reason,
             CASE reason WHEN 'growth' THEN 'up:' || id || ':' || ids[landing] || ':' || (extract(epoch FROM tier_since) * 1000)::bigint
                         ELSE 'eval:' || ${evaluation?.key ?? ""}::text || ':' || id END AS change_key
      FROM (
        SELECT m.*,
               CASE WHEN cur IS NULL OR reach > cur THEN reach
                    WHEN ${evaluation !== null} AND tier_since < ${start} AND at_start < cur
                      THEN greatest(reach, CASE WHEN ${evaluation?.rule ?? "recompute"}::text = 'one_level' THEN greatest(at_start, cur - 1) ELSE at_start END)
               END AS landing,
               CASE WHEN cur IS NULL OR reach > cur THEN 'growth' ELSE 'evaluation' END AS reason
        FROM m
      ) v
      WHERE value IS DISTINCT FROM growth_value OR landing IS DISTINCT FROM cur AND landing IS NOT NULL
    ), written AS (
      INSERT INTO tier_changes (member_id, from_tier_id, to_tier_id, reason, change_key, changed_at)
      SELECT member_id, from_tier_id, to_tier_id, reason, change_key, ${now}
      FROM proposed WHERE to_tier_id IS NOT NULL AND to_tier_id IS DISTINCT FROM from_tier_id
      ON CONFLICT (change_key) DO NOTHING
      RETURNING id, member_id, from_tier_id, to_tier_id, reason
    ), moved AS (
      UPDATE members m SET growth_value = p.value, tier_id = coalesce(w.to_tier_id, m.tier_id), tier_since = CASE WHEN w.id IS NULL THEN m.tier_since ELSE ${now} END
      FROM proposed p LEFT JOIN written w ON w.member_id = p.member_id
      WHERE m.id = p.member_id AND (w.id IS NOT NULL OR p.value IS DISTINCT FROM m.growth_value)
      RETURNING m.id
    )
    SELECT w.id, w.member_id, w.from_tier_id, w.to_tier_id, w.reason,
           CASE WHEN w.id IS NULL THEN NULL WHEN f.rank IS NULL OR t.rank > f.rank THEN 'up' ELSE 'down' END AS direction,
           (SELECT count(*)::int FROM moved) AS values
    FROM (SELECT 1) one LEFT JOIN written w ON true LEFT JOIN tiers t ON t.id = w.to_tier_id LEFT JOIN tiers f ON f.id = w.from_tier_id
    ORDER BY w.id`);
  return {
    values: rows[0]?.values ?? 0,
    changes: rows.flatMap((r) => (r.id === null ? [] : [{ id: r.id, memberId: r.member_id!, from: r.from_tier_id, to: r.to_tier_id!, direction: r.direction!, reason: r.reason! }])),
  };
}

/** Events for flows (event_trigger on tier.changed, e.g. with direction = up). */
export const tierChangedEvents = (changes: TierChanged[], now: Date): IngestEvent[] =>
  changes.map((c) => ({ id: `tier.changed:${c.id}`, memberId: c.memberId, name: "tier.changed", occurredAt: now, properties: { from: c.from, to: c.to, direction: c.direction, reason: c.reason } }));
