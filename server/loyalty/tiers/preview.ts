// The preview of a candidate tier program before it is saved: where the whole base would land —
// per level, members now and after the next evaluation (upgrades at once, downgrades by the
// candidate's rule) — and how many go up and down. One aggregate statement over members: a single
// scan, no row per member leaves the database.
// Server-only: the lint allow-list keeps components/ away.
import { sql, type Tx } from "@/server/db/sql";
import type { TierPreview, TierProgram } from "./program-schema";

export async function previewTierProgram(tx: Tx, program: TierProgram): Promise<TierPreview> {
  const started = performance.now();
  const ids = program.levels.map((l) => l.id);
  const rows = await tx.query<{ cur: number | null; landing: number; members: number }>(sql`
    WITH lv AS (SELECT ${ids}::text[] AS ids, ${program.levels.map((l) => l.threshold)}::int[] AS th),
    m AS (
      SELECT array_position(lv.ids, m.tier_id) AS cur, greatest(1, width_bucket(m.growth_value, lv.th)) AS reach
      FROM members m CROSS JOIN lv
    )
    SELECT cur,
           CASE WHEN cur IS NULL OR reach >= cur THEN reach
                WHEN ${program.evaluation.downgrade} = 'one_level' THEN greatest(reach, cur - 1)
                ELSE reach END AS landing,
           count(*)::int AS members
    FROM m GROUP BY 1, 2`);
  const now = new Array<number>(ids.length).fill(0);
  const after = new Array<number>(ids.length).fill(0);
  let up = 0;
  let down = 0;
  let placed = 0;
  for (const r of rows) {
    after[r.landing - 1]! += r.members;
    if (r.cur === null) placed += r.members;
    else {
      now[r.cur - 1]! += r.members;
      if (r.landing > r.cur) up += r.members;
      if (r.landing < r.cur) down += r.members;
    }
  }
  return {
    levels: ids.map((id, i) => ({ id, now: now[i]!, after: after[i]! })),
    up,
    down,
    placed,
    members: rows.reduce((n, r) => n + r.members, 0),
    ms: Math.round(performance.now() - started),
  };
}
