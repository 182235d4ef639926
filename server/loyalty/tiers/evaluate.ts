// The tier evaluation job: a range of member ids per transaction (members locked in id order, as
// every writer takes them), two ranges at once (ranges.ts), set-based:
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
import { tierChangedEvents, updateStandings, type Evaluation } from "./changes";
import { evaluationPeriodOf } from "./program-schema";
import { loadTierProgram } from "./program";
import { forEachRange, type RangeOptions, type RangeRun } from "../ranges";

/** `written`: members whose row changed (growth value lapsed, level moved, or both); `next`: where to go on. */
export type EvaluationRun = { period: string; written: number; up: number; down: number } & RangeRun;

/** Ranges of 20,000 member ids by default, two at once (ranges.ts). */
export type EvaluationOptions = RangeOptions;

/** One range: growth values lapse, levels follow (up, and down at the period's evaluation), events. */
async function evaluateRange(tx: Tx, lo: number, hi: number, now: Date, evaluation: Evaluation) {
  // Lock the range's members in id order without shipping their ids.
  await tx.query(sql`SELECT count(*) FROM (SELECT id FROM members WHERE id BETWEEN ${lo} AND ${hi} ORDER BY id FOR UPDATE) locked`);
  const { changes, values } = await updateStandings(tx, { lo, hi }, now, evaluation);
  const events = tierChangedEvents(changes, now);
  for (let i = 0; i < events.length; i += MAX_EVENTS_PER_CALL) await ingestEventsIn(tx, events.slice(i, i + MAX_EVENTS_PER_CALL), { now });
  return { written: values, up: changes.filter((c) => c.direction === "up").length, down: changes.filter((c) => c.direction === "down").length };
}

export async function evaluateTiers(pool: Pool, now: Date, options: EvaluationOptions = {}): Promise<EvaluationRun> {
  const { program, timezone } = await withTransaction(pool, async (tx) => ({ program: await loadTierProgram(tx), timezone: (await loadProgram(tx)).timezone }));
  const period = evaluationPeriodOf(now, program.evaluation.period, timezone);
  const [bounds] = await pool.query<{ lo: number | null; hi: number | null }>(`SELECT min(id) AS lo, max(id) AS hi FROM members WHERE id >= $1`, [options.from ?? 0]).then((r) => r.rows);
  const totals = { written: 0, up: 0, down: 0 };
  if (bounds?.lo == null || bounds.hi == null) return { period: period.key, ...totals, chunks: 0, next: null };
  const ranges = await forEachRange(bounds.lo, bounds.hi, { ...options, rangeSize: options.rangeSize ?? 20_000 }, async (lo, hi) => {
    const part = await withTransaction(pool, (tx) => evaluateRange(tx, lo, hi, now, { ...period, rule: program.evaluation.downgrade }));
    totals.written += part.written;
    totals.up += part.up;
    totals.down += part.down;
  });
  return { period: period.key, ...totals, ...ranges };
}
