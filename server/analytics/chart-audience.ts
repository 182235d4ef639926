// SERVER-ONLY. Chart → audience → flow, once for every Insights chart (the Sankey, the overview,
// the radar): a page of a selection's members with the list's columns, saving a selection as a
// static audience with its provenance (one transaction, with its audit entry), and a new draft
// flow that targets it. A chart only says which members it selected (a query of ids) and what
// the selection was (its provenance); what saving and targeting mean is written here only.
import { TZDate } from "@date-fns/tz";
import type { PrismaClient } from "@prisma/client";
import { z } from "zod";
import { getAudience } from "@/server/audiences/service";
import { empty, sql, type Sql } from "@/server/db/sql";
import { DomainError } from "@/server/errors";
import { defaultFlowSettings, type FlowDraft } from "@/server/flows/definition";
import { createFlow } from "@/server/flows/service";
import { text } from "@/server/text";
import { PROGRAM_TIMEZONE, addDays, todayIn } from "./periods";

type Db = PrismaClient;

export const pageInput = {
  page: z.number().int({ error: "Must be a whole number" }).min(1, { error: "Must be 1 or more" }).max(100_000, { error: "At most 100000" }).default(1),
  pageSize: z.number().int({ error: "Must be a whole number" }).min(1, { error: "Must be 1 or more" }).max(100, { error: "At most 100" }).default(25),
};

export const targetInFlowInput = z.object({
  audienceId: text({ min: 1, max: 64 }),
  name: text({ min: 1, max: 120 }).optional(),
});

// ───────────────────────────── who they are ─────────────────────────────

/** One row of a chart selection's member list (the same columns under every chart). */
export type ChartMember = {
  id: number;
  externalId: string;
  name: string;
  city: string | null;
  tier: { id: string; name: string; nameEn: string } | null;
  orderCount: number;
  totalSpend: number;
};

type Row = Omit<ChartMember, "tier"> & { tierId: string | null; tierName: string | null; tierNameEn: string | null };

/**
 * A page of members, lowest ids first. `prefix` may open a WITH; `pageSql` selects `id` (plus any
 * `extra` columns the chart shows, passed through under their own names) in id order, already
 * limited to the page; `countSql` counts the whole selection.
 */
export async function memberListPage<E extends object = object>(
  db: Db,
  q: { prefix?: Sql; pageSql: Sql; countSql: Sql; extra?: Sql; page: number; pageSize: number },
) {
  const prefix = q.prefix ?? empty;
  const [rows, counted] = await Promise.all([
    db.$queryRaw<(Row & E)[]>(sql`
      ${prefix}${q.prefix ? sql`, ` : sql`WITH `}page AS (${q.pageSql})
      SELECT m.id, m.external_id AS "externalId", m.name, m.city, m.tier_id AS "tierId", t.name AS "tierName", t.name_en AS "tierNameEn",
             coalesce(st.order_count, 0) AS "orderCount", coalesce(st.total_spend, 0)::float8 AS "totalSpend" ${q.extra ?? empty}
      FROM page p JOIN members m ON m.id = p.id LEFT JOIN tiers t ON t.id = m.tier_id LEFT JOIN member_stats st ON st.member_id = m.id
      ORDER BY p.id`),
    db.$queryRaw<{ n: number }[]>(q.countSql),
  ]);
  const total = counted[0]?.n ?? 0;
  return {
    page: q.page,
    pageSize: q.pageSize,
    total,
    pageCount: Math.max(1, Math.ceil(total / q.pageSize)),
    members: rows.map(({ tierId, tierName, tierNameEn, ...m }) => ({
      ...m,
      tier: tierId ? { id: tierId, name: tierName ?? tierId, nameEn: tierNameEn ?? tierId } : null,
    })) as (ChartMember & Omit<E, keyof Row>)[],
  };
}

/** A page of the members a query of ids (`SELECT … AS id`, one row per member) selects. */
export function idsPage(db: Db, ids: Sql, page: number, pageSize: number) {
  return memberListPage(db, {
    pageSql: sql`SELECT x.id FROM (${ids}) x ORDER BY x.id LIMIT ${pageSize}::int OFFSET ${(page - 1) * pageSize}::int`,
    countSql: sql`SELECT count(*)::int AS n FROM (${ids}) x`,
    page,
    pageSize,
  });
}

// ───────────────────────────── chart → audience ─────────────────────────────

/**
 * Where a chart-made audience came from. Every chart records these; each adds what defines its
 * selection (periods, bands, groups, indicators …).
 */
export type ChartProvenance = {
  chart: string;
  timezone: string;
  selection: unknown;
  /** The selection in words, e.g. "A 2–3 → B 0", "Tier: Gold". */
  selectionLabel: string;
  members: number;
  savedAt: string;
  savedBy: string;
  [detail: string]: unknown;
};

/**
 * Saves the members a query of ids selects as a static audience (`origin = chart:<chart>`), with
 * its provenance, in one transaction: the audience, its members, its size and the audit entry are
 * all written or none is. The members are those of the selection now; the audience does not
 * follow later changes.
 */
export async function saveChartAudience<P extends Omit<ChartProvenance, "members" | "savedAt" | "savedBy">>(
  db: Db,
  input: { name: string; description: string; ids: Sql; provenance: P },
  actor = "system",
  userId?: string,
  now = new Date(),
) {
  const origin = `chart:${input.provenance.chart}`;
  return db.$transaction(
    async (tx) => {
      const created = await tx.audience.create({
        data: { name: input.name, description: input.description, kind: "static", origin, createdById: userId },
      });
      const members = await tx.$executeRaw(sql`
        INSERT INTO audience_members (audience_id, member_id)
        SELECT ${created.id}, x.id FROM (${input.ids}) x
        ON CONFLICT DO NOTHING`);
      const provenance = { ...input.provenance, members, savedAt: now.toISOString(), savedBy: actor };
      await tx.$executeRaw(sql`
        UPDATE audiences SET provenance = ${JSON.stringify(provenance)}::jsonb, size = ${members}::int, computed_at = ${now}
        WHERE id = ${created.id}`);
      await tx.auditLog.create({
        data: { actor, action: "audience.create", entityType: "audience", entityId: created.id, details: { kind: "static", origin, members } },
      });
      return { audience: { id: created.id, name: created.name, description: input.description, size: members, origin }, provenance };
    },
    { timeout: 120_000 },
  );
}

/** An audience's provenance (null when it was not made from a chart). */
export async function audienceProvenance(db: Db, audienceId: string): Promise<ChartProvenance | null> {
  const rows = await db.$queryRaw<{ provenance: ChartProvenance | null }[]>(sql`SELECT provenance FROM audiences WHERE id = ${audienceId}`);
  if (rows.length === 0) throw new DomainError("not_found", `Audience ${audienceId} not found`, { field: "audienceId" });
  return rows[0]!.provenance;
}

// ───────────────────────────── audience → flow ─────────────────────────────

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
