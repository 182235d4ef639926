// SERVER-ONLY. Member groups the Insights charts compare and select: all members, a saved
// audience, a tier, a lifecycle stage, an RFM segment, or a condition written on the spot. Each
// is a query of member ids. Tiers, stages and RFM segments are condition trees run through the
// audience compiler, so "Gold", "silent" or "champions" mean exactly what they mean in an
// audience, a split node or a flow's entry.
import type { PrismaClient } from "@prisma/client";
import { z } from "zod";
import { compileCondition, resolveLookups } from "@/server/audiences/compile";
import { and, rule, type ConditionTree } from "@/server/audiences/condition";
import { lifecycleStages } from "@/server/audiences/fields";
import { audienceMembersSql } from "@/server/audiences/service";
import { sql, type Sql } from "@/server/db/sql";
import { DomainError } from "@/server/errors";
import { text } from "@/server/text";
import { idsPage, pageInput, saveChartAudience } from "./chart-audience";
import { PROGRAM_TIMEZONE, periodSchema } from "./periods";
import { RFM_SEGMENT_CONDITIONS, groupSchema, indicators, type Group, type RfmSegment } from "./schemas";

export { groupSchema, type Group } from "./schemas";

type Db = PrismaClient;

/** The condition tree a tier, stage, RFM segment or written condition stands for. */
export function groupCondition(group: Group): ConditionTree | null {
  switch (group.kind) {
    case "tier":
      return and(rule("tier", "in", [group.tierId]));
    case "stage":
      return and(rule("lifecycle_stage", "in", [group.stage]));
    case "rfm":
      return RFM_SEGMENT_CONDITIONS[group.segment];
    case "condition":
      return group.condition;
    default:
      return null;
  }
}

/**
 * The group as a condition on `members m` (`where`, for statements that read the members' own rows
 * anyway: one scan instead of a scan for the ids and a join back) and as a query of its member ids
 * (`ids`: `SELECT … id`, one row per member). `field` names the input that holds the group, so a
 * missing audience is reported on it.
 */
export async function groupQueries(db: Db, group: Group, field: string, now = new Date()): Promise<{ where: Sql; ids: Sql }> {
  if (group.kind === "audience") {
    const ids = await audienceIds(db, group.audienceId, field, now);
    return { where: sql`m.id IN (${ids})`, ids };
  }
  const tree = groupCondition(group);
  const where = tree ? compileCondition(tree, { now, lookups: await resolveLookups(db, tree) }) : sql`TRUE`;
  return { where, ids: sql`SELECT m.id FROM members m WHERE ${where}` };
}

export const groupMembersSql = async (db: Db, group: Group, field: string, now = new Date()) => (await groupQueries(db, group, field, now)).ids;

async function audienceIds(db: Db, audienceId: string, field: string, now: Date): Promise<Sql> {
  try {
    return await audienceMembersSql(db, audienceId, now);
  } catch (error) {
    if (error instanceof DomainError && error.code === "not_found") throw new DomainError("not_found", error.message, { field: `${field}.audienceId` });
    throw error;
  }
}

const STAGE_LABELS: Record<(typeof lifecycleStages)[number], string> = { new: "New", active: "Active", silent: "Silent", churn_risk: "Churn risk", churned: "Churned" };
const RFM_LABELS: Record<RfmSegment, string> = { champions: "Champions", at_risk: "At risk", promising: "Promising", hibernating: "Hibernating" };

/** The group in words (English; provenance and default names): "Tier: Gold", "Stage: Silent". */
export async function groupLabel(db: Db, group: Group): Promise<string> {
  switch (group.kind) {
    case "all":
      return "All members";
    case "stage":
      return `Stage: ${STAGE_LABELS[group.stage]}`;
    case "rfm":
      return `RFM: ${RFM_LABELS[group.segment]}`;
    case "condition":
      return group.label ?? "Condition";
    case "tier": {
      const rows = await db.$queryRaw<{ name: string }[]>(sql`SELECT name_en AS name FROM tiers WHERE id = ${group.tierId}`);
      return `Tier: ${rows[0]?.name ?? group.tierId}`;
    }
    case "audience": {
      const rows = await db.$queryRaw<{ name: string }[]>(sql`SELECT name FROM audiences WHERE id = ${group.audienceId}`);
      return `Audience: ${rows[0]?.name ?? group.audienceId}`;
    }
  }
}

// ───────────────────────────── a group's members, saved ─────────────────────────────

/** The charts whose segments are groups: the overview (a stage, a tier) and the radar (any group). */
export const GROUP_CHARTS = { overview: "insights-overview", radar: "insights-radar" } as const;

export const groupMembersInput = z.object({ group: groupSchema, ...pageInput });
export const saveGroupAudienceInput = z.object({
  chart: z.enum(["overview", "radar"], { error: "Choose overview or radar" }),
  group: groupSchema,
  /** What the chart showed when the group was picked (recorded in the provenance). */
  range: periodSchema.optional(),
  indicators: z.array(z.enum(indicators, { error: `Choose among ${indicators.join(", ")}` })).max(indicators.length, { error: `At most ${indicators.length} indicators` }).optional(),
  name: text({ min: 1, max: 200 }),
  description: text({ max: 2000 }).optional(),
});

export async function groupMembers(db: Db, raw: z.input<typeof groupMembersInput>, now = new Date()) {
  const input = groupMembersInput.parse(raw);
  return idsPage(db, await groupMembersSql(db, input.group, "group", now), input.page, input.pageSize);
}

/** The group's members now as a static audience, with the chart and group it came from. */
export async function saveGroupAudience(db: Db, raw: z.input<typeof saveGroupAudienceInput>, actor = "system", userId?: string, now = new Date()) {
  const input = saveGroupAudienceInput.parse(raw);
  const ids = await groupMembersSql(db, input.group, "group", now);
  const label = await groupLabel(db, input.group);
  const chart = GROUP_CHARTS[input.chart];
  return saveChartAudience(
    db,
    {
      name: input.name,
      description: input.description ?? `Insights ${input.chart}: ${label}`,
      ids,
      provenance: {
        chart,
        timezone: PROGRAM_TIMEZONE,
        selection: input.group,
        selectionLabel: label,
        ...(input.range ? { range: input.range } : {}),
        ...(input.indicators ? { indicators: input.indicators } : {}),
      },
    },
    actor,
    userId,
    now,
  );
}
