// SERVER-ONLY. Frequency movement (the Insights Sankey): how many members moved from one
// order-frequency band in period A to another in period B, who they are, and saving a selection
// (a band in A, a band in B, or a link A → B) as a static audience with its provenance.
//
// What counts (docs/insights.md): an order counts in the period its placed_at falls in, unless it
// was refunded in full (then it counts nowhere, as in member_stats); a partial refund leaves the
// order counted. Periods are whole days in the program's time zone, both ends included.
// A member's band is the last band whose lower bound is ≤ their count (width_bucket).
//
// One set-based statement per question: the orders of the two windows are read from a partial
// index (placed_at) INCLUDE (member_id) of counted orders, index-only, grouped once per member,
// then joined to the scope (all members, a saved audience, a tier) and grouped by (bandA, bandB).
import type { PrismaClient } from "@prisma/client";
import { z } from "zod";
import { audienceMembersSql } from "@/server/audiences/service";
import { join, sql, type Sql } from "@/server/db/sql";
import { DomainError } from "@/server/errors";
import { text } from "@/server/text";
import { audienceProvenance, memberListPage, pageInput, saveChartAudience, targetAudienceInFlow, targetInFlowInput, type ChartMember } from "./chart-audience";
import { PROGRAM_TIMEZONE, addDays, periodRange, periodSchema, todayIn, type Period } from "./periods";

export { PROGRAM_TIMEZONE, periodRange, periodSchema, todayIn, type Period };
export { audienceProvenance, targetAudienceInFlow, targetInFlowInput };

type Db = PrismaClient;

export const DEFAULT_BANDS = [0, 1, 2, 4];
export const DEFAULT_PERIOD_DAYS = 30;
export const FREQUENCY_CHART = "frequency-sankey";

/** An order that still counts: not refunded in full. The partial index's predicate, word for word. */
export const COUNTED = sql`NOT (o.refunded_at IS NOT NULL AND o.refunded_amount >= o.total_amount)`;

// ───────────────────────────── inputs ─────────────────────────────

/** Lower bounds of the bands: starts at 0, strictly increasing, 2–8 bands. [0,1,2,4] = 0 / 1 / 2–3 / 4+. */
export const bandsSchema = z
  .array(z.number().int({ error: "Must be a whole number" }).min(0, { error: "Must be 0 or more" }).max(10_000, { error: "At most 10000" }))
  .min(2, { error: "At least 2 bands" })
  .max(8, { error: "At most 8 bands" })
  .refine((b) => b[0] === 0, { error: "The first band starts at 0 orders" })
  .refine((b) => b.every((v, i) => i === 0 || v > b[i - 1]!), { error: "Each band starts above the one before" });

export const scopeSchema = z.discriminatedUnion(
  "kind",
  [
    z.object({ kind: z.literal("all") }),
    z.object({ kind: z.literal("audience"), audienceId: text({ min: 1, max: 64 }) }),
    z.object({ kind: z.literal("tier"), tierId: text({ min: 1, max: 64 }) }),
  ],
  { error: "Choose all members, a saved audience or a tier" },
);
export type Scope = z.infer<typeof scopeSchema>;

export const frequencyInput = z.object({
  scope: scopeSchema.default({ kind: "all" }),
  bands: bandsSchema.default(DEFAULT_BANDS),
  /** Both or neither: without them, the previous 30 days → the last 30 days, ending today. */
  periodA: periodSchema.optional(),
  periodB: periodSchema.optional(),
});
export type FrequencyInput = z.input<typeof frequencyInput>;

const bandIndex = z.number().int({ error: "Must be a whole number" }).min(0, { error: "Must be 0 or more" }).max(7, { error: "No such band" });
/** A node (a band in A, or in B) or a link (both). */
export const selectionSchema = z
  .object({ a: bandIndex.optional(), b: bandIndex.optional() })
  .refine((s) => s.a !== undefined || s.b !== undefined, { error: "Select a band in period A, in period B, or both" });
export type Selection = z.infer<typeof selectionSchema>;

/** A selected band must exist among the input's bands. */
const bandsExist = (input: { bands: number[]; selection: Selection }, ctx: z.RefinementCtx) => {
  for (const side of ["a", "b"] as const) {
    const i = input.selection[side];
    if (i !== undefined && i >= input.bands.length) ctx.addIssue({ code: "custom", message: "No such band", path: ["selection", side] });
  }
};

export const frequencyMembersInput = frequencyInput
  .extend({
    selection: selectionSchema,
    ...pageInput,
  })
  .superRefine(bandsExist);
export const saveFrequencyAudienceInput = frequencyInput
  .extend({ selection: selectionSchema, name: text({ min: 1, max: 200 }), description: text({ max: 2000 }).optional() })
  .superRefine(bandsExist);
// ───────────────────────────── periods and bands ─────────────────────────────

/** The default periods: B = the last 30 days ending today (today included), A = the 30 days before. */
export function defaultPeriods(now = new Date(), timezone = PROGRAM_TIMEZONE): { a: Period; b: Period } {
  const today = todayIn(timezone, now);
  const bFrom = addDays(today, -(DEFAULT_PERIOD_DAYS - 1));
  return { a: { from: addDays(bFrom, -DEFAULT_PERIOD_DAYS), to: addDays(bFrom, -1) }, b: { from: bFrom, to: today } };
}

export type Band = { index: number; min: number; max: number | null; label: string };
export function describeBands(bounds: number[]): Band[] {
  return bounds.map((min, index) => {
    const next = bounds[index + 1];
    const max = next === undefined ? null : next - 1;
    return { index, min, max, label: max === null ? `${min}+` : max === min ? `${min}` : `${min}–${max}` };
  });
}

type Resolved = { scope: Scope; bands: number[]; periodA: Period; periodB: Period; a: { start: Date; end: Date }; b: { start: Date; end: Date } };

function resolve(input: z.output<typeof frequencyInput>, now: Date): Resolved {
  if ((input.periodA === undefined) !== (input.periodB === undefined))
    throw new DomainError("invalid", "Give both periods or neither", { field: input.periodA ? "periodB" : "periodA" });
  const defaults = defaultPeriods(now);
  const periodA = input.periodA ?? defaults.a;
  const periodB = input.periodB ?? defaults.b;
  return { scope: input.scope, bands: input.bands, periodA, periodB, a: periodRange(periodA), b: periodRange(periodB) };
}

// ───────────────────────────── SQL ─────────────────────────────

/** The scope's member ids as a subquery (`SELECT … AS id`). */
async function scopeSql(db: Db, scope: Scope): Promise<Sql> {
  if (scope.kind === "all") return sql`SELECT m.id FROM members m`;
  if (scope.kind === "tier") return sql`SELECT m.id FROM members m WHERE m.tier_id = ${scope.tierId}`;
  try {
    return await audienceMembersSql(db, scope.audienceId);
  } catch (error) {
    if (error instanceof DomainError && error.code === "not_found") throw new DomainError("not_found", error.message, { field: "scope.audienceId" });
    throw error;
  }
}

/** Per member with a counted order in either window: how many in A (`a`) and in B (`b`). */
function countsSql(r: Resolved): Sql {
  return sql`
    SELECT x.member_id, sum(x.a)::int AS a, sum(x.b)::int AS b FROM (
      SELECT o.member_id, 1 AS a, 0 AS b FROM orders o
      WHERE o.placed_at >= ${r.a.start} AND o.placed_at < ${r.a.end} AND ${COUNTED}
      UNION ALL
      SELECT o.member_id, 0 AS a, 1 AS b FROM orders o
      WHERE o.placed_at >= ${r.b.start} AND o.placed_at < ${r.b.end} AND ${COUNTED}
    ) x GROUP BY x.member_id`;
}

const bandOf = (count: Sql, bands: number[]) => sql`(width_bucket(coalesce(${count}, 0), ${bands}::int[]) - 1)`;

/** The members of the scope with their counts and bands (`sc.id`, `c.a`, `c.b`), and the selection's filter. */
async function selectionSql(db: Db, r: Resolved, selection?: Selection) {
  const scope = await scopeSql(db, r.scope);
  const where: Sql[] = [];
  if (selection?.a !== undefined) where.push(sql`${bandOf(sql`c.a`, r.bands)} = ${selection.a}`);
  if (selection?.b !== undefined) where.push(sql`${bandOf(sql`c.b`, r.bands)} = ${selection.b}`);
  return {
    with: sql`WITH sc AS (${scope}), c AS (${countsSql(r)})`,
    from: sql`sc LEFT JOIN c ON c.member_id = sc.id`,
    where: where.length ? join(where, " AND ") : sql`TRUE`,
  };
}

// ───────────────────────────── the Sankey ─────────────────────────────

export type FrequencyLink = { a: number; b: number; count: number; shareOfA: number; shareOfTotal: number };
export type FrequencyMovement = {
  timezone: string;
  scope: Scope;
  bands: Band[];
  periodA: Period;
  periodB: Period;
  total: number;
  nodesA: number[];
  nodesB: number[];
  links: FrequencyLink[];
  /** The biggest movements between different bands, largest first (up to 3). */
  biggest: FrequencyLink[];
  ms: number;
};

export async function frequencyMovement(db: Db, raw: FrequencyInput = {}, now = new Date()): Promise<FrequencyMovement> {
  const r = resolve(frequencyInput.parse(raw), now);
  const started = performance.now();
  const scope = await scopeSql(db, r.scope);
  // Only members with a counted order in a window are grouped; the rest of the scope (most of a
  // large base) is (0, 0), counted as the scope's size minus those. Every order has its member
  // (a foreign key), so "all members" needs no join at all.
  const inScope = r.scope.kind === "all" ? sql`` : sql`JOIN sc ON sc.id = c.member_id`;
  const grouped = await db.$queryRaw<{ a: number; b: number; n: number }[]>(sql`
    WITH sc AS (${scope}), c AS (${countsSql(r)}), moved AS (
      SELECT ${bandOf(sql`c.a`, r.bands)} AS a, ${bandOf(sql`c.b`, r.bands)} AS b, count(*)::int AS n
      FROM c ${inScope} GROUP BY 1, 2)
    SELECT a, b, n FROM moved
    UNION ALL
    SELECT 0, 0, ((SELECT count(*) FROM sc) - (SELECT coalesce(sum(n), 0) FROM moved))::int`);
  const ms = Math.round(performance.now() - started);
  const merged = new Map<string, { a: number; b: number; n: number }>();
  for (const row of grouped) {
    const key = `${row.a}:${row.b}`;
    const seen = merged.get(key);
    if (seen) seen.n += row.n;
    else merged.set(key, { ...row });
  }
  const rows = [...merged.values()].filter((row) => row.n > 0).sort((x, y) => x.a - y.a || x.b - y.b);
  const bands = describeBands(r.bands);
  const nodesA = bands.map(() => 0);
  const nodesB = bands.map(() => 0);
  for (const row of rows) {
    nodesA[row.a] = (nodesA[row.a] ?? 0) + row.n;
    nodesB[row.b] = (nodesB[row.b] ?? 0) + row.n;
  }
  const total = nodesA.reduce((x, y) => x + y, 0);
  const links = rows.map((row) => ({
    a: row.a,
    b: row.b,
    count: row.n,
    shareOfA: nodesA[row.a] ? row.n / nodesA[row.a]! : 0,
    shareOfTotal: total ? row.n / total : 0,
  }));
  const biggest = links.filter((l) => l.a !== l.b).sort((x, y) => y.count - x.count || x.a - y.a || x.b - y.b).slice(0, 3);
  return { timezone: PROGRAM_TIMEZONE, scope: r.scope, bands, periodA: r.periodA, periodB: r.periodB, total, nodesA, nodesB, links, biggest, ms };
}

// ───────────────────────────── who they are ─────────────────────────────

/** The list's columns (chart-audience.ts) and each member's orders in A and in B. */
export type FrequencyMember = ChartMember & { ordersA: number; ordersB: number };

export async function frequencyMembers(db: Db, raw: z.input<typeof frequencyMembersInput>, now = new Date()) {
  const input = frequencyMembersInput.parse(raw);
  const r = resolve(input, now);
  const s = await selectionSql(db, r, input.selection);
  return memberListPage<{ ordersA: number; ordersB: number }>(db, {
    prefix: s.with,
    pageSql: sql`SELECT sc.id, coalesce(c.a, 0) AS a, coalesce(c.b, 0) AS b FROM ${s.from} WHERE ${s.where}
                 ORDER BY sc.id LIMIT ${input.pageSize}::int OFFSET ${(input.page - 1) * input.pageSize}::int`,
    extra: sql`, p.a AS "ordersA", p.b AS "ordersB"`,
    countSql: sql`${s.with} SELECT count(*)::int AS n FROM ${s.from} WHERE ${s.where}`,
    page: input.page,
    pageSize: input.pageSize,
  });
}

// ───────────────────────────── chart → audience ─────────────────────────────

export type FrequencyProvenance = {
  chart: typeof FREQUENCY_CHART;
  scope: Scope;
  bands: number[];
  bandLabels: string[];
  timezone: string;
  periodA: Period;
  periodB: Period;
  selection: Selection;
  /** e.g. "A 2–3 → B 0", "A 4+", "B 1". */
  selectionLabel: string;
  members: number;
  savedAt: string;
  savedBy: string;
};

export function selectionLabel(bands: Band[], selection: Selection): string {
  const a = selection.a !== undefined ? `A ${bands[selection.a]?.label}` : null;
  const b = selection.b !== undefined ? `B ${bands[selection.b]?.label}` : null;
  return [a, b].filter(Boolean).join(" → ");
}

/** The selection's members as a static audience with its provenance (chart-audience.ts saves it). */
export async function saveFrequencyAudience(db: Db, raw: z.input<typeof saveFrequencyAudienceInput>, actor = "system", userId?: string, now = new Date()) {
  const input = saveFrequencyAudienceInput.parse(raw);
  const r = resolve(input, now);
  const s = await selectionSql(db, r, input.selection);
  const bands = describeBands(r.bands);
  const label = selectionLabel(bands, input.selection);
  const description =
    input.description ??
    `Frequency movement ${label} · A ${r.periodA.from}…${r.periodA.to} → B ${r.periodB.from}…${r.periodB.to} (${PROGRAM_TIMEZONE})`;
  const saved = await saveChartAudience(
    db,
    {
      name: input.name,
      description,
      ids: sql`${s.with} SELECT sc.id FROM ${s.from} WHERE ${s.where}`,
      provenance: {
        chart: FREQUENCY_CHART,
        scope: r.scope,
        bands: r.bands,
        bandLabels: bands.map((b) => b.label),
        timezone: PROGRAM_TIMEZONE,
        periodA: r.periodA,
        periodB: r.periodB,
        selection: input.selection,
        selectionLabel: label,
      },
    },
    actor,
    userId,
    now,
  );
  return saved as typeof saved & { provenance: FrequencyProvenance };
}
