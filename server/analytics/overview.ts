// SERVER-ONLY. The Insights overview: members by lifecycle stage and by tier (now), and over a
// date range by day, week or month — new members, active members, orders, spend, average order
// value, coupon redemptions — each beside the previous period of the same length.
//
// What counts (docs/insights.md): periods are whole days in Asia/Shanghai, both ends included.
// An order refunded in full counts nowhere; a partial refund leaves the order counted and its
// spend is what was kept (total − refunded), in the bucket the order was placed in. A redemption
// counts unless it was rolled back.
//
// Each figure family is one statement over an index range of the two periods (previous and
// current), bucketed by width_bucket over the instants the buckets start at; active members are
// distinct per bucket and per period (GROUPING SETS), not sums of days.
import type { PrismaClient } from "@prisma/client";
import { z } from "zod";
import { raw as rawSql, sql } from "@/server/db/sql";
import { COUNTED } from "./frequency";
import { granularities, type Granularity } from "./schemas";
import { lifecycleStages, type LifecycleStage } from "@/server/loyalty/lifecycle/settings-schema";
import { PROGRAM_TIMEZONE, addDays, dayNumber, lastDays, periodDays, periodRange, periodSchema, previousPeriod, type Period } from "./periods";

type Db = PrismaClient;

export const DEFAULT_OVERVIEW_DAYS = 30;

export const overviewInput = z.object({
  /** Without it: the last 30 days ending today (today included). */
  range: periodSchema.optional(),
  granularity: z.enum(granularities, { error: "Choose day, week or month" }).default("day"),
});
export type OverviewInput = z.input<typeof overviewInput>;

// ───────────────────────────── buckets ─────────────────────────────

export type Bucket = { from: string; to: string };

/**
 * The range cut into days, ISO weeks (Monday first) or calendar months; the first and last
 * bucket are clipped to the range, so every bucket lies inside it.
 */
export function buckets(range: Period, granularity: Granularity): Bucket[] {
  const out: Bucket[] = [];
  let from = range.from;
  while (dayNumber(from) <= dayNumber(range.to)) {
    let next: string;
    if (granularity === "day") next = addDays(from, 1);
    else if (granularity === "week") {
      const weekday = (new Date(`${from}T00:00:00Z`).getUTCDay() + 6) % 7; // Monday 0
      next = addDays(from, 7 - weekday);
    } else {
      const [y, m] = from.split("-").map(Number) as [number, number];
      next = new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10);
    }
    const to = dayNumber(next) - 1 > dayNumber(range.to) ? range.to : addDays(next, -1);
    out.push({ from, to });
    from = next;
  }
  return out;
}

// ───────────────────────────── the overview ─────────────────────────────

export type Figures = {
  newMembers: number;
  activeMembers: number;
  orders: number;
  spend: number;
  /** spend / orders; null without orders. */
  aov: number | null;
  redemptions: number;
  discount: number;
};
export type OverviewPoint = { bucket: Bucket; previous: Bucket; current: Figures; prior: Figures };
export type Overview = {
  timezone: string;
  granularity: Granularity;
  range: Period;
  previous: Period;
  totalMembers: number;
  byStage: { stage: LifecycleStage; members: number }[];
  byTier: { tierId: string; name: string; nameEn: string; rank: number; members: number }[];
  totals: { current: Figures; prior: Figures };
  series: OverviewPoint[];
  ms: number;
};

const STAGES = lifecycleStages;
const zero = (): Omit<Figures, "aov"> => ({ newMembers: 0, activeMembers: 0, orders: 0, spend: 0, redemptions: 0, discount: 0 });
const withAov = (f: Omit<Figures, "aov">): Figures => ({ ...f, aov: f.orders > 0 ? f.spend / f.orders : null });

export async function overview(db: Db, raw: OverviewInput = {}, now = new Date()): Promise<Overview> {
  const input = overviewInput.parse(raw);
  const range = input.range ?? lastDays(DEFAULT_OVERVIEW_DAYS, now);
  const previous = previousPeriod(range);
  const current = buckets(range, input.granularity);
  const shift = periodDays(range);
  const prior = current.map((b) => ({ from: addDays(b.from, -shift), to: addDays(b.to, -shift) }));
  // Buckets of both periods in order: [prior 0 … prior n-1, current 0 … current n-1].
  const starts = [...prior, ...current].map((b) => b.from);
  const n = current.length;
  const { start } = periodRange(previous);
  const { start: currentStart, end } = periodRange(range);
  // Buckets by the instants their first days start at in the time zone: comparing instants is
  // much cheaper per row than converting every row to a local date.
  const edges = starts.map((day) => periodRange({ from: day, to: day }).start);
  const bucketOf = (column: string) => sql`width_bucket(${rawSql(column)}, ${edges}::timestamptz[])`;

  const started = performance.now();
  const [orders, registered, redeemed, stages, tiers] = await Promise.all([
    db.$queryRaw<{ k: number | null; side: boolean | null; orders: number; active: number; spend: number }[]>(sql`
      SELECT k, side, count(*)::int AS orders, count(DISTINCT member_id)::int AS active, coalesce(sum(net), 0)::float8 AS spend
      FROM (SELECT o.member_id, o.total_amount - o.refunded_amount AS net, ${bucketOf("o.placed_at")} AS k, o.placed_at >= ${currentStart} AS side
            FROM orders o WHERE o.placed_at >= ${start} AND o.placed_at < ${end} AND ${COUNTED}) x
      GROUP BY GROUPING SETS ((k), (side))`),
    db.$queryRaw<{ k: number; n: number }[]>(sql`
      SELECT ${bucketOf("m.registered_at")} AS k, count(*)::int AS n
      FROM members m WHERE m.registered_at >= ${start} AND m.registered_at < ${end} GROUP BY 1`),
    db.$queryRaw<{ k: number; n: number; discount: number }[]>(sql`
      SELECT ${bucketOf("r.redeemed_at")} AS k, count(*)::int AS n, coalesce(sum(r.discount_amount), 0)::float8 AS discount
      FROM coupon_redemptions r WHERE r.redeemed_at >= ${start} AND r.redeemed_at < ${end} AND r.rolled_back_at IS NULL GROUP BY 1`),
    db.$queryRaw<{ stage: string | null; n: number }[]>(sql`
      SELECT s.lifecycle_stage::text AS stage, count(*)::int AS n FROM member_stats s GROUP BY 1
      UNION ALL SELECT NULL, count(*)::int FROM members`),
    db.$queryRaw<{ tierId: string; name: string; nameEn: string; rank: number; n: number }[]>(sql`
      SELECT t.id AS "tierId", t.name, t.name_en AS "nameEn", t.rank, coalesce(c.n, 0)::int AS n
      FROM tiers t LEFT JOIN (SELECT m.tier_id, count(*) AS n FROM members m GROUP BY 1) c ON c.tier_id = t.id
      ORDER BY t.rank`),
  ]);
  const ms = Math.round(performance.now() - started);

  const cells = starts.map(zero);
  const totals = { current: zero(), prior: zero() };
  for (const row of orders) {
    if (row.k !== null) {
      const cell = cells[row.k - 1];
      if (cell) Object.assign(cell, { orders: row.orders, activeMembers: row.active, spend: row.spend });
    } else if (row.side !== null) {
      Object.assign(row.side ? totals.current : totals.prior, { orders: row.orders, activeMembers: row.active, spend: row.spend });
    }
  }
  for (const row of registered) {
    const cell = cells[row.k - 1];
    if (cell) cell.newMembers = row.n;
  }
  for (const row of redeemed) {
    const cell = cells[row.k - 1];
    if (cell) Object.assign(cell, { redemptions: row.n, discount: row.discount });
  }
  cells.forEach((cell, i) => {
    const side = i < n ? totals.prior : totals.current;
    side.newMembers += cell.newMembers;
    side.redemptions += cell.redemptions;
    side.discount += cell.discount;
  });

  const totalMembers = stages.find((r) => r.stage === null)?.n ?? 0;
  const counted = new Map(stages.filter((r) => r.stage !== null).map((r) => [r.stage!, r.n]));
  const withStats = [...counted.values()].reduce((x, y) => x + y, 0);
  // A member without a member_stats row yet (registered since the last refresh) is "new", as the
  // audience compiler reads a missing row.
  const byStage = STAGES.map((stage) => ({ stage, members: (counted.get(stage) ?? 0) + (stage === "new" ? totalMembers - withStats : 0) }));

  return {
    timezone: PROGRAM_TIMEZONE,
    granularity: input.granularity,
    range,
    previous,
    totalMembers,
    byStage,
    byTier: tiers.map((t) => ({ tierId: t.tierId, name: t.name, nameEn: t.nameEn, rank: t.rank, members: t.n })),
    totals: { current: withAov(totals.current), prior: withAov(totals.prior) },
    series: current.map((bucket, i) => ({ bucket, previous: prior[i]!, current: withAov(cells[n + i]!), prior: withAov(cells[i]!) })),
    ms,
  };
}
