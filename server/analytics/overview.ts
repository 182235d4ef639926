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
import { COUNTED, liveFilter } from "./day-orders";
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
  /** Days of both periods read from the daily rollup, and days read live (today, unrolled, changed). */
  rollup: { days: number; liveDays: number };
  ms: number;
};

const STAGES = lifecycleStages;
const zero = (): Omit<Figures, "aov"> => ({ newMembers: 0, activeMembers: 0, orders: 0, spend: 0, redemptions: 0, discount: 0 });
type RolledRow = { k: number; newMembers: number; orders: number; spend: number; redemptions: number; discount: number };

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
  // Buckets by the instants their first days start at in the time zone: comparing instants is
  // much cheaper per row than converting every row to a local date.
  const edges = starts.map((day) => periodRange({ from: day, to: day }).start);
  const bucketOf = (column: string) => sql`width_bucket(${rawSql(column)}, ${edges}::timestamptz[])`;

  // Days of both periods the rollup serves (rolled, not changed since); the rest are read live.
  const spanDays = Array.from({ length: periodDays(previous) + periodDays(range) }, (_, i) => addDays(previous.from, i));
  const started = performance.now();
  const clean = new Set(
    (
      await db.$queryRaw<{ day: string }[]>(sql`
        SELECT d.day::text AS day FROM insights_days d
        WHERE d.day BETWEEN ${previous.from}::date AND ${range.to}::date
          AND NOT EXISTS (SELECT 1 FROM insights_dirty_days x WHERE x.day = d.day)`)
    ).map((r) => r.day),
  );
  let k = 0;
  const bucketOfDay = spanDays.map((day) => (k < starts.length && day === starts[k] ? ++k : k));
  const rolledDays = spanDays.filter((day) => clean.has(day));
  const rolledK = spanDays.flatMap((day, i) => (clean.has(day) ? [bucketOfDay[i]!] : []));
  const live = liveFilter(spanDays.filter((day) => !clean.has(day)));

  const [rolled, active, orders, registered, redeemed, stages, tiers] = await Promise.all([
    db.$queryRaw<RolledRow[]>(sql`
      SELECT t.k, sum(d.new_members)::int AS "newMembers", sum(d.orders)::int AS orders, sum(d.spend)::float8 AS spend,
             sum(d.redemptions)::int AS redemptions, sum(d.discount)::float8 AS discount
      FROM unnest(${rolledDays}::date[], ${rolledK}::int[]) AS t(day, k) JOIN insights_days d ON d.day = t.day GROUP BY t.k`),
    // Distinct active members per bucket and per period: the popcount of the OR of the rolled
    // days' bitmaps, plus the members active on live days whose bit is not set there.
    db.$queryRaw<{ kind: "bucket" | "side"; key: number; n: number }[]>(sql`
      WITH t AS (SELECT * FROM unnest(${rolledDays}::date[], ${rolledK}::int[]) AS t(day, k)),
      bk AS (SELECT t.k, bit_or(d.active_members) AS b FROM t JOIN insights_days d ON d.day = t.day GROUP BY t.k),
      sd AS (SELECT (bk.k > ${n})::int AS side, bit_or(bk.b) AS b FROM bk GROUP BY 1),
      lv AS (SELECT DISTINCT ${bucketOf("o.placed_at")} AS k, o.member_id FROM orders o WHERE ${live("o.placed_at")} AND ${COUNTED}),
      ls AS (SELECT DISTINCT (lv.k > ${n})::int AS side, lv.member_id FROM lv)
      SELECT 'bucket' AS kind, k AS key, sum(n)::int AS n FROM (
        SELECT bk.k, bit_count(bk.b) AS n FROM bk
        UNION ALL SELECT lv.k, count(*) FILTER (WHERE bk.b IS NULL OR lv.member_id >= length(bk.b) OR get_bit(bk.b, lv.member_id) = 0)
          FROM lv LEFT JOIN bk ON bk.k = lv.k GROUP BY lv.k) x GROUP BY k
      UNION ALL
      SELECT 'side', side, sum(n)::int FROM (
        SELECT sd.side, bit_count(sd.b) AS n FROM sd
        UNION ALL SELECT ls.side, count(*) FILTER (WHERE sd.b IS NULL OR ls.member_id >= length(sd.b) OR get_bit(sd.b, ls.member_id) = 0)
          FROM ls LEFT JOIN sd ON sd.side = ls.side GROUP BY ls.side) y GROUP BY side`),
    db.$queryRaw<{ k: number; orders: number; spend: number }[]>(sql`
      SELECT ${bucketOf("o.placed_at")} AS k, count(*)::int AS orders, coalesce(sum(o.total_amount - o.refunded_amount), 0)::float8 AS spend
      FROM orders o WHERE ${live("o.placed_at")} AND ${COUNTED} GROUP BY 1`),
    db.$queryRaw<{ k: number; n: number }[]>(sql`
      SELECT ${bucketOf("m.registered_at")} AS k, count(*)::int AS n FROM members m WHERE ${live("m.registered_at")} GROUP BY 1`),
    db.$queryRaw<{ k: number; n: number; discount: number }[]>(sql`
      SELECT ${bucketOf("r.redeemed_at")} AS k, count(*)::int AS n, coalesce(sum(r.discount_amount), 0)::float8 AS discount
      FROM coupon_redemptions r WHERE ${live("r.redeemed_at")} AND r.rolled_back_at IS NULL GROUP BY 1`),
    db.$queryRaw<{ stage: string | null; n: number }[]>(sql`
      SELECT stage::text, n FROM (SELECT s.lifecycle_stage AS stage, count(*)::int AS n FROM member_stats s GROUP BY 1) x
      UNION ALL SELECT NULL, count(*)::int FROM members`),
    db.$queryRaw<{ tierId: string; name: string; nameEn: string; rank: number; n: number }[]>(sql`
      SELECT t.id AS "tierId", t.name, t.name_en AS "nameEn", t.rank, coalesce(c.n, 0)::int AS n
      FROM tiers t LEFT JOIN (SELECT m.tier_id, count(*) AS n FROM members m GROUP BY 1) c ON c.tier_id = t.id
      ORDER BY t.rank`),
  ]);
  const ms = Math.round(performance.now() - started);

  const cells = starts.map(zero);
  const cell = (k: number | null) => (k === null ? undefined : cells[k - 1]);
  for (const row of rolled) {
    const c = cell(row.k);
    if (c) Object.assign(c, { newMembers: row.newMembers, orders: row.orders, spend: row.spend, redemptions: row.redemptions, discount: row.discount });
  }
  for (const row of orders) {
    const c = cell(row.k);
    if (c) Object.assign(c, { orders: c.orders + row.orders, spend: c.spend + row.spend });
  }
  for (const row of registered) {
    const c = cell(row.k);
    if (c) c.newMembers += row.n;
  }
  for (const row of redeemed) {
    const c = cell(row.k);
    if (c) Object.assign(c, { redemptions: c.redemptions + row.n, discount: c.discount + row.discount });
  }
  const totals = { current: zero(), prior: zero() };
  for (const row of active) {
    if (row.kind === "bucket") {
      const c = cell(row.key);
      if (c) c.activeMembers = row.n;
    } else (row.key === 1 ? totals.current : totals.prior).activeMembers = row.n;
  }
  cells.forEach((c, i) => {
    const side = i < n ? totals.prior : totals.current;
    side.newMembers += c.newMembers;
    side.orders += c.orders;
    side.spend += c.spend;
    side.redemptions += c.redemptions;
    side.discount += c.discount;
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
    rollup: { days: rolledDays.length, liveDays: spanDays.length - rolledDays.length },
    ms,
  };
}
