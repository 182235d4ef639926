// SERVER-ONLY. Compare groups (the Insights radar): 2–6 member groups on up to eight indicators,
// each group's raw values, its size, and the values normalised per axis (schemas.ts `normalise`).
//
// Indicators (docs/insights.md) read member_stats (hourly; windows as of its last refresh) and
// the members' own columns; a member without a member_stats row counts as no orders, no visits.
// One statement per group (its figures and its coupons), the groups one after another; all
// members, tiers, stages and RFM segments come from an hourly precompute when it is fresh.
import type { PrismaClient } from "@prisma/client";
import { z } from "zod";
import { withParallelPlan } from "@/server/audiences/compile";
import { sql, type Sql } from "@/server/db/sql";
import { groupLabel, groupPredicate } from "./groups";
import { PROGRAM_TIMEZONE } from "./periods";
import { lifecycleStages } from "@/server/audiences/fields";
import { groupSchema, indicators, normalise, rfmSegments, type Group, type Indicator } from "./schemas";

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
  /** When its figures were precomputed (a standard group, hourly); null: computed now. */
  asOf: string | null;
};
export type Radar = { timezone: string; indicators: Indicator[]; groups: RadarGroup[]; ms: number };

/**
 * A group's figures in a form that does not depend on the clock they are read at: average instants
 * (recency and tenure are `now` minus them), averages, and coupon counts. Computed live, or read
 * from the hourly precompute of the standard groups (`refreshRadarGroups`).
 */
type Sums = {
  size: number;
  lastOrderEpoch: number | null;
  frequency: number | null;
  spend: number | null;
  aov: number | null;
  points: number | null;
  visits: number | null;
  registeredEpoch: number | null;
  issued: number;
  redeemed: number;
};

/**
 * One statement: the group's figures, and its coupons issued in the window (when asked for). The
 * group is a condition on the members' rows, so they are read once, joined to their stats.
 */
async function groupSums(db: Db, group: Sql, now: Date, withCoupons: boolean): Promise<Sums> {
  const since = new Date(now.getTime() - REDEMPTION_WINDOW_DAYS * 86_400_000);
  const rows = await withParallelPlan<Sums>(db, sql`
    SELECT f.*, c.issued, c.redeemed FROM (
      SELECT count(*)::int AS size,
             avg(extract(epoch FROM s.last_order_at))::float8 AS "lastOrderEpoch",
             avg(coalesce(s.orders_365d, 0))::float8 AS frequency,
             avg(coalesce(s.spend_365d, 0))::float8 AS spend,
             (sum(coalesce(s.spend_365d, 0)) / nullif(sum(coalesce(s.orders_365d, 0)), 0))::float8 AS aov,
             avg(m.points_balance)::float8 AS points,
             avg(coalesce(s.visits_90d, 0))::float8 AS visits,
             avg(extract(epoch FROM m.registered_at))::float8 AS "registeredEpoch"
      FROM members m LEFT JOIN member_stats s ON s.member_id = m.id WHERE ${group}) f
    CROSS JOIN (
      SELECT count(*)::int AS issued, count(*) FILTER (WHERE c.status = 'redeemed')::int AS redeemed
      FROM coupons c WHERE ${withCoupons} AND c.member_id IN (SELECT m.id FROM members m WHERE ${group}) AND c.issued_at >= ${since} AND c.issued_at < ${now}) c`);
  return rows[0]!;
}

function valuesAt(f: Sums, now: Date): Record<Indicator, number | null> {
  const daysBefore = (epoch: number | null) => (epoch === null ? null : (now.getTime() / 1000 - epoch) / 86400);
  return {
    recency: daysBefore(f.lastOrderEpoch),
    frequency: f.size ? f.frequency : null,
    spend: f.size ? f.spend : null,
    aov: f.aov,
    points: f.points,
    redemption: f.issued ? f.redeemed / f.issued : null,
    visits: f.size ? f.visits : null,
    tenure: daysBefore(f.registeredEpoch),
  };
}

// ───────────────────────────── the standard groups, precomputed ─────────────────────────────

/** Precomputed figures older than this are not used (the refresh runs hourly). */
const PRECOMPUTED_MAX_AGE_MS = 2 * 60 * 60 * 1000;

/** The key of a group whose figures are precomputed: all members, a tier, a stage, an RFM segment. */
function standardKey(group: Group): string | null {
  switch (group.kind) {
    case "all":
      return "all";
    case "tier":
      return `tier:${group.tierId}`;
    case "stage":
      return `stage:${group.stage}`;
    case "rfm":
      return `rfm:${group.segment}`;
    default:
      return null;
  }
}

/**
 * Computes and stores the figures of every standard group (all members, each tier, stage and RFM
 * segment) — the radar's common questions, each a pass over a large part of the base — so they
 * answer at once. Run hourly by the Insights refresh on both runtimes; the radar says "as of".
 */
export async function refreshRadarGroups(db: Db, now = new Date()): Promise<number> {
  const tiers = await db.$queryRaw<{ id: string }[]>(sql`SELECT id FROM tiers ORDER BY rank`);
  const groups: Group[] = [
    { kind: "all" },
    ...tiers.map((t) => ({ kind: "tier" as const, tierId: t.id })),
    ...lifecycleStages.map((stage) => ({ kind: "stage" as const, stage })),
    ...rfmSegments.map((segment) => ({ kind: "rfm" as const, segment })),
  ];
  for (const group of groups) {
    const sums = await groupSums(db, await groupPredicate(db, group, "group", now), now, true);
    await db.$executeRaw(sql`
      INSERT INTO insights_group_figures (group_key, sums, computed_at) VALUES (${standardKey(group)}, ${JSON.stringify(sums)}::jsonb, ${now})
      ON CONFLICT (group_key) DO UPDATE SET sums = EXCLUDED.sums, computed_at = EXCLUDED.computed_at`);
  }
  // Tiers that no longer exist keep no figures.
  await db.$executeRaw(sql`DELETE FROM insights_group_figures WHERE computed_at < ${now}`);
  return groups.length;
}

/** When the standard groups were last computed (null: never). */
export async function radarGroupsComputedAt(db: Db): Promise<Date | null> {
  const rows = await db.$queryRaw<{ at: Date | null }[]>(sql`SELECT min(computed_at) AS at FROM insights_group_figures`);
  return rows[0]?.at ?? null;
}

export async function radar(db: Db, raw: RadarInput, now = new Date()): Promise<Radar> {
  const input = radarInput.parse(raw);
  const started = performance.now();
  // Every group is resolved (a missing audience refused) before any figure is asked for.
  const resolved: { group: Group; where: Sql; label: string }[] = [];
  for (const [i, group] of input.groups.entries())
    resolved.push({ group, where: await groupPredicate(db, group, `groups.${i}`, now), label: await groupLabel(db, group) });
  const withCoupons = input.indicators.includes("redemption");
  // One statement per group, one group at a time: each runs with the parallel-plan settings (so
  // it uses the cores itself) in a transaction of its own, and a radar never holds more than one
  // pooled connection however many groups it compares.
  const keys = resolved.map(({ group }) => standardKey(group)).filter((k): k is string => k !== null);
  const stored = new Map(
    (
      await db.$queryRaw<{ group_key: string; sums: Sums; computed_at: Date }[]>(sql`
        SELECT group_key, sums, computed_at FROM insights_group_figures
        WHERE group_key = ANY(${keys}::text[]) AND computed_at > ${new Date(now.getTime() - PRECOMPUTED_MAX_AGE_MS)}`)
    ).map((r) => [r.group_key, r]),
  );
  const perGroup: Omit<RadarGroup, "scores">[] = [];
  for (const { group, where, label } of resolved) {
    const precomputed = stored.get(standardKey(group) ?? "");
    const sums = precomputed?.sums ?? (await groupSums(db, where, now, withCoupons));
    perGroup.push({ group, label, size: sums.size, values: valuesAt(sums, now), asOf: precomputed?.computed_at.toISOString() ?? null });
  }
  const axes = input.indicators.map((indicator) => normalise(indicator, perGroup.map((g) => g.values[indicator])));
  return {
    timezone: PROGRAM_TIMEZONE,
    indicators: input.indicators,
    groups: perGroup.map((g, gi) => ({ ...g, scores: axes.map((axis) => axis[gi]!) })),
    ms: Math.round(performance.now() - started),
  };
}
