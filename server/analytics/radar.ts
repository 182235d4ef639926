// SERVER-ONLY. Compare groups (the Insights radar): 2–6 member groups on up to eight indicators,
// each group's raw values, its size, and the values normalised per axis (schemas.ts `normalise`).
//
// Indicators (docs/insights.md) read member_stats (hourly; windows as of its last refresh) and
// the members' own columns; a member without a member_stats row counts as no orders, no visits.
// All members, tiers, stages and RFM segments come from an hourly precompute of their figures when
// it is fresh; any other group is its member ids, read live, summed over the hourly per-member
// snapshot (member-figures.ts). Without a fresh precompute, one statement per group computes it
// live from the members, their stats and their coupons.
import type { PrismaClient } from "@prisma/client";
import { z } from "zod";
import { withParallelPlan } from "@/server/audiences/compile";
import { sql, type Sql } from "@/server/db/sql";
import { groupLabel, groupQueries } from "./groups";
import { memberFigures, memberFiguresAt, refreshMemberFigures, sumMembers, type GroupSums as Sums } from "./member-figures";
import { packedIds } from "./packed-ids";
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

const redemptionSince = (now: Date) => new Date(now.getTime() - REDEMPTION_WINDOW_DAYS * 86_400_000);

/**
 * One statement: the group's figures, and its coupons issued in the window (when asked for). The
 * group is a condition on the members' rows, so they are read once, joined to their stats.
 */
async function groupSums(db: Db, group: Sql, now: Date, withCoupons: boolean): Promise<Sums> {
  const since = redemptionSince(now);
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
    const sums = await groupSums(db, (await groupQueries(db, group, "group", now)).where, now, true);
    await db.$executeRaw(sql`
      INSERT INTO insights_group_figures (group_key, sums, computed_at) VALUES (${standardKey(group)}, ${JSON.stringify(sums)}::jsonb, ${now})
      ON CONFLICT (group_key) DO UPDATE SET sums = EXCLUDED.sums, computed_at = EXCLUDED.computed_at`);
  }
  // Tiers that no longer exist keep no figures.
  await db.$executeRaw(sql`DELETE FROM insights_group_figures WHERE computed_at < ${now}`);
  await refreshMemberFigures(db, now, redemptionSince(now));
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
  const resolved: { group: Group; where: Sql; ids: Sql; label: string }[] = [];
  for (const [i, group] of input.groups.entries()) resolved.push({ group, ...(await groupQueries(db, group, `groups.${i}`, now)), label: await groupLabel(db, group) });
  const withCoupons = input.indicators.includes("redemption");
  // The groups one at a time: each live statement runs with the parallel-plan settings (so it uses
  // the cores itself), and a radar holds at most two pooled connections (the snapshot loading beside
  // the first group's ids) however many groups it compares.
  const usableAfter = new Date(now.getTime() - PRECOMPUTED_MAX_AGE_MS);
  const keys = resolved.map(({ group }) => standardKey(group)).filter((k): k is string => k !== null);
  const stored = new Map(
    (
      await db.$queryRaw<{ group_key: string; sums: Sums; computed_at: Date }[]>(sql`
        SELECT group_key, sums, computed_at FROM insights_group_figures
        WHERE group_key = ANY(${keys}::text[]) AND computed_at > ${usableAfter}`)
    ).map((r) => [r.group_key, r]),
  );
  const snapshotAt = resolved.some(({ group }) => !stored.has(standardKey(group) ?? "")) ? await memberFiguresAt(db) : null;
  // Read from the database once per refresh, beside the first group's ids.
  const snapshot = snapshotAt && snapshotAt > usableAfter ? memberFigures(db, snapshotAt, usableAfter) : null;
  const perGroup: Omit<RadarGroup, "scores">[] = [];
  for (const { group, where, ids, label } of resolved) {
    const precomputed = stored.get(standardKey(group) ?? "");
    let sums: Sums;
    let asOf: Date | null = null;
    if (precomputed) [sums, asOf] = [precomputed.sums, precomputed.computed_at];
    else if (snapshot) {
      const [figures, members] = await Promise.all([snapshot, packedIds(db, ids)]);
      [sums, asOf] = [sumMembers(figures, members), figures.computedAt];
    } else sums = await groupSums(db, where, now, withCoupons);
    perGroup.push({ group, label, size: sums.size, values: valuesAt(sums, now), asOf: asOf?.toISOString() ?? null });
  }
  const axes = input.indicators.map((indicator) => normalise(indicator, perGroup.map((g) => g.values[indicator])));
  return {
    timezone: PROGRAM_TIMEZONE,
    indicators: input.indicators,
    groups: perGroup.map((g, gi) => ({ ...g, scores: axes.map((axis) => axis[gi]!) })),
    ms: Math.round(performance.now() - started),
  };
}

/**
 * Reads the per-member snapshot into memory ahead of the first question (at server start), so
 * no one waits for it; later snapshots are read in the background as questions notice them.
 */
export async function warmRadar(db: Db, now = new Date()): Promise<void> {
  const at = await memberFiguresAt(db);
  const usableAfter = new Date(now.getTime() - PRECOMPUTED_MAX_AGE_MS);
  if (at && at > usableAfter) await memberFigures(db, at, usableAfter);
}
