// Reading members: the searchable list and one member's full picture.
import { Prisma, type PrismaClient } from "@prisma/client";
import { z } from "zod";
import { memberListInput, type MemberProfile, type TimelineEntry } from "./schemas";

type Db = PrismaClient | Prisma.TransactionClient;

// What a search term matches, chosen so that every branch is served by an index on a large base:
// - digits: the start of the phone number, or anywhere in the external id;
// - shorter than three characters (a surname, a two-character name): the start of the name, or
//   the exact external id (trigram indexes cannot serve patterns this short);
// - otherwise: anywhere in the name or the external id (trigram indexes).
function searchFilter(search: string | undefined): Prisma.MemberWhereInput {
  if (!search) return {};
  if (/^\+?\d{3,}$/.test(search)) {
    return { OR: [{ phone: { startsWith: search } }, { externalId: { contains: search, mode: "insensitive" } }] };
  }
  if ([...search].length < 3) {
    return { OR: [{ name: { startsWith: search } }, { externalId: { equals: search } }] };
  }
  return {
    OR: [
      { externalId: { contains: search, mode: "insensitive" } },
      { name: { contains: search, mode: "insensitive" } },
    ],
  };
}

export async function listMembers(db: Db, rawInput: z.input<typeof memberListInput>) {
  const input = memberListInput.parse(rawInput);
  const profile: Prisma.MemberWhereInput = {
    ...searchFilter(input.search),
    ...(input.tierId ? { tierId: input.tierId } : {}),
    ...(input.city ? { city: input.city } : {}),
  };
  const where: Prisma.MemberWhereInput = {
    ...profile,
    ...(input.lifecycleStage ? { stats: { lifecycleStage: input.lifecycleStage } } : {}),
  };
  const select = {
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
  const skip = (input.page - 1) * input.pageSize;
  const hasProfileFilter = Object.keys(profile).length > 0;

  // A lifecycle filter is answered from member_stats' (lifecycle_stage, member_id) index: the
  // page's ids in order, then those members; member by member it would test every row.
  const [rows, total] = input.lifecycleStage
    ? await Promise.all([
        db.memberStats
          .findMany({
            where: { lifecycleStage: input.lifecycleStage, ...(hasProfileFilter ? { member: profile } : {}) },
            orderBy: { memberId: "desc" },
            skip,
            take: input.pageSize,
            select: { memberId: true },
          })
          .then(async (page) => {
            const members = await db.member.findMany({ where: { id: { in: page.map((p) => p.memberId) } }, select });
            return members.sort((a, b) => b.id - a.id);
          }),
        db.memberStats.count({ where: { lifecycleStage: input.lifecycleStage, ...(hasProfileFilter ? { member: profile } : {}) } }),
      ])
    : await Promise.all([db.member.findMany({ where, orderBy: { id: "desc" }, skip, take: input.pageSize, select }), db.member.count({ where })]);
  return {
    page: input.page,
    pageSize: input.pageSize,
    total,
    pageCount: Math.max(1, Math.ceil(total / input.pageSize)),
    members: rows.map((m) => ({ ...m, stats: m.stats ? { ...m.stats, totalSpend: m.stats.totalSpend.toNumber() } : null })),
  };
}

export async function memberFilterOptions(db: Db) {
  const [tiers, cities] = await Promise.all([
    db.tier.findMany({ orderBy: { rank: "asc" }, select: { id: true, name: true, nameEn: true } }),
    db.businessDistrict.findMany({ distinct: ["city"], select: { city: true, province: true }, orderBy: { city: "asc" } }),
  ]);
  return { tiers, cities: cities.map((c) => c.city) };
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

  const [orders, pointsEntries, coupons, timeline, nextTier] = await Promise.all([
    db.order.findMany({
      where: { memberId: id },
      orderBy: { placedAt: "desc" },
      take: 20,
      include: { items: { include: { product: { select: { name: true, sku: true } } } } },
    }),
    db.pointsEntry.findMany({ where: { memberId: id }, orderBy: { createdAt: "desc" }, take: 20 }),
    db.coupon.findMany({
      where: { memberId: id },
      orderBy: { issuedAt: "desc" },
      take: 20,
      include: { template: { select: { name: true, type: true, value: true } } },
    }),
    memberTimeline(db, id, member.registeredAt),
    db.tier.findFirst({ where: { rank: { gt: member.tier.rank } }, orderBy: { rank: "asc" } }),
  ]);

  return {
    ...member,
    stats: member.stats ? decimalsToNumbers(member.stats) : null,
    tags: member.tags.map((t) => ({ id: t.tag.id, name: t.tag.name, color: t.tag.color })),
    badges: member.badges.map((b) => ({ id: b.badge.id, name: b.badge.name, icon: b.badge.icon, awardedAt: b.awardedAt })),
    nextTier: nextTier ? { id: nextTier.id, name: nextTier.name, nameEn: nextTier.nameEn, growthThreshold: nextTier.growthThreshold } : null,
    orders: orders.map((o) => ({
      id: o.id,
      externalId: o.externalId,
      placedAt: o.placedAt,
      channel: o.channel,
      totalAmount: o.totalAmount.toNumber(),
      discountAmount: o.discountAmount.toNumber(),
      items: o.items.map((i) => ({ name: i.product.name, sku: i.product.sku, quantity: i.quantity, amount: i.amount.toNumber() })),
    })),
    pointsEntries,
    coupons: coupons.map((c) => ({ ...c, template: { ...c.template, value: c.template.value.toNumber() } })),
    timeline,
  };
}

// The member's recent history across every source, newest first, in one round trip.
async function memberTimeline(db: Db, memberId: number, registeredAt: Date): Promise<TimelineEntry[]> {
  const rows = await db.$queryRaw<{ at: Date; kind: TimelineEntry["kind"]; title: string; detail: string | null; amount: string | null }[]>`
    (SELECT placed_at AS at, 'order' AS kind, external_id AS title, channel AS detail, total_amount::text AS amount
       FROM orders WHERE member_id = ${memberId} ORDER BY placed_at DESC LIMIT 30)
    UNION ALL
    (SELECT visited_at, 'visit', channel, district, NULL FROM visits WHERE member_id = ${memberId} ORDER BY visited_at DESC LIMIT 30)
    UNION ALL
    (SELECT occurred_at, 'event', name, properties::text, NULL FROM member_events WHERE member_id = ${memberId} ORDER BY occurred_at DESC LIMIT 30)
    UNION ALL
    (SELECT created_at, 'points', type::text, reason, amount::text FROM points_entries WHERE member_id = ${memberId} ORDER BY created_at DESC LIMIT 30)
    UNION ALL
    (SELECT changed_at, 'tier', to_tier_id, from_tier_id, NULL FROM tier_changes WHERE member_id = ${memberId} ORDER BY changed_at DESC LIMIT 10)
    UNION ALL
    (SELECT c.issued_at, 'coupon', t.name, c.status::text, NULL FROM coupons c JOIN coupon_template_revisions t ON t.template_id = c.template_id AND t.revision = c.template_revision
       WHERE c.member_id = ${memberId} ORDER BY c.issued_at DESC LIMIT 20)
    ORDER BY at DESC
    LIMIT 60`;
  const entries = rows.map((r) => ({ ...r, amount: r.amount === null ? null : Number(r.amount) }));
  if (entries.length < 60) entries.push({ at: registeredAt, kind: "registered", title: "", detail: null, amount: null });
  return entries;
}
