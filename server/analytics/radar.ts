// SERVER-ONLY. Compare groups (the Insights radar): 2–6 member groups on up to eight indicators,
// each group's raw values, its size, and the values normalised per axis (schemas.ts `normalise`).
//
// Indicators (docs/insights.md) read member_stats (hourly; windows as of its last refresh) and
// the members' own columns; a member without a member_stats row counts as no orders, no visits.
// One statement per group (its figures and its coupons), the groups one after another.
import type { PrismaClient } from "@prisma/client";
import { z } from "zod";
import { withParallelPlan } from "@/server/audiences/compile";
import { sql, type Sql } from "@/server/db/sql";
import { groupLabel, groupMembersSql } from "./groups";
import { PROGRAM_TIMEZONE } from "./periods";
import { groupSchema, indicators, normalise, type Group, type Indicator } from "./schemas";

type Db = PrismaClient;

/** Coupons issued within this many days count toward the redemption rate. */
export const REDEMPTION_WINDOW_DAYS = 365;

export const radarInput = z.object({
  groups: z.array(groupSchema).min(2, { error: "Compare at least 2 groups" }).max(6, { error: "Compare at most 6 groups" }),
  indicators: z
    .array(z.enum(indicators, { error: `Choose among ${indicators.join(", ")}` }))
    .min(3, { error: "Choose at least 3 indicators" })
    .max(indicators.length, { error: `At most ${indicators.length} indicators` })
    .refine((xs) => new Set(xs).size === xs.length, { error: "Each indicator once" })
    .default([...indicators]),
});
export type RadarInput = z.input<typeof radarInput>;

export type RadarGroup = {
  group: Group;
  label: string;
  size: number;
  /** Raw values per indicator (null: nobody in the group has one, e.g. no orders). */
  values: Record<Indicator, number | null>;
  /** 0–100 per indicator, in the input's indicator order. */
  scores: number[];
};
export type Radar = { timezone: string; indicators: Indicator[]; groups: RadarGroup[]; ms: number };

type Raw = Omit<Record<Indicator, number | null>, "redemption"> & { size: number };

export async function radar(db: Db, raw: RadarInput, now = new Date()): Promise<Radar> {
  const input = radarInput.parse(raw);
  const started = performance.now();
  const since = new Date(now.getTime() - REDEMPTION_WINDOW_DAYS * 86_400_000);
  // Every group is resolved (a missing audience refused) before any figure is asked for.
  const resolved: { group: Group; ids: Sql; label: string }[] = [];
  for (const [i, group] of input.groups.entries())
    resolved.push({ group, ids: await groupMembersSql(db, group, `groups.${i}`, now), label: await groupLabel(db, group) });
  const withCoupons = input.indicators.includes("redemption");
  // One statement per group, one group at a time: each runs with the parallel-plan settings (so
  // it uses the cores itself) in a transaction of its own, and a radar never holds more than one
  // pooled connection however many groups it compares.
  const perGroup: Omit<RadarGroup, "scores">[] = [];
  for (const { group, ids, label } of resolved) {
    const rows = await withParallelPlan<Raw & { issued: number; redeemed: number }>(db, sql`
      SELECT f.*, c.issued, c.redeemed FROM (
        SELECT count(*)::int AS size,
               avg(extract(epoch FROM (${now}::timestamptz - s.last_order_at)) / 86400)::float8 AS recency,
               avg(coalesce(s.orders_365d, 0))::float8 AS frequency,
               avg(coalesce(s.spend_365d, 0))::float8 AS spend,
               (sum(coalesce(s.spend_365d, 0)) / nullif(sum(coalesce(s.orders_365d, 0)), 0))::float8 AS aov,
               avg(m.points_balance)::float8 AS points,
               avg(coalesce(s.visits_90d, 0))::float8 AS visits,
               avg(extract(epoch FROM (${now}::timestamptz - m.registered_at)) / 86400)::float8 AS tenure
        FROM (${ids}) g JOIN members m ON m.id = g.id LEFT JOIN member_stats s ON s.member_id = g.id) f
      CROSS JOIN (
        SELECT count(*)::int AS issued, count(*) FILTER (WHERE c.status = 'redeemed')::int AS redeemed
        FROM coupons c WHERE ${withCoupons} AND c.member_id IN (SELECT g.id FROM (${ids}) g) AND c.issued_at >= ${since} AND c.issued_at < ${now}) c`);
    const f = rows[0]!;
    const values: Record<Indicator, number | null> = {
      recency: f.recency,
      frequency: f.size ? f.frequency : null,
      spend: f.size ? f.spend : null,
      aov: f.aov,
      points: f.points,
      redemption: f.issued ? f.redeemed / f.issued : null,
      visits: f.size ? f.visits : null,
      tenure: f.tenure,
    };
    perGroup.push({ group, label, size: f.size, values });
  }
  const axes = input.indicators.map((indicator) => normalise(indicator, perGroup.map((g) => g.values[indicator])));
  return {
    timezone: PROGRAM_TIMEZONE,
    indicators: input.indicators,
    groups: perGroup.map((g, gi) => ({ ...g, scores: axes.map((axis) => axis[gi]!) })),
    ms: Math.round(performance.now() - started),
  };
}
