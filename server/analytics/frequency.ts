// SERVER-ONLY. Frequency movement (the Insights Sankey): how many members moved from one
// order-frequency band in period A to another in period B, who they are, and saving a selection
// (a band in A, a band in B, or a link A → B) as a static audience with its provenance.
//
// What counts (docs/insights.md): an order counts in the period its placed_at falls in, unless it
// was refunded in full (then it counts nowhere, as in member_stats); a partial refund leaves the
// order counted. Periods are whole days in the program's time zone, both ends included.
// A member's band is the last band whose lower bound is ≤ their count (width_bucket).
//
// Each member's orders in A and in B come from the daily rollup (day-orders.ts: a few dozen rows
// of packed member ids, plus today and any changed day read live), counted in memory, then banded
// over the scope (all members, a saved audience, a tier; its ids read once, packed). Grouping a
// million orders per member in SQL took well over a second on a 1M-member base.
import type { PrismaClient } from "@prisma/client";
import { z } from "zod";
import { audienceMembersSql } from "@/server/audiences/service";
import { sql, type Sql } from "@/server/db/sql";
import { orderCountsByMember } from "./day-orders";
import { packedIds } from "./packed-ids";
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

/** The scope's member ids, sorted; null for all members (every order has its member: a foreign key). */
async function scopeIds(db: Db, scope: Scope): Promise<Int32Array | null> {
  if (scope.kind === "all") return null;
  return packedIds(db, await scopeSql(db, scope));
}

/** A member's band: the last band whose lower bound is ≤ their count. */
const bander = (bands: number[]) => (count: number) => {
  let i = bands.length - 1;
  while (i > 0 && bands[i]! > count) i--;
  return i;
};

/** Every member of the scope with their counts in A and B, in id order; `zeros` says whether members without orders are visited. */
async function eachMember(
  db: Db,
  r: Resolved,
  zeros: boolean,
  visit: (id: number, a: number, b: number) => void,
): Promise<{ scopeSize: number; rollup: { days: number; liveDays: number } }> {
  // The scope's ids (or, for all members, their number) are read while the orders are counted.
  const [{ counts, rolledDays, liveDays }, ids, size] = await Promise.all([
    orderCountsByMember(db, [r.periodA, r.periodB]),
    r.scope.kind === "all" ? (zeros ? packedIds(db, sql`SELECT id FROM members`) : null) : scopeIds(db, r.scope),
    r.scope.kind === "all" && !zeros ? db.$queryRaw<{ n: number }[]>(sql`SELECT count(*)::int AS n FROM members`) : null,
  ]);
  const rollup = { days: rolledDays, liveDays };
  const [a, b] = counts as [Int32Array, Int32Array];
  const at = (c: Int32Array, id: number) => (id < c.length ? c[id]! : 0);
  if (ids !== null) {
    for (const id of ids) visit(id, at(a, id), at(b, id));
    return { scopeSize: ids.length, rollup };
  }
  for (let id = 0; id < a.length; id++) if (a[id] || b[id]) visit(id, a[id]!, b[id]!);
  return { scopeSize: size?.[0]?.n ?? 0, rollup };
}

/** The selection's members (id order) with their counts in A and B. */
async function selectedMembers(db: Db, r: Resolved, selection: Selection) {
  const band = bander(r.bands);
  const picked = (a: number, b: number) => (selection.a === undefined || band(a) === selection.a) && (selection.b === undefined || band(b) === selection.b);
  const out = { ids: [] as number[], a: [] as number[], b: [] as number[] };
  await eachMember(db, r, picked(0, 0), (id, a, b) => {
    if (!picked(a, b)) return;
    out.ids.push(id);
    out.a.push(a);
    out.b.push(b);
  });
  return out;
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
  /** Days of both periods read from the daily rollup, and days read live (today, unrolled, changed). */
  rollup: { days: number; liveDays: number };
  ms: number;
};

export async function frequencyMovement(db: Db, raw: FrequencyInput = {}, now = new Date()): Promise<FrequencyMovement> {
  const r = resolve(frequencyInput.parse(raw), now);
  const started = performance.now();
  // Members without orders in either period are (0, 0): counted as the scope's size minus the rest.
  const band = bander(r.bands);
  const k = r.bands.length;
  const cells = new Int32Array(k * k); // [bandA * k + bandB]
  let moved = 0;
  const { scopeSize, rollup } = await eachMember(db, r, false, (_id, a, b) => {
    cells[band(a) * k + band(b)]! += 1;
    moved += 1;
  });
  cells[0]! += scopeSize - moved;
  const merged = [...cells].map((n, i) => ({ a: Math.floor(i / k), b: i % k, n }));
  const ms = Math.round(performance.now() - started);
  const rows = merged.filter((row) => row.n > 0).sort((x, y) => x.a - y.a || x.b - y.b);
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
  return { timezone: PROGRAM_TIMEZONE, scope: r.scope, bands, periodA: r.periodA, periodB: r.periodB, total, nodesA, nodesB, links, biggest, rollup, ms };
}

// ───────────────────────────── who they are ─────────────────────────────

/** The list's columns (chart-audience.ts) and each member's orders in A and in B. */
export type FrequencyMember = ChartMember & { ordersA: number; ordersB: number };

export async function frequencyMembers(db: Db, raw: z.input<typeof frequencyMembersInput>, now = new Date()) {
  const input = frequencyMembersInput.parse(raw);
  const r = resolve(input, now);
  const selected = await selectedMembers(db, r, input.selection);
  const from = (input.page - 1) * input.pageSize;
  const page = (list: number[]) => list.slice(from, from + input.pageSize);
  return memberListPage<{ ordersA: number; ordersB: number }>(db, {
    pageSql: sql`SELECT * FROM unnest(${page(selected.ids)}::int[], ${page(selected.a)}::int[], ${page(selected.b)}::int[]) AS p(id, a, b)`,
    extra: sql`, p.a AS "ordersA", p.b AS "ordersB"`,
    countSql: sql`SELECT ${selected.ids.length}::int AS n`,
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
  const selected = await selectedMembers(db, r, input.selection);
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
      ids: sql`SELECT unnest(${selected.ids}::int[]) AS id`,
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
