// SERVER-ONLY. Saved audiences: by condition (a tree, counted on demand) or static (a list of
// members from a CSV of external ids or a chart selection), plus the editor's option lookups.
import { Prisma, type PrismaClient } from "@prisma/client";
import { DomainError } from "@/server/errors";
import { rowIdSchema } from "@/server/text";
import Papa from "papaparse";
import type { z } from "zod";
import { countAudience, membersMatching, sampleAudience, type SampleMember } from "./compile";
import type { ConditionTree } from "./condition";
import type { OptionSource } from "./fields";
import {
  audienceCreateInput,
  audienceImportCsvInput,
  audienceListInput,
  audienceOptionsInput,
  audienceUpdateInput,
} from "./schemas";

type Db = PrismaClient;
const sql = Prisma.sql;


async function findOrThrow(db: Db, id: string) {
  const a = await db.audience.findUnique({ where: { id } });
  if (!a) throw new DomainError("not_found", `Audience ${id} not found`);
  return a;
}

async function audit(db: Db | Prisma.TransactionClient, actor: string, action: string, id: string, details: Prisma.InputJsonValue = {}) {
  await db.auditLog.create({ data: { actor, action, entityType: "audience", entityId: id, details } });
}

/** Member ids of a saved audience, as a subquery (`SELECT … AS id`): flow entry and analytics. */
export async function audienceMembersSql(db: Db, id: string, now = new Date()): Promise<Prisma.Sql> {
  return membersOfAudience(await findOrThrow(db, id), now);
}

/** The same subquery for an audience row already loaded (e.g. inside a raw-SQL transaction). */
export function membersOfAudience(a: { id: string; kind: string; condition: unknown }, now = new Date()): Prisma.Sql {
  if (a.kind === "static") return sql`SELECT am.member_id AS id FROM audience_members am WHERE am.audience_id = ${a.id}`;
  return membersMatching(a.condition as ConditionTree, { now });
}

async function insertStaticMembers(tx: Prisma.TransactionClient, audienceId: string, memberIds: number[]) {
  for (let i = 0; i < memberIds.length; i += 50_000) {
    const chunk = memberIds.slice(i, i + 50_000);
    await tx.$executeRaw(sql`
      INSERT INTO audience_members (audience_id, member_id)
      SELECT ${audienceId}, m.id FROM members m WHERE m.id = ANY(${chunk}::int[])
      ON CONFLICT DO NOTHING`);
  }
}

export async function createAudience(db: Db, raw: z.input<typeof audienceCreateInput>, actor = "system", userId?: string) {
  const input = audienceCreateInput.parse(raw);
  if (input.kind === "condition") {
    const a = await db.audience.create({
      data: { name: input.name, description: input.description, kind: "condition", condition: input.condition as Prisma.InputJsonValue, origin: input.origin, createdById: userId },
    });
    await audit(db, actor, "audience.create", a.id, { kind: "condition" });
    return refreshAudienceSize(db, a.id);
  }
  const a = await db.$transaction(
    async (tx) => {
      const created = await tx.audience.create({ data: { name: input.name, description: input.description, kind: "static", origin: input.origin, createdById: userId } });
      await insertStaticMembers(tx, created.id, input.memberIds);
      await audit(tx, actor, "audience.create", created.id, { kind: "static", origin: input.origin });
      return created;
    },
    { timeout: 120_000 },
  );
  return refreshAudienceSize(db, a.id);
}

/** External ids from CSV text: the named column, a recognised header, or the first column. */
export function parseExternalIds(csv: string, column?: string): string[] {
  const parsed = Papa.parse<string[]>(csv.replace(/^\uFEFF/, ""), { skipEmptyLines: "greedy" });
  const rows = parsed.data.filter((r) => Array.isArray(r) && r.length > 0);
  if (rows.length === 0) return [];
  const header = rows[0]!.map((h) => h.trim().toLowerCase());
  const known = column ? [column.trim().toLowerCase()] : ["external_id", "externalid", "external id", "member_id", "会员编号", "会员id", "外部编号"];
  let col = header.findIndex((h) => known.includes(h));
  if (column && col < 0) throw new DomainError("invalid", `The CSV has no column "${column}"`, { field: "column" });
  const body = col >= 0 ? rows.slice(1) : rows;
  if (col < 0) col = 0;
  const ids = new Set<string>();
  for (const r of body) {
    const v = (r[col] ?? "").trim();
    if (v) ids.add(v);
  }
  return [...ids];
}

export async function importCsvAudience(db: Db, raw: z.input<typeof audienceImportCsvInput>, actor = "system", userId?: string) {
  const input = audienceImportCsvInput.parse(raw);
  const externalIds = parseExternalIds(input.csv, input.column);
  if (externalIds.length === 0) throw new DomainError("invalid", "The CSV contains no external ids", { field: "csv" });
  const a = await db.$transaction(
    async (tx) => {
      const created = await tx.audience.create({ data: { name: input.name, description: input.description, kind: "static", origin: "csv", createdById: userId } });
      for (let i = 0; i < externalIds.length; i += 50_000) {
        await tx.$executeRaw(sql`
          INSERT INTO audience_members (audience_id, member_id)
          SELECT ${created.id}, m.id FROM members m WHERE m.external_id = ANY(${externalIds.slice(i, i + 50_000)}::text[])
          ON CONFLICT DO NOTHING`);
      }
      await audit(tx, actor, "audience.import_csv", created.id, { rows: externalIds.length });
      return created;
    },
    { timeout: 120_000 },
  );
  const unknown = await db.$queryRaw<{ external_id: string }[]>(sql`
    SELECT x.external_id FROM unnest(${externalIds}::text[]) AS x(external_id)
    WHERE NOT EXISTS (SELECT 1 FROM members m WHERE m.external_id = x.external_id) LIMIT 20`);
  const audience = await refreshAudienceSize(db, a.id);
  return { audience, rows: externalIds.length, matched: audience.size ?? 0, unknownSample: unknown.map((u) => u.external_id) };
}

export async function updateAudience(db: Db, raw: z.input<typeof audienceUpdateInput>, actor = "system") {
  const input = audienceUpdateInput.parse(raw);
  const a = await findOrThrow(db, input.id);
  if (input.condition && a.kind !== "condition") throw new DomainError("invalid", "A static audience has no conditions", { field: "condition" });
  await db.audience.update({
    where: { id: a.id },
    data: {
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.condition ? { condition: input.condition as Prisma.InputJsonValue, size: null, computedAt: null } : {}),
    },
  });
  await audit(db, actor, "audience.update", a.id, { condition: Boolean(input.condition) });
  return input.condition ? refreshAudienceSize(db, a.id) : findOrThrow(db, a.id);
}

export async function archiveAudience(db: Db, id: string, actor = "system") {
  await findOrThrow(db, id);
  const a = await db.audience.update({ where: { id }, data: { archivedAt: new Date() } });
  await audit(db, actor, "audience.archive", id);
  return a;
}

export async function listAudiences(db: Db, raw: z.input<typeof audienceListInput> = {}) {
  const input = audienceListInput.parse(raw);
  const where: Prisma.AudienceWhereInput = {
    ...(input.includeArchived ? {} : { archivedAt: null }),
    ...(input.kind ? { kind: input.kind } : {}),
    ...(input.search ? { name: { contains: input.search, mode: "insensitive" } } : {}),
  };
  const [items, total] = await Promise.all([
    db.audience.findMany({ where, orderBy: { updatedAt: "desc" }, skip: (input.page - 1) * input.pageSize, take: input.pageSize }),
    db.audience.count({ where }),
  ]);
  return { items, total, page: input.page, pageSize: input.pageSize };
}

export const getAudience = findOrThrow;

/** Recounts a saved audience and stores size and computedAt. */
export async function refreshAudienceSize(db: Db, id: string, now = new Date()) {
  const a = await findOrThrow(db, id);
  const size =
    a.kind === "condition"
      ? await countAudience(db, a.condition as ConditionTree, { now })
      : Number((await db.$queryRaw<{ n: bigint }[]>(sql`SELECT count(*) AS n FROM audience_members WHERE audience_id = ${a.id}`))[0]?.n ?? 0);
  return db.audience.update({ where: { id }, data: { size, computedAt: now } });
}

export async function sampleSavedAudience(db: Db, id: string, limit = 20): Promise<SampleMember[]> {
  const a = await findOrThrow(db, id);
  if (a.kind === "condition") return sampleAudience(db, a.condition as ConditionTree, limit);
  return db.$queryRaw<SampleMember[]>(sql`
    SELECT m.id, m.external_id AS "externalId", m.name, m.city, m.tier_id AS "tierId",
           m.registered_at AS "registeredAt", m.points_balance AS "pointsBalance"
    FROM audience_members am JOIN members m ON m.id = am.member_id
    WHERE am.audience_id = ${a.id} ORDER BY m.id LIMIT ${Math.min(100, Math.max(1, limit))}::int`);
}

// ───────────────────────────── options for the editor's multi-selects ─────────────────────────────

export type Option = { value: string | number; label: string; hint?: string };
/**
 * One page of a picker's options and how many options match in all: `total` is exact, or — when
 * `exact` is false — a lower bound ("more than 10,000"): counting stops there, so a count never
 * reads more than OPTION_COUNT_CAP + 1 rows whatever the catalogue's size.
 */
export type OptionsPage = { options: Option[]; total: number; exact: boolean };
export const OPTION_COUNT_CAP = 10_000;

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);
const like = (s: string | undefined) => `%${escapeLike(s ?? "")}%`;

type OptionRow = { v: string | number; label: string; hint: string | null; total: number };

/**
 * Distinct non-null values of an indexed members column by a loose index scan (one index probe
 * per distinct value), for sources without a reference table. `column` is a fixed identifier.
 */
const looseDistinct = (column: "province" | "city" | "business_district") => {
  const c = Prisma.raw(column);
  return sql`
    WITH RECURSIVE n AS (
      SELECT min(${c}) AS v FROM members
      UNION ALL
      SELECT (SELECT min(m.${c}) FROM members m WHERE m.${c} > n.v) FROM n WHERE n.v IS NOT NULL)
    SELECT v FROM n WHERE v IS NOT NULL`;
};

/**
 * Options for the editor's pickers: a page of up to `limit` options matching `search` (options
 * that start with it first), with the number of matches in all, so a picker can say "50 of
 * 1,234" and search for the rest. Districts narrow to `cities` and `provinces`, cities to
 * `provinces` (what the rule's group already requires). With `values`: the labels of those values.
 */
export async function audienceOptions(db: Db, raw: z.input<typeof audienceOptionsInput>): Promise<OptionsPage> {
  const { source, search, limit, values, locale, cities, provinces } = audienceOptionsInput.parse(raw);
  const english = locale === "en";
  if (values) {
    const options = await optionsForValues(db, source, values, english);
    return { options, total: options.length, exact: true };
  }
  const p = like(search);
  const inCities = cities?.length ? sql`AND city = ANY(${cities}::text[])` : Prisma.empty;
  const inProvinces = provinces?.length ? sql`AND province = ANY(${provinces}::text[])` : Prisma.empty;
  // Members' own values stand in for the reference table of places while it is empty.
  const places = source === "provinces" || source === "cities" || source === "districts";
  const reference =
    !places || Boolean((await db.$queryRaw<{ e: boolean }[]>(sql`SELECT EXISTS (SELECT 1 FROM business_districts) AS e`))[0]?.e);
  const label = english ? sql`name_en` : sql`name`;
  const other = english ? sql`name` : sql`name_en`;
  // Every source: the matching options as rows (v, label, hint, ord), `ord` the natural order.
  const matching: Record<OptionSource, () => Prisma.Sql> = {
    provinces: () =>
      reference
        ? sql`SELECT province AS v, province AS label, NULL::text AS hint, province AS ord FROM business_districts WHERE province ILIKE ${p} GROUP BY province`
        : sql`SELECT v, v AS label, NULL::text AS hint, v AS ord FROM (${looseDistinct("province")}) d WHERE v ILIKE ${p}`,
    cities: () =>
      reference
        ? sql`SELECT city AS v, city AS label, min(province) AS hint, city AS ord FROM business_districts
              WHERE (city ILIKE ${p} OR province ILIKE ${p}) ${inProvinces} GROUP BY city`
        : provinces?.length
          ? sql`SELECT city AS v, city AS label, min(province) AS hint, city AS ord FROM members
                WHERE city IS NOT NULL AND (city ILIKE ${p} OR province ILIKE ${p}) ${inProvinces} GROUP BY city`
          : sql`SELECT v, v AS label, NULL::text AS hint, v AS ord FROM (${looseDistinct("city")}) d WHERE v ILIKE ${p}`,
    districts: () =>
      reference
        ? sql`SELECT name AS v, name AS label, string_agg(DISTINCT city, ', ' ORDER BY city) AS hint, name AS ord FROM business_districts
              WHERE (name ILIKE ${p} OR city ILIKE ${p}) ${inCities} ${inProvinces} GROUP BY name`
        : cities?.length || provinces?.length
          ? sql`SELECT business_district AS v, business_district AS label, string_agg(DISTINCT city, ', ' ORDER BY city) AS hint, business_district AS ord
                FROM members WHERE business_district IS NOT NULL AND (business_district ILIKE ${p} OR city ILIKE ${p}) ${inCities} ${inProvinces}
                GROUP BY business_district`
          : sql`SELECT v, v AS label, NULL::text AS hint, v AS ord FROM (${looseDistinct("business_district")}) d WHERE v ILIKE ${p}`,
    tags: () => sql`SELECT name AS v, name AS label, category AS hint, name AS ord FROM tags WHERE name ILIKE ${p}`,
    badges: () => sql`SELECT name AS v, name AS label, NULL::text AS hint, name AS ord FROM badges WHERE name ILIKE ${p}`,
    products: () => sql`SELECT id AS v, name AS label, sku AS hint, name AS ord FROM products WHERE name ILIKE ${p} OR sku ILIKE ${p}`,
    categories: () =>
      sql`SELECT id AS v, ${label} AS label, ${other} AS hint, ${label} AS ord FROM product_categories WHERE name ILIKE ${p} OR name_en ILIKE ${p}`,
    tiers: () => sql`SELECT id AS v, ${label} AS label, ${other} AS hint, rank AS ord FROM tiers WHERE name ILIKE ${p} OR name_en ILIKE ${p} OR id ILIKE ${p}`,
    coupon_templates: () =>
      sql`SELECT id AS v, name AS label, NULL::text AS hint, name AS ord FROM coupon_templates WHERE archived_at IS NULL AND name ILIKE ${p}`,
    // distinct names by a loose index scan over (name, occurred_at)
    event_names: () => sql`
      SELECT name AS v, name AS label, NULL::text AS hint, name AS ord FROM (
        WITH RECURSIVE n AS (
          SELECT min(name) AS name FROM member_events
          UNION ALL
          SELECT (SELECT min(e.name) FROM member_events e WHERE e.name > n.name) FROM n WHERE n.name IS NOT NULL)
        SELECT name FROM n WHERE name IS NOT NULL) d
      WHERE name ILIKE ${p}`,
  };
  const rows = matching[source]();
  const startsFirst = search ? sql`(s.label ILIKE ${`${escapeLike(search)}%`}) DESC,` : Prisma.empty;
  // One statement: the page, each row carrying the (bounded) count — an uncorrelated subquery,
  // computed once. No row means no match, so a total of 0.
  const page = await db.$queryRaw<OptionRow[]>(sql`
    SELECT s.v, s.label, s.hint,
           (SELECT count(*)::int FROM (SELECT 1 FROM (${rows}) m LIMIT ${OPTION_COUNT_CAP + 1}::int) c) AS total
    FROM (${rows}) s
    ORDER BY ${startsFirst} s.ord, s.v
    LIMIT ${limit}::int`);
  const counted = page[0]?.total ?? 0;
  return {
    options: page.map((r) => ({ value: r.v, label: r.label, ...(r.hint ? { hint: r.hint } : {}) })),
    total: Math.min(counted, OPTION_COUNT_CAP),
    exact: counted <= OPTION_COUNT_CAP,
  };
}

/** Labels for values an audience already holds (ids of products, categories, tiers, coupon templates). */
async function optionsForValues(db: Db, source: OptionSource, values: (string | number)[], english: boolean): Promise<Option[]> {
  // Numeric strings count too; anything past an int4 id cannot name a row.
  const ids = values.map(Number).filter((n) => rowIdSchema.safeParse(n).success);
  const keys = values.map(String);
  switch (source) {
    case "products":
      return (await db.product.findMany({ where: { id: { in: ids } }, select: { id: true, name: true, sku: true } })).map((r) => ({ value: r.id, label: r.name, hint: r.sku }));
    case "categories":
      return (await db.productCategory.findMany({ where: { id: { in: ids } } })).map((r) => ({ value: r.id, label: english ? r.nameEn : r.name }));
    case "tiers":
      return (await db.tier.findMany({ where: { id: { in: keys } }, orderBy: { rank: "asc" } })).map((r) => ({ value: r.id, label: english ? r.nameEn : r.name }));
    case "coupon_templates":
      return (await db.couponTemplate.findMany({ where: { id: { in: keys } }, select: { id: true, name: true } })).map((r) => ({ value: r.id, label: r.name }));
    case "districts":
    case "cities": {
      // The value is its own label; the hint says where it is (a district's cities, a city's
      // province), so a chosen district outside the chosen city shows it.
      const rows =
        source === "districts"
          ? await db.$queryRaw<{ v: string; hint: string }[]>(
              sql`SELECT name AS v, string_agg(DISTINCT city, ', ' ORDER BY city) AS hint FROM business_districts WHERE name = ANY(${keys}::text[]) GROUP BY name`,
            )
          : await db.$queryRaw<{ v: string; hint: string }[]>(
              sql`SELECT city AS v, min(province) AS hint FROM business_districts WHERE city = ANY(${keys}::text[]) GROUP BY city`,
            );
      const hints = new Map(rows.map((r) => [r.v, r.hint]));
      return keys.map((k) => (hints.has(k) ? { value: k, label: k, hint: hints.get(k)! } : { value: k, label: k }));
    }
    default:
      // Name-valued sources (tags, badges …): the value is its own label.
      return keys.map((k) => ({ value: k, label: k }));
  }
}
