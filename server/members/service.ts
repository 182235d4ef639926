// Reading members: the list (sorted and filtered, see list.ts), one member's full picture, and
// the pages of their orders and of their whole history.
import { Prisma, type PrismaClient } from "@prisma/client";
import { z } from "zod";
import { prismaTx, sql, type Sql, type Tx } from "@/server/db/sql";
import { countMembers, pageIds } from "./list";
import {
  memberListInput,
  memberOrdersInput,
  memberQuery,
  memberTimelineInput,
  type MemberOrdersPage,
  type MemberProfile,
  type TierName,
  type TimelineCursor,
  type TimelineEntry,
  type TimelinePage,
} from "./schemas";

type Db = PrismaClient | Prisma.TransactionClient;

const listSelect = {
  id: true,
  externalId: true,
  name: true,
  phone: true,
  city: true,
  businessDistrict: true,
  registeredAt: true,
  pointsBalance: true,
  tier: { select: { id: true, name: true, nameEn: true, rank: true } },
  stats: { select: { orderCount: true, totalSpend: true, lastOrderAt: true, lifecycleStage: true } },
} satisfies Prisma.MemberSelect;

export async function listMembers(db: Db, rawInput: z.input<typeof memberListInput>) {
  const input = memberListInput.parse(rawInput);
  const query = memberQuery.parse(input);
  const tx = prismaTx(db);
  const counting = countMembers(tx, query);
  const [ids, total] = await Promise.all([pageIds(tx, query, (input.page - 1) * input.pageSize, input.pageSize, counting), counting]);
  const rows = await db.member.findMany({ where: { id: { in: ids } }, select: listSelect });
  const byId = new Map(rows.map((m) => [m.id, m]));
  return {
    page: input.page,
    pageSize: input.pageSize,
    total,
    pageCount: Math.max(1, Math.ceil(total / input.pageSize)),
    members: ids.flatMap((id) => {
      const m = byId.get(id);
      return m ? [{ ...m, stats: m.stats ? { ...m.stats, totalSpend: m.stats.totalSpend.toNumber() } : null }] : [];
    }),
  };
}

export async function memberFilterOptions(db: Db) {
  const [tiers, cities, tags] = await Promise.all([
    db.tier.findMany({ orderBy: { rank: "asc" }, select: { id: true, name: true, nameEn: true } }),
    db.businessDistrict.findMany({ distinct: ["city"], select: { city: true, province: true }, orderBy: { city: "asc" } }),
    db.tag.findMany({ orderBy: [{ category: "asc" }, { name: "asc" }], select: { id: true, name: true, color: true, category: true } }),
  ]);
  return { tiers, cities: cities.map((c) => c.city), tags };
}

type DecimalsAsNumbers<T> = { [K in keyof T]: T[K] extends Prisma.Decimal ? number : T[K] };

/** Money columns arrive as Decimal; pages and JSON want plain numbers (yuan with 2 decimals). */
function decimalsToNumbers<T extends object>(row: T): DecimalsAsNumbers<T> {
  return Object.fromEntries(
    Object.entries(row).map(([key, value]) => [key, value instanceof Prisma.Decimal ? value.toNumber() : value]),
  ) as DecimalsAsNumbers<T>;
}

export async function getMember(db: Db, id: number): Promise<MemberProfile | null> {
  const member = await db.member.findUnique({
    where: { id },
    include: {
      tier: true,
      stats: true,
      tags: { include: { tag: true }, orderBy: { createdAt: "asc" } },
      badges: { include: { badge: true } },
    },
  });
  if (!member) return null;

  const [orders, coupons, timeline, nextTier] = await Promise.all([
    memberOrders(db, { id }),
    db.coupon.findMany({
      where: { memberId: id },
      orderBy: { issuedAt: "desc" },
      take: 20,
      include: { template: { select: { name: true, type: true, value: true } } },
    }),
    memberTimeline(db, { id }),
    db.tier.findFirst({ where: { rank: { gt: member.tier.rank } }, orderBy: { rank: "asc" } }),
  ]);

  return {
    ...member,
    stats: member.stats ? decimalsToNumbers(member.stats) : null,
    tags: member.tags.map((t) => ({ id: t.tag.id, name: t.tag.name, color: t.tag.color, category: t.tag.category })),
    badges: member.badges.map((b) => ({ id: b.badge.id, name: b.badge.name, icon: b.badge.icon, awardedAt: b.awardedAt })),
    nextTier: nextTier ? { id: nextTier.id, name: nextTier.name, nameEn: nextTier.nameEn, growthThreshold: nextTier.growthThreshold } : null,
    orders,
    coupons: coupons.map((c) => ({ ...c, template: { ...c.template, value: c.template.value.toNumber() } })),
    timeline,
  };
}

/** One page of the member's orders, newest first; an unknown member has none. */
export async function memberOrders(db: Db, rawInput: z.input<typeof memberOrdersInput>): Promise<MemberOrdersPage> {
  const { id, page, pageSize } = memberOrdersInput.parse(rawInput);
  const [total, orders] = await Promise.all([
    db.order.count({ where: { memberId: id } }),
    db.order.findMany({
      where: { memberId: id },
      orderBy: [{ placedAt: "desc" }, { id: "desc" }],
      skip: (page - 1) * pageSize,
      take: pageSize,
      include: { items: { orderBy: { id: "asc" }, include: { product: { select: { name: true, sku: true } } } } },
    }),
  ]);
  return {
    total,
    page,
    pageSize,
    orders: orders.map((o) => ({
      id: o.id,
      externalId: o.externalId,
      placedAt: o.placedAt,
      channel: o.channel,
      totalAmount: o.totalAmount.toNumber(),
      discountAmount: o.discountAmount.toNumber(),
      refundedAmount: o.refundedAmount.toNumber(),
      items: o.items.map((i) => ({ name: i.product.name, sku: i.product.sku, quantity: i.quantity, amount: i.amount.toNumber() })),
    })),
  };
}

// The timeline merges every source of a member's history. Entries at the same instant are ordered
// by kind (this rank), then by key (the row's id, zero-padded so text order is number order): a
// total order, so a page starts exactly after the previous one's last entry (keyset paging; new
// entries arriving meanwhile never shift or repeat what was already read).
const RANK = { registered: 0, coupon: 1, tier: 2, points: 3, event: 4, visit: 5, order: 6 } as const;
const KIND = Object.fromEntries(Object.entries(RANK).map(([kind, rank]) => [rank, kind])) as Record<number, TimelineEntry["kind"]>;
// Events shown by their own rows (an order, a visit, the registration) are not shown twice.
const SHOWN_ELSEWHERE = ["order.placed", "visit", "member.registered"];

type TimelineRow = { at: Date; rank: number; key: string; a: string | null; b: string | null; c: string | null; amount: number | null; cursor_at: string };

function timelineSql(memberId: number, cursor: TimelineCursor | null | undefined, limit: number): Sql {
  // One source, newest first, only what comes after the cursor; each reads its (member, time) index.
  const source = (kind: keyof typeof RANK, at: Sql, key: Sql, columns: Sql, from: Sql) => {
    const rank = RANK[kind];
    const after = cursor
      ? sql`AND ${at} <= ${cursor.at}::timestamptz AND (${at}, ${rank}::int, ${key} COLLATE "C") < (${cursor.at}::timestamptz, ${cursor.rank}::int, ${cursor.key}::text COLLATE "C")`
      : sql``;
    return sql`(SELECT ${at} AS at, ${rank}::int AS rank, ${key} AS key, ${columns} FROM ${from} ${after} ORDER BY ${at} DESC, ${key} COLLATE "C" DESC LIMIT ${limit}::int)`;
  };
  const padded = (id: Sql) => sql`lpad(${id}::text, 20, '0')`;
  return sql`
    SELECT x.*, to_char(x.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_at FROM (
      ${source("order", sql`o.placed_at`, padded(sql`o.id`), sql`o.external_id AS a, o.channel AS b, NULL::text AS c, o.total_amount::float8 AS amount`, sql`orders o WHERE o.member_id = ${memberId}`)}
      UNION ALL
      ${source("visit", sql`v.visited_at`, padded(sql`v.id`), sql`v.channel, v.district, NULL, NULL`, sql`visits v WHERE v.member_id = ${memberId}`)}
      UNION ALL
      ${source("event", sql`e.occurred_at`, padded(sql`e.id`), sql`e.name, NULL, NULL, NULL`, sql`member_events e WHERE e.member_id = ${memberId} AND NOT (e.name = ANY(${SHOWN_ELSEWHERE}::text[]))`)}
      UNION ALL
      ${source("points", sql`p.created_at`, padded(sql`p.id`), sql`p.type::text, p.reason, NULL, p.amount::float8`, sql`points_entries p WHERE p.member_id = ${memberId}`)}
      UNION ALL
      ${source("tier", sql`tc.changed_at`, padded(sql`tc.id`), sql`tc.to_tier_id, tc.from_tier_id, tc.reason, NULL`, sql`tier_changes tc WHERE tc.member_id = ${memberId}`)}
      UNION ALL
      ${source(
        "coupon",
        sql`c.issued_at`,
        sql`c.id::text`,
        sql`r.name, c.status::text, c.code, NULL`,
        sql`coupons c JOIN coupon_template_revisions r ON r.template_id = c.template_id AND r.revision = c.template_revision WHERE c.member_id = ${memberId}`,
      )}
      UNION ALL
      ${source("registered", sql`m.registered_at`, sql`''::text`, sql`m.registration_channel, NULL, NULL, NULL`, sql`members m WHERE m.id = ${memberId}`)}
    ) x
    ORDER BY x.at DESC, x.rank DESC, x.key COLLATE "C" DESC
    LIMIT ${limit + 1}::int`;
}

function timelineEntry(r: TimelineRow, tiers: Map<string, TierName>): TimelineEntry {
  const base = { at: r.at, cursor: { at: r.cursor_at, rank: r.rank, key: r.key } };
  const kind = KIND[r.rank]!;
  switch (kind) {
    case "order":
      return { ...base, kind, orderNo: r.a!, channel: r.b!, amount: r.amount! };
    case "visit":
      return { ...base, kind, channel: r.a!, district: r.b };
    case "event":
      return { ...base, kind, name: r.a! };
    case "points":
      return { ...base, kind, type: r.a as "earn", amount: r.amount!, reason: r.b! };
    case "tier":
      return { ...base, kind, to: tiers.get(r.a!) ?? null, from: r.b ? (tiers.get(r.b) ?? null) : null, reason: r.c! };
    case "coupon":
      return { ...base, kind, template: r.a!, status: r.b as "issued", code: r.c! };
    case "registered":
      return { ...base, kind, channel: r.a! };
  }
}

/** One page of the member's whole history, newest first, and how many entries it has in all. */
export async function memberTimeline(db: Db, rawInput: z.input<typeof memberTimelineInput>): Promise<TimelinePage> {
  const { id, cursor, limit } = memberTimelineInput.parse(rawInput);
  const tx: Tx = prismaTx(db);
  const [rows, [counts], tiers] = await Promise.all([
    tx.query<TimelineRow>(timelineSql(id, cursor, limit)),
    tx.query<{ total: number }>(sql`
      SELECT ((SELECT count(*) FROM orders WHERE member_id = ${id}) + (SELECT count(*) FROM visits WHERE member_id = ${id})
        + (SELECT count(*) FROM member_events WHERE member_id = ${id} AND NOT (name = ANY(${SHOWN_ELSEWHERE}::text[])))
        + (SELECT count(*) FROM points_entries WHERE member_id = ${id}) + (SELECT count(*) FROM tier_changes WHERE member_id = ${id})
        + (SELECT count(*) FROM coupons WHERE member_id = ${id}) + (SELECT count(*) FROM members WHERE id = ${id}))::int AS total`),
    db.tier.findMany({ select: { id: true, name: true, nameEn: true } }),
  ]);
  const tierById = new Map(tiers.map((t) => [t.id, t]));
  const entries = rows.slice(0, limit).map((r) => timelineEntry(r, tierById));
  return { total: counts!.total, entries, nextCursor: rows.length > limit ? entries.at(-1)!.cursor : null };
}
