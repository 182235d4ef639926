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
import { TZDate } from "@date-fns/tz";
import type { PrismaClient } from "@prisma/client";
import { z } from "zod";
import { audienceMembersSql, getAudience } from "@/server/audiences/service";
import { join, sql, type Sql } from "@/server/db/sql";
import { DomainError } from "@/server/errors";
import { defaultFlowSettings, type FlowDraft } from "@/server/flows/definition";
import { createFlow } from "@/server/flows/service";
import { text } from "@/server/text";

type Db = PrismaClient;

/** The program's time zone: days and periods are read in it. */
export const PROGRAM_TIMEZONE = "Asia/Shanghai";
export const DEFAULT_BANDS = [0, 1, 2, 4];
export const DEFAULT_PERIOD_DAYS = 30;
export const MAX_PERIOD_DAYS = 366;
export const FREQUENCY_CHART = "frequency-sankey";

/** An order that still counts: not refunded in full. The partial index's predicate, word for word. */
const COUNTED = sql`NOT (o.refunded_at IS NOT NULL AND o.refunded_amount >= o.total_amount)`;

// ───────────────────────────── inputs ─────────────────────────────

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const isRealDay = (value: string) => {
  const m = DAY.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return y >= 2000 && y <= 2100 && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
};
const daySchema = z
  .string()
  .max(10, { error: "Use a date like 2026-12-01" })
  .refine(isRealDay, { error: "Use a date like 2026-12-01 (years 2000–2100)" });

const dayNumber = (day: string) => Date.parse(`${day}T00:00:00Z`) / 86_400_000;

export const periodSchema = z
  .object({ from: daySchema, to: daySchema })
  .refine((p) => !isRealDay(p.from) || !isRealDay(p.to) || dayNumber(p.from) <= dayNumber(p.to), {
    error: "The period must not end before it starts",
    path: ["to"],
  })
  .refine((p) => !isRealDay(p.from) || !isRealDay(p.to) || dayNumber(p.to) - dayNumber(p.from) < MAX_PERIOD_DAYS, {
    error: `A period is at most ${MAX_PERIOD_DAYS} days`,
    path: ["to"],
  });
export type Period = z.infer<typeof periodSchema>;

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
    page: z.number().int({ error: "Must be a whole number" }).min(1, { error: "Must be 1 or more" }).max(100_000, { error: "At most 100000" }).default(1),
    pageSize: z.number().int({ error: "Must be a whole number" }).min(1, { error: "Must be 1 or more" }).max(100, { error: "At most 100" }).default(25),
  })
  .superRefine(bandsExist);
export const saveFrequencyAudienceInput = frequencyInput
  .extend({ selection: selectionSchema, name: text({ min: 1, max: 200 }), description: text({ max: 2000 }).optional() })
  .superRefine(bandsExist);
export const targetInFlowInput = z.object({
  audienceId: text({ min: 1, max: 64 }),
  name: text({ min: 1, max: 120 }).optional(),
});

// ───────────────────────────── periods and bands ─────────────────────────────

/** Today's date (YYYY-MM-DD) in the program's time zone. */
export function todayIn(timezone: string, now = new Date()): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: timezone, year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
}

const addDays = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** The default periods: B = the last 30 days ending today (today included), A = the 30 days before. */
export function defaultPeriods(now = new Date(), timezone = PROGRAM_TIMEZONE): { a: Period; b: Period } {
  const today = todayIn(timezone, now);
  const bFrom = addDays(today, -(DEFAULT_PERIOD_DAYS - 1));
  return { a: { from: addDays(bFrom, -DEFAULT_PERIOD_DAYS), to: addDays(bFrom, -1) }, b: { from: bFrom, to: today } };
}

/** The instants a period covers: [start of `from`, start of the day after `to`) in the time zone. */
export function periodRange(p: Period, timezone = PROGRAM_TIMEZONE): { start: Date; end: Date } {
  const at = (day: string) => {
    const [y, m, d] = day.split("-").map(Number) as [number, number, number];
    return new Date(new TZDate(y, m - 1, d, timezone).getTime());
  };
  return { start: at(p.from), end: at(addDays(p.to, 1)) };
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

export type FrequencyMember = {
  id: number;
  externalId: string;
  name: string;
  city: string | null;
  tier: { id: string; name: string; nameEn: string } | null;
  ordersA: number;
  ordersB: number;
  orderCount: number;
  totalSpend: number;
};

export async function frequencyMembers(db: Db, raw: z.input<typeof frequencyMembersInput>, now = new Date()) {
  const input = frequencyMembersInput.parse(raw);
  const r = resolve(input, now);
  const s = await selectionSql(db, r, input.selection);
  const [rows, counted] = await Promise.all([
    db.$queryRaw<(Omit<FrequencyMember, "tier"> & { tierId: string | null; tierName: string | null; tierNameEn: string | null })[]>(sql`
      ${s.with}, page AS (
        SELECT sc.id, coalesce(c.a, 0) AS a, coalesce(c.b, 0) AS b FROM ${s.from} WHERE ${s.where}
        ORDER BY sc.id LIMIT ${input.pageSize}::int OFFSET ${(input.page - 1) * input.pageSize}::int)
      SELECT m.id, m.external_id AS "externalId", m.name, m.city, m.tier_id AS "tierId", t.name AS "tierName", t.name_en AS "tierNameEn",
             p.a AS "ordersA", p.b AS "ordersB", coalesce(st.order_count, 0) AS "orderCount", coalesce(st.total_spend, 0)::float8 AS "totalSpend"
      FROM page p JOIN members m ON m.id = p.id LEFT JOIN tiers t ON t.id = m.tier_id LEFT JOIN member_stats st ON st.member_id = m.id
      ORDER BY p.id`),
    db.$queryRaw<{ n: number }[]>(sql`${s.with} SELECT count(*)::int AS n FROM ${s.from} WHERE ${s.where}`),
  ]);
  const total = counted[0]?.n ?? 0;
  return {
    page: input.page,
    pageSize: input.pageSize,
    total,
    pageCount: Math.max(1, Math.ceil(total / input.pageSize)),
    members: rows.map(({ tierId, tierName, tierNameEn, ...m }): FrequencyMember => ({
      ...m,
      tier: tierId ? { id: tierId, name: tierName ?? tierId, nameEn: tierNameEn ?? tierId } : null,
    })),
  };
}

// ───────────────────────────── chart → audience → flow ─────────────────────────────

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

/**
 * Saves the selection's members as a static audience, with its provenance, in one transaction:
 * the audience, its members, its size and the audit entry are all written or none is.
 */
export async function saveFrequencyAudience(db: Db, raw: z.input<typeof saveFrequencyAudienceInput>, actor = "system", userId?: string, now = new Date()) {
  const input = saveFrequencyAudienceInput.parse(raw);
  const r = resolve(input, now);
  const s = await selectionSql(db, r, input.selection);
  const bands = describeBands(r.bands);
  const label = selectionLabel(bands, input.selection);
  const description =
    input.description ??
    `Frequency movement ${label} · A ${r.periodA.from}…${r.periodA.to} → B ${r.periodB.from}…${r.periodB.to} (${PROGRAM_TIMEZONE})`;
  return db.$transaction(
    async (tx) => {
      const created = await tx.audience.create({
        data: { name: input.name, description, kind: "static", origin: `chart:${FREQUENCY_CHART}`, createdById: userId },
      });
      const members = await tx.$executeRaw(sql`
        INSERT INTO audience_members (audience_id, member_id)
        ${s.with} SELECT ${created.id}, sc.id FROM ${s.from} WHERE ${s.where}
        ON CONFLICT DO NOTHING`);
      const provenance: FrequencyProvenance = {
        chart: FREQUENCY_CHART,
        scope: r.scope,
        bands: r.bands,
        bandLabels: bands.map((b) => b.label),
        timezone: PROGRAM_TIMEZONE,
        periodA: r.periodA,
        periodB: r.periodB,
        selection: input.selection,
        selectionLabel: label,
        members,
        savedAt: now.toISOString(),
        savedBy: actor,
      };
      await tx.$executeRaw(sql`
        UPDATE audiences SET provenance = ${JSON.stringify(provenance)}::jsonb, size = ${members}::int, computed_at = ${now}
        WHERE id = ${created.id}`);
      await tx.auditLog.create({
        data: { actor, action: "audience.create", entityType: "audience", entityId: created.id, details: { kind: "static", origin: `chart:${FREQUENCY_CHART}`, members } },
      });
      return { audience: { id: created.id, name: created.name, description, size: members, origin: created.origin }, provenance };
    },
    { timeout: 120_000 },
  );
}

/** An audience's provenance (null when it was not made from a chart). */
export async function audienceProvenance(db: Db, audienceId: string): Promise<FrequencyProvenance | null> {
  const rows = await db.$queryRaw<{ provenance: FrequencyProvenance | null }[]>(sql`SELECT provenance FROM audiences WHERE id = ${audienceId}`);
  if (rows.length === 0) throw new DomainError("not_found", `Audience ${audienceId} not found`, { field: "audienceId" });
  return rows[0]!.provenance;
}

/** Tomorrow at 10:00 in the program's time zone, as an ISO date-time with its offset. */
function tomorrowAtTen(now: Date): string {
  const [y, m, d] = addDays(todayIn(PROGRAM_TIMEZONE, now), 1).split("-").map(Number) as [number, number, number];
  return new TZDate(y, m - 1, d, 10, 0, 0, 0, PROGRAM_TIMEZONE).toISOString().replace(/\.\d{3}/, "");
}

/**
 * A new draft flow targeting a saved audience: one schedule trigger (once, tomorrow at 10:00 in
 * the program's time zone, for the marketer to change) whose entry is the audience.
 */
export async function targetAudienceInFlow(db: Db, raw: z.input<typeof targetInFlowInput>, actor = "system", now = new Date()) {
  const input = targetInFlowInput.parse(raw);
  let audience;
  try {
    audience = await getAudience(db, input.audienceId);
  } catch (error) {
    if (error instanceof DomainError) throw new DomainError(error.code, error.message, { field: "audienceId" });
    throw error;
  }
  if (audience.archivedAt) throw new DomainError("archived", "The audience is archived", { field: "audienceId" });
  const definition: FlowDraft = {
    nodes: [
      {
        id: "start",
        kind: "schedule_trigger",
        config: { schedule: { mode: "once", at: tomorrowAtTen(now) }, timezone: PROGRAM_TIMEZONE, entry: { mode: "audience", audienceId: audience.id } },
      },
    ],
    edges: [],
    settings: defaultFlowSettings(),
  };
  const name = (input.name ?? `Target: ${audience.name}`).slice(0, 120);
  return createFlow(db, { name, description: `Targets the audience "${audience.name}"`, definition }, actor);
}
