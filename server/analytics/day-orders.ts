// SERVER-ONLY. Counted orders by local day, as every Insights chart reads them: which orders count
// (COUNTED, the same rule as member_stats), how a set of local days becomes a filter on an instant
// column, and each member's order count over periods — from the daily rollup's `order_members`
// for rolled, unchanged days and from `orders` for the rest (today, days not rolled yet, days
// changed since), so the counts are exact either way (docs/insights.md).
import type { PrismaClient } from "@prisma/client";
import { join, raw, sql, type Sql } from "@/server/db/sql";
import { COUNTED as COUNTED_PREDICATE } from "@/server/members/stats";
import { PROGRAM_TIMEZONE, addDays, dayNumber, periodRange, type Period } from "./periods";

/** An order that still counts: not refunded in full (the partial indexes' predicate, word for word). */
export const COUNTED = raw(COUNTED_PREDICATE);

/** A filter on an instant column to the given local days (merged into runs); FALSE when none. */
export function liveFilter(days: string[]): (column: string) => Sql {
  if (days.length === 0) return () => sql`FALSE`;
  const runs: Period[] = [];
  for (const day of [...days].sort()) {
    const last = runs.at(-1);
    if (last && addDays(last.to, 1) === day) last.to = day;
    else runs.push({ from: day, to: day });
  }
  const ranges = runs.map((run) => periodRange(run));
  return (column) => sql`(${join(ranges.map(({ start, end }) => sql`(${raw(column)} >= ${start} AND ${raw(column)} < ${end})`), " OR ")})`;
}

// `order_members` holds the member id of each counted order of the day, sorted, as 4-byte integers
// in the byte order of typed arrays (little-endian on every platform Node runs on).

export function packMemberIds(ids: number[]): Buffer {
  const sorted = Int32Array.from(ids).sort();
  return Buffer.from(sorted.buffer, sorted.byteOffset, sorted.byteLength);
}

/** A copy (the bytes a driver hands over need not be 4-byte aligned). */
export function unpackMemberIds(packed: Uint8Array): Int32Array {
  const out = new Int32Array(packed.byteLength >> 2);
  new Uint8Array(out.buffer).set(packed.subarray(0, out.byteLength));
  return out;
}

const daysOf = (p: Period) => Array.from({ length: dayNumber(p.to) - dayNumber(p.from) + 1 }, (_, i) => addDays(p.from, i));

export type OrderCounts = {
  /** `counts[k][id]`: member `id`'s counted orders in `periods[k]` (ids past the end: 0). */
  counts: Int32Array[];
  /** Days read from the rollup and days read live. */
  rolledDays: number;
  liveDays: number;
};

/** Each member's counted orders in each period (periods may overlap). */
export async function orderCountsByMember(db: PrismaClient, periods: Period[]): Promise<OrderCounts> {
  const periodDays = periods.map(daysOf);
  const allDays = [...new Set(periodDays.flat())];
  // As base64 text: the driver adapter hands text over many times faster than bytea.
  const rolled = await db.$queryRaw<{ day: string; ids: string }[]>(sql`
    SELECT d.day::text AS day, encode(d.order_members, 'base64') AS ids FROM insights_days d
    WHERE d.day = ANY(${allDays}::date[]) AND d.order_members IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM insights_dirty_days x WHERE x.day = d.day)`);
  const idsOf = new Map(rolled.map((r) => [r.day, unpackMemberIds(Buffer.from(r.ids, "base64"))]));
  const liveDays = allDays.filter((day) => !idsOf.has(day));
  const live = liveDays.length
    ? await db.$queryRaw<{ id: number; day: string; n: number }[]>(sql`
        SELECT o.member_id AS id, (o.placed_at AT TIME ZONE ${PROGRAM_TIMEZONE})::date::text AS day, count(*)::int AS n
        FROM orders o WHERE ${liveFilter(liveDays)("o.placed_at")} AND ${COUNTED} GROUP BY 1, 2`)
    : [];
  let maxId = 0;
  for (const ids of idsOf.values()) if (ids.length) maxId = Math.max(maxId, ids[ids.length - 1]!);
  for (const row of live) maxId = Math.max(maxId, row.id);
  const liveByDay = new Map<string, { id: number; n: number }[]>();
  for (const row of live) (liveByDay.get(row.day) ?? liveByDay.set(row.day, []).get(row.day)!).push(row);
  const counts = periodDays.map((days) => {
    const count = new Int32Array(maxId + 1);
    for (const day of days) {
      const ids = idsOf.get(day);
      if (ids) for (let i = 0; i < ids.length; i++) count[ids[i]!]! += 1;
      else for (const { id, n } of liveByDay.get(day) ?? []) count[id]! += n;
    }
    return count;
  });
  return { counts, rolledDays: allDays.length - liveDays.length, liveDays: liveDays.length };
}
