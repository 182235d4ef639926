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
  const a = await findOrThrow(db, id);
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

const like = (s: string | undefined) => `%${(s ?? "").replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export async function audienceOptions(db: Db, raw: z.input<typeof audienceOptionsInput>): Promise<Option[]> {
  const { source, search, limit, values, locale } = audienceOptionsInput.parse(raw);
  const p = like(search);
  const q = <T>(s: Prisma.Sql) => db.$queryRaw<T[]>(s);
  const english = locale === "en";
  if (values) return optionsForValues(db, source, values, english);
  const queries: Record<OptionSource, () => Promise<Option[]>> = {
    provinces: async () => {
      const rows = await q<{ v: string }>(sql`SELECT DISTINCT province AS v FROM business_districts WHERE province ILIKE ${p} ORDER BY 1 LIMIT ${limit}::int`);
      if (rows.length || search) return rows.map((r) => ({ value: r.v, label: r.v }));
      // no reference table yet: distinct values from members (index-only scan)
      return (await q<{ v: string }>(sql`SELECT province AS v FROM members WHERE province IS NOT NULL GROUP BY 1 ORDER BY 1 LIMIT ${limit}::int`)).map((r) => ({ value: r.v, label: r.v }));
    },
    cities: async () => {
      const rows = await q<{ v: string; hint: string }>(
        sql`SELECT city AS v, min(province) AS hint FROM business_districts WHERE city ILIKE ${p} OR province ILIKE ${p} GROUP BY city ORDER BY 1 LIMIT ${limit}::int`,
      );
      if (rows.length || search) return rows.map((r) => ({ value: r.v, label: r.v, hint: r.hint }));
      return (await q<{ v: string }>(sql`SELECT city AS v FROM members WHERE city IS NOT NULL GROUP BY 1 ORDER BY 1 LIMIT ${limit}::int`)).map((r) => ({ value: r.v, label: r.v }));
    },
    districts: async () =>
      (
        await q<{ v: string; hint: string }>(
          sql`SELECT name AS v, min(city) AS hint FROM business_districts WHERE name ILIKE ${p} OR city ILIKE ${p} GROUP BY name ORDER BY 1 LIMIT ${limit}::int`,
        )
      ).map((r) => ({ value: r.v, label: r.v, hint: r.hint })),
    tags: async () =>
      (await q<{ v: string; hint: string }>(sql`SELECT name AS v, category AS hint FROM tags WHERE name ILIKE ${p} ORDER BY name LIMIT ${limit}::int`)).map((r) => ({ value: r.v, label: r.v, hint: r.hint })),
    badges: async () => (await q<{ v: string }>(sql`SELECT name AS v FROM badges WHERE name ILIKE ${p} ORDER BY name LIMIT ${limit}::int`)).map((r) => ({ value: r.v, label: r.v })),
    products: async () =>
      (await q<{ v: number; label: string; hint: string }>(sql`SELECT id AS v, name AS label, sku AS hint FROM products WHERE name ILIKE ${p} OR sku ILIKE ${p} ORDER BY name LIMIT ${limit}::int`)).map(
        (r) => ({ value: r.v, label: r.label, hint: r.hint }),
      ),
    categories: async () =>
      (await q<{ v: number; name: string; nameEn: string }>(sql`SELECT id AS v, name, name_en AS "nameEn" FROM product_categories WHERE name ILIKE ${p} OR name_en ILIKE ${p} ORDER BY name LIMIT ${limit}::int`)).map(
        (r) => ({ value: r.v, label: english ? r.nameEn : r.name, hint: english ? r.name : r.nameEn }),
      ),
    tiers: async () =>
      (await q<{ v: string; name: string; nameEn: string }>(sql`SELECT id AS v, name, name_en AS "nameEn" FROM tiers WHERE name ILIKE ${p} OR name_en ILIKE ${p} OR id ILIKE ${p} ORDER BY rank LIMIT ${limit}::int`)).map(
        (r) => ({ value: r.v, label: english ? r.nameEn : r.name, hint: english ? r.name : r.nameEn }),
      ),
    coupon_templates: async () =>
      (await q<{ v: string; label: string }>(sql`SELECT id AS v, name AS label FROM coupon_templates WHERE archived_at IS NULL AND name ILIKE ${p} ORDER BY name LIMIT ${limit}::int`)).map((r) => ({ value: r.v, label: r.label })),
    event_names: async () =>
      // distinct names by a loose index scan over (name, occurred_at)
      (
        await q<{ v: string }>(sql`
          WITH RECURSIVE n AS (
            SELECT min(name) AS name FROM member_events
            UNION ALL
            SELECT (SELECT min(e.name) FROM member_events e WHERE e.name > n.name) FROM n WHERE n.name IS NOT NULL)
          SELECT name AS v FROM n WHERE name IS NOT NULL AND name ILIKE ${p} LIMIT ${limit}::int`)
      ).map((r) => ({ value: r.v, label: r.v })),
  };
  return queries[source]();
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
    default:
      // Name-valued sources (cities, tags …): the value is its own label.
      return keys.map((k) => ({ value: k, label: k }));
  }
}
