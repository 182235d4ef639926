// The members list as SQL: which members a query means (filters) and in which order (sort),
// shared by a page of the list, its count and the CSV export, so the three never disagree.
//
// An order is a list of segments, each one indexed read in a fixed order; the list is the
// segments one after another. Most sorts are one segment over one (column, id) index. A sort on a
// member_stats column reads member_stats' index, then the members without a stats row (there are
// none in practice: the seed and the storefront create one, the hourly refresh writes one for
// every member; they sort last so the list still holds everyone). The tier sort is one segment per
// tier, by rank, each in id order: five tiers, ranked by data, so no index orders them directly.
// The id breaks ties everywhere, so paging is stable.
import { empty, join, raw, sql, type Sql, type Tx } from "@/server/db/sql";
import type { MemberQuery, MemberSort } from "./schemas";

type Driver = "members" | "stats";
export type Segment = { driver: Driver; where: Sql; order: Sql[] };

/** LIKE pattern text matching `value` literally. */
const likeLiteral = (value: string) => value.replace(/[\\%_]/g, (c) => `\\${c}`);

// What a search term matches, chosen so that every branch is served by an index on a large base:
// - digits: the start of the phone number, or anywhere in the external id;
// - shorter than three characters (a surname, a two-character name): the start of the name, or
//   the exact external id (trigram indexes cannot serve patterns this short);
// - otherwise: anywhere in the name or the external id (trigram indexes).
function searchFilter(search: string): Sql {
  const like = likeLiteral(search);
  if (/^\+?\d{3,}$/.test(search)) return sql`(m.phone LIKE ${`${like}%`} OR m.external_id ILIKE ${`%${like}%`})`;
  if ([...search].length < 3) return sql`(m.name LIKE ${`${like}%`} OR m.external_id = ${search})`;
  return sql`(m.external_id ILIKE ${`%${like}%`} OR m.name ILIKE ${`%${like}%`})`;
}

/** The query's conditions, by the table they read (`id` is the driving table's member id). */
function filters(q: MemberQuery, id: Sql) {
  const members: Sql[] = [];
  if (q.search) members.push(searchFilter(q.search));
  if (q.tierId) members.push(sql`m.tier_id = ${q.tierId}`);
  if (q.city) members.push(sql`m.city = ${q.city}`);
  const stats = q.lifecycleStages?.length ? [sql`s.lifecycle_stage = ANY(${q.lifecycleStages}::"LifecycleStage"[])`] : [];
  const other = q.tagIds?.length ? [sql`EXISTS (SELECT 1 FROM member_tags mt WHERE mt.member_id = ${id} AND mt.tag_id = ANY(${q.tagIds}::int[]))`] : [];
  return { members, stats, other };
}

/**
 * FROM and WHERE of the query read through `driver`, with `extra` conditions. Only the tables the
 * conditions read are joined (a member_stats row always has its member: a foreign key), unless
 * `allColumns` asks for both (the export): then members without stats are kept, with NULLs.
 */
function fromWhere(q: MemberQuery, driver: Driver, extra: Sql[], allColumns = false) {
  const id = driver === "members" ? sql`m.id` : sql`s.member_id`;
  const f = filters(q, id);
  const from =
    driver === "members"
      ? f.stats.length
        ? sql`members m JOIN member_stats s ON s.member_id = m.id`
        : allColumns
          ? sql`members m LEFT JOIN member_stats s ON s.member_id = m.id`
          : sql`members m`
      : f.members.length || allColumns
        ? sql`member_stats s JOIN members m ON m.id = s.member_id`
        : sql`member_stats s`;
  const conditions = [...f.members, ...f.stats, ...f.other, ...extra];
  return { id, from, where: conditions.length ? join(conditions, " AND ") : sql`TRUE` };
}

type SortSpec = { driver: Driver; column: Sql; nullable?: true };
// Names and cities in pinyin order (the collation of their indexes, see the migration).
const SORTS: Record<Exclude<MemberSort, "tier">, SortSpec> = {
  name: { driver: "members", column: sql`m.name COLLATE "zh-x-icu"` },
  city: { driver: "members", column: sql`m.city COLLATE "zh-x-icu"`, nullable: true },
  points: { driver: "members", column: sql`m.points_balance` },
  registered: { driver: "members", column: sql`m.registered_at` },
  lifecycle: { driver: "stats", column: sql`s.lifecycle_stage` },
  orders: { driver: "stats", column: sql`s.order_count` },
  spend: { driver: "stats", column: sql`s.total_spend` },
  lastOrder: { driver: "stats", column: sql`s.last_order_at`, nullable: true },
};

/** The segments of the query's order (the tier sort reads the tiers' ranks). */
export async function segments(tx: Tx, q: MemberQuery): Promise<Segment[]> {
  if (!q.sort) return [{ driver: "members", where: sql`TRUE`, order: [] }];
  const desc = q.direction === "desc";
  if (q.sort === "tier") {
    const tiers = await tx.query<{ id: string }>(sql`SELECT id FROM tiers ORDER BY rank`);
    return (desc ? tiers.reverse() : tiers).map((t) => ({ driver: "members", where: sql`m.tier_id = ${t.id}`, order: [] }));
  }
  const spec = SORTS[q.sort];
  // NULL (no city, never ordered) counts as the lowest value, as the indexes store it.
  const nulls = spec.nullable ? raw(desc ? " NULLS LAST" : " NULLS FIRST") : empty;
  const sorted: Segment = { driver: spec.driver, where: sql`TRUE`, order: [sql`${spec.column} ${raw(desc ? "DESC" : "ASC")}${nulls}`] };
  if (spec.driver === "members" || filters(q, sql`m.id`).stats.length) return [sorted];
  return [sorted, { driver: "members", where: sql`NOT EXISTS (SELECT 1 FROM member_stats s0 WHERE s0.member_id = m.id)`, order: [] }];
}

/** The ordered query of one segment, selecting `columns` (default: the member id as `id`). */
export function segmentQuery(q: MemberQuery, segment: Segment, columns?: Sql): Sql {
  const { id, from, where } = fromWhere(q, segment.driver, [segment.where], columns !== undefined);
  // Without a sort the list is newest first, whatever the direction says.
  const dir = raw(q.sort && q.direction === "asc" ? "ASC" : "DESC");
  return sql`SELECT ${columns ?? sql`${id} AS id`} FROM ${from} WHERE ${where} ORDER BY ${join([...segment.order, sql`${id} ${dir}`], ", ")}`;
}

async function countWhere(tx: Tx, q: MemberQuery, driver: Driver, extra: Sql[]): Promise<number> {
  const { from, where } = fromWhere(q, driver, extra);
  const [row] = await tx.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM ${from} WHERE ${where}`);
  return row!.n;
}

/** How many members the query means. */
export function countMembers(tx: Tx, q: MemberQuery): Promise<number> {
  // Read from member_stats alone when only its columns are filtered (an index-only count).
  const f = filters(q, sql`m.id`);
  return countWhere(tx, q, !f.members.length && f.stats.length ? "stats" : "members", []);
}

/**
 * The ids of one page of the query, in order: `limit` rows after skipping `offset`. `total` (the
 * query's count, usually still running beside this) is awaited only when a segment runs out, to
 * stop there when nothing follows instead of reading the next segments.
 */
export async function pageIds(tx: Tx, q: MemberQuery, offset: number, limit: number, total: Promise<number>): Promise<number[]> {
  const ids: number[] = [];
  let skip = offset;
  for (const segment of await segments(tx, q)) {
    const need = limit - ids.length;
    const rows = await tx.query<{ id: number }>(sql`${segmentQuery(q, segment)} OFFSET ${skip}::int LIMIT ${need}::int`);
    ids.push(...rows.map((r) => r.id));
    if (rows.length === need) break;
    if (rows.length > 0) {
      // The segment ended inside the page: the page goes on at the start of the next one.
      if (offset + ids.length >= (await total)) break;
      skip = 0;
    } else {
      // The skip went past the segment's end: what is left of it carries on (counted only now).
      if (skip >= (await total)) break;
      skip -= await countWhere(tx, q, segment.driver, [segment.where]);
    }
  }
  return ids;
}
