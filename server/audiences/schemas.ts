// Inputs of the audiences API — PUBLIC (the editor's forms use the same schemas).
import { z } from "zod";
import { rowIdSchema, text } from "@/server/text";
import { conditionTreeSchema } from "./condition";
import { optionSources } from "./fields";

const name = z.string().trim().min(1, { error: "Give the audience a name" }).max(120);
const description = z.string().max(2000).default("");
export const audienceIdInput = z.object({ id: z.string().min(1).max(64) });

/** A static list from a chart selection (or any list of member ids). */
export const MAX_STATIC_MEMBERS = 2_000_000;
export const audienceCreateInput = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("condition"), name, description, condition: conditionTreeSchema, origin: z.string().max(100).default("editor") }),
  z.object({
    kind: z.literal("static"),
    name,
    description,
    memberIds: z.array(rowIdSchema).min(1, { error: "The selection is empty" }).max(MAX_STATIC_MEMBERS),
    /** e.g. "chart:radar", "chart:sankey" */
    origin: z.string().regex(/^(chart:[A-Za-z0-9_.-]+|flow|editor|csv)$/).default("chart:selection"),
  }),
]);
export type AudienceCreateInput = z.input<typeof audienceCreateInput>;

export const audienceImportCsvInput = z.object({
  name,
  description,
  /** CSV text: one external id a line, or a header row with a column external_id / externalId / 会员编号 */
  csv: z.string().min(1, { error: "The file is empty" }).max(50_000_000, { error: "The file is larger than 50 MB" }),
  column: z.string().max(100).optional(),
});

export const audienceUpdateInput = z.object({
  id: z.string().min(1).max(64),
  name: name.optional(),
  description: z.string().max(2000).optional(),
  condition: conditionTreeSchema.optional(),
});

export const audienceListInput = z.object({
  search: text({ max: 100 }).optional(),
  kind: z.enum(["condition", "static"]).optional(),
  includeArchived: z.boolean().default(false),
  page: z.number().int().min(1).max(100_000).default(1),
  pageSize: z.number().int().min(1).max(100).default(20),
});

export const audienceCountInput = z.object({ tree: conditionTreeSchema });
export const audienceSampleInput = z.union([
  z.object({ tree: conditionTreeSchema, limit: z.number().int().min(1).max(100).default(20) }),
  z.object({ audienceId: z.string().min(1).max(64), limit: z.number().int().min(1).max(100).default(20) }),
]);
/** A value of a place field (province, city) as a rule holds it: the same bounds as fields.ts' strings. */
const placeValue = text({ max: 500, min: 1, trim: false });
export const MAX_OPTION_SCOPE = 500;
export const audienceOptionsInput = z.object({
  source: z.enum(optionSources),
  search: text({ max: 100 }).optional(),
  limit: z.number().int().min(1).max(200).default(50),
  /** Look up these values instead of searching: labels for what an audience already holds. */
  values: z.array(z.union([text({ max: 200, trim: false }), rowIdSchema])).max(500).optional(),
  /** Labels in this language where the catalogue has both (tiers, categories). */
  locale: z.enum(["en", "zh-CN"]).default("zh-CN"),
  /** Only the districts of these cities (source `districts`; the editor passes the cities the rule's group already requires). */
  cities: z.array(placeValue).max(MAX_OPTION_SCOPE).optional(),
  /** Only the cities and districts of these provinces (sources `cities`, `districts`). */
  provinces: z.array(placeValue).max(MAX_OPTION_SCOPE).optional(),
});
