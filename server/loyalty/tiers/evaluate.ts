// The tier evaluation job: a range of member ids per transaction (members locked in id order, as
// every writer takes them), set-based:
//   1. growth value lapses: each member's value becomes the sum of the entries unlapsed now;
//   2. downgrades at the evaluation: members who held their level since before the current period
//      began, and whose growth value at that instant reached a lower level, drop one level or land
//      where it says (the program's rule) — never below what their growth value reaches now;
//   3. upgrades any member whose growth value reaches a higher level (e.g. after thresholds changed).
// Every change is a tier_changes row unique per member and period (`eval:<period>:<member>`) or per
// member, level and stint (upgrades), and a tier.changed event through the one ingest path. Reading
// the growth at the period's first instant makes any run in the period reach the same verdicts:
// re-running, or running daily, changes nothing twice. Both runtimes schedule it
// (graphile-worker's `evaluate_tiers`, Inngest's `evaluate-tiers`).
// Server-only: the lint allow-list keeps components/ away.
import { sql, withTransaction, type Pool, type Tx } from "@/server/db/sql";
import { ingestEventsIn, MAX_EVENTS_PER_CALL } from "@/server/events/ingest";
import { loadProgram } from "@/server/loyalty/program";
import { applyTierChanges, tierChangedEvents, upgradesOf } from "./changes";
import { refreshGrowth } from "./growth";
import { evaluationPeriodOf, type TierProgram } from "./program-schema";
import { loadTierProgram } from "./program";

/** `next`: the member id to continue from (null when every range was done). */
export type EvaluationRun = { period: string; lapsed: number; up: number; down: number; chunks: number; next: number | null };

export type EvaluationOptions = {
  /** Member ids per transaction (default 20,000). */
  rangeSize?: number;
  /** Start at this member id (a previous run's `next`). */
  from?: number;
  /** Stop after this many ranges and say where to go on (an Inngest step each). */
  maxRanges?: number;
  stopping?: () => boolean;
};

/** Downgrades of the members of [lo, hi] at the evaluation that began at `start`. */
function downgradesOf(lo: number, hi: number, start: Date, key: string, rule: TierProgram["evaluation"]["downgrade"]) {
  return sql`
    WITH lv AS (SELECT array_agg(id ORDER BY rank) AS ids, array_agg(growth_threshold ORDER BY rank) AS th FROM tiers),
    at_start AS (
      SELECT member_id, sum(amount)::int AS value FROM growth_entries
      WHERE member_id BETWEEN ${lo} AND ${hi} AND earned_at < ${start} AND (expires_at IS NULL OR expires_at > ${start})
      GROUP BY member_id
    ), m AS (
      SELECT m.id, array_position(lv.ids, m.tier_id) AS cur, lv.ids,
             greatest(1, width_bucket(coalesce(s.value, 0), lv.th)) AS at_start,
             greatest(1, width_bucket(m.growth_value, lv.th)) AS reach
      FROM members m CROSS JOIN lv LEFT JOIN at_start s ON s.member_id = m.id
      WHERE m.id BETWEEN ${lo} AND ${hi} AND m.tier_since < ${start}
    ), verdict AS (
      SELECT id, cur, ids, greatest(reach, CASE WHEN ${rule} = 'one_level' THEN greatest(at_start, cur - 1) ELSE at_start END) AS landing
      FROM m WHERE at_start < cur
    )
    SELECT id AS member_id, ids[landing] AS to_tier_id, 'evaluation' AS reason, 'eval:' || ${key}::text || ':' || id AS change_key
    FROM verdict WHERE landing < cur`;
}

/** One range: lapse, downgrades, upgrades, events. */
async function evaluateRange(tx: Tx, lo: number, hi: number, now: Date, period: { key: string; start: Date }, rule: TierProgram["evaluation"]["downgrade"]) {
  // Lock the range's members in id order without shipping their ids.
  await tx.query(sql`SELECT count(*) FROM (SELECT id FROM members WHERE id BETWEEN ${lo} AND ${hi} ORDER BY id FOR UPDATE) locked`);
  const scope = sql`SELECT id FROM members WHERE id BETWEEN ${lo} AND ${hi}`;
  const lapsed = await refreshGrowth(tx, scope, now);
  const down = await applyTierChanges(tx, downgradesOf(lo, hi, period.start, period.key, rule), now);
  const up = await applyTierChanges(tx, upgradesOf(scope), now);
  const events = tierChangedEvents([...down, ...up], now);
  for (let i = 0; i < events.length; i += MAX_EVENTS_PER_CALL) await ingestEventsIn(tx, events.slice(i, i + MAX_EVENTS_PER_CALL), { now });
  return { lapsed, up: up.length, down: down.filter((d) => d.direction === "down").length };
}

export async function evaluateTiers(pool: Pool, now: Date, options: EvaluationOptions = {}): Promise<EvaluationRun> {
  const rangeSize = options.rangeSize ?? 20_000;
  const { program, timezone } = await withTransaction(pool, async (tx) => ({ program: await loadTierProgram(tx), timezone: (await loadProgram(tx)).timezone }));
  const period = evaluationPeriodOf(now, program.evaluation.period, timezone);
  const [bounds] = await pool.query<{ lo: number | null; hi: number | null }>(`SELECT min(id) AS lo, max(id) AS hi FROM members WHERE id >= $1`, [options.from ?? 0]).then((r) => r.rows);
  const run: EvaluationRun = { period: period.key, lapsed: 0, up: 0, down: 0, chunks: 0, next: null };
  if (bounds?.lo == null || bounds.hi == null) return run;
  for (let lo = bounds.lo; lo <= bounds.hi; lo += rangeSize) {
    if (options.stopping?.() || (options.maxRanges !== undefined && run.chunks >= options.maxRanges)) {
      run.next = lo;
      break;
    }
    const part = await withTransaction(pool, (tx) => evaluateRange(tx, lo, lo + rangeSize - 1, now, period, program.evaluation.downgrade));
    run.chunks += 1;
    run.lapsed += part.lapsed;
    run.up += part.up;
    run.down += part.down;
  }
  return run;
}
