import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/server/testing/db";
import { seedDemoData } from "@/prisma/seed";
import { getMember, listMembers, memberFilterOptions, memberOrders, memberTimeline } from "./service";
import {
  memberListInput,
  memberSearchParams,
  memberSorts,
  memberTimelineInput,
  parseMemberSearchParams,
  readMemberSearchParams,
  type MemberListInput,
  type MemberSort,
  type TimelineCursor,
  type TimelineEntry,
} from "./schemas";

let t: TestDatabase;
let withoutStats: number;
let withoutCity: number;
beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemoData(t.url, { members: 400, now: new Date("2026-11-23T00:00:00Z") });
  // The edges the list must still order: a member without a member_stats row (a fresh import
  // before the hourly refresh), one without a city, and ties (copied figures and timestamps).
  const [a] = (await t.pool.query<{ id: number }>(`INSERT INTO members (external_id, name, registered_at, registration_channel, tier_id, city, points_balance)
      VALUES ('T-NOSTATS', '无统计', '2026-01-01T00:00:00Z', 'web', 'gold', '上海市', 500) RETURNING id`)).rows;
  withoutStats = a!.id;
  withoutCity = (await t.pool.query<{ id: number }>(`UPDATE members SET city = NULL WHERE id = (SELECT min(id) FROM members) RETURNING id`)).rows[0]!.id;
  await t.pool.query(`UPDATE member_stats SET total_spend = 1234.5, order_count = 7 WHERE member_id IN (SELECT id FROM members ORDER BY id LIMIT 30)`);
  await t.pool.query(`UPDATE members SET points_balance = 88, registered_at = '2025-05-05T05:05:05Z' WHERE id IN (SELECT id FROM members ORDER BY id DESC LIMIT 30 OFFSET 30)`);
}, 120_000);
afterAll(() => t.drop());

const ids = async (sql: string, params: unknown[] = []) => (await t.pool.query<{ id: number }>(sql, params)).rows.map((r) => r.id);

/** Every id of a list query, page by page (pages of 7, so pages straddle the tier segments). */
async function allPages(input: MemberListInput, pageSize = 7): Promise<number[]> {
  const out: number[] = [];
  for (let page = 1; ; page++) {
    const result = await listMembers(t.db, { ...input, page, pageSize });
    out.push(...result.members.map((m) => m.id));
    if (page >= result.pageCount) return out;
  }
}

// The orders written out by hand, from the tables (not through the list's segments): NULL and a
// missing stats row count as the lowest value (a missing row after everyone either way).
const expectedOrder: Record<MemberSort, (dir: "ASC" | "DESC") => string> = {
  name: (d) => `ORDER BY m.name COLLATE "zh-x-icu" ${d}, m.id ${d}`,
  city: (d) => `ORDER BY (m.city IS NULL) ${d === "ASC" ? "DESC" : "ASC"}, m.city COLLATE "zh-x-icu" ${d}, m.id ${d}`,
  tier: (d) => `ORDER BY t.rank ${d}, m.id ${d}`,
  lifecycle: (d) => `ORDER BY (s.member_id IS NULL), s.lifecycle_stage ${d}, m.id ${d}`,
  orders: (d) => `ORDER BY (s.member_id IS NULL), s.order_count ${d}, m.id ${d}`,
  spend: (d) => `ORDER BY (s.member_id IS NULL), s.total_spend ${d}, m.id ${d}`,
  points: (d) => `ORDER BY m.points_balance ${d}, m.id ${d}`,
  lastOrder: (d) => `ORDER BY (s.member_id IS NULL), (s.last_order_at IS NULL) ${d === "ASC" ? "DESC" : "ASC"}, s.last_order_at ${d}, m.id ${d}`,
  registered: (d) => `ORDER BY m.registered_at ${d}, m.id ${d}`,
};
const everyone = (where = "TRUE", params: unknown[] = [], order = "ORDER BY m.id DESC") =>
  ids(`SELECT m.id FROM members m JOIN tiers t ON t.id = m.tier_id LEFT JOIN member_stats s ON s.member_id = m.id WHERE ${where} ${order}`, params);

describe("members list", () => {
  it("pages through every member, newest first", async () => {
    const first = await listMembers(t.db, { page: 1, pageSize: 25 });
    expect(first.total).toBe(401);
    expect(first.pageCount).toBe(17);
    expect(await allPages({})).toEqual(await everyone());
    expect((await listMembers(t.db, { page: 99, pageSize: 25 })).members).toEqual([]);
  });

  it("sorts by every column, both ways, as the hand-written SQL orders them, across pages", async () => {
    for (const sort of memberSorts) {
      for (const direction of ["asc", "desc"] as const) {
        const got = await allPages({ sort, direction }, 40);
        expect({ sort, direction, got }).toEqual({ sort, direction, got: await everyone("TRUE", [], expectedOrder[sort](direction === "asc" ? "ASC" : "DESC")) });
      }
    }
    // The edge rows are where the rule says: no stats last, no city lowest.
    expect((await allPages({ sort: "spend", direction: "desc" })).at(-1)).toBe(withoutStats);
    expect((await allPages({ sort: "spend", direction: "asc" })).at(-1)).toBe(withoutStats);
    expect((await allPages({ sort: "city", direction: "asc" }))[0]).toBe(withoutCity);
    expect((await allPages({ sort: "city", direction: "desc" })).at(-1)).toBe(withoutCity);
  });

  it("lands on the right rows when a page starts past a segment's end", async () => {
    const all = await allPages({ sort: "tier", direction: "asc" }, 100);
    for (const page of [2, 3, 17, 30, 57]) {
      const got = await listMembers(t.db, { sort: "tier", direction: "asc", page, pageSize: 7 });
      expect(got.members.map((m) => m.id)).toEqual(all.slice((page - 1) * 7, page * 7));
    }
    const spend = await allPages({ sort: "spend" }, 100);
    const last = await listMembers(t.db, { sort: "spend", page: 81, pageSize: 5 });
    expect(last.members.map((m) => m.id)).toEqual(spend.slice(400, 405));
  });

  it("finds a member by part of the external id, by name, and by phone prefix", async () => {
    const someone = await t.db.member.findFirstOrThrow({ where: { phone: { not: null }, externalId: { startsWith: "M" } }, orderBy: { id: "desc" } });
    const byId = await listMembers(t.db, { search: someone.externalId.toLowerCase() });
    expect(byId.members.map((m) => m.id)).toEqual([someone.id]);
    const byPart = await listMembers(t.db, { search: someone.externalId.slice(-4), pageSize: 100 });
    expect(byPart.members.map((m) => m.id)).toContain(someone.id);
    const byName = await listMembers(t.db, { search: someone.name });
    expect(byName.members.every((m) => m.name.includes(someone.name))).toBe(true);
    const byPhone = await listMembers(t.db, { search: someone.phone!.slice(0, 7) });
    expect(byPhone.members.map((m) => m.id)).toContain(someone.id);
    // Wildcards are literal, and a search is text, never SQL.
    expect((await listMembers(t.db, { search: "%%%" })).total).toBe(0);
    expect((await listMembers(t.db, { search: "'; DROP TABLE members; --" })).total).toBe(0);
    expect(await t.db.member.count()).toBe(401);
  });

  it("filters by tags (any of) and lifecycle stages (any of), combined with tier, city, search and a sort", async () => {
    const { tiers, cities, tags } = await memberFilterOptions(t.db);
    expect(tags.length).toBe(20);
    const tagIds = [tags[0]!.id, tags[5]!.id];
    const stages = ["active", "silent"] as const;
    const byTags = `EXISTS (SELECT 1 FROM member_tags mt WHERE mt.member_id = m.id AND mt.tag_id = ANY($1::int[]))`;

    expect(await allPages({ tagIds }, 25)).toEqual(await everyone(byTags, [tagIds]));
    expect(await allPages({ lifecycleStages: [...stages] }, 25)).toEqual(await everyone(`s.lifecycle_stage::text = ANY($1)`, [stages]));
    const combined = await allPages({ tagIds, lifecycleStages: [...stages], sort: "spend", direction: "desc" }, 25);
    expect(combined).toEqual(await everyone(`${byTags} AND s.lifecycle_stage::text = ANY($2)`, [tagIds, stages], expectedOrder.spend("DESC")));
    expect(combined.length).toBeGreaterThan(10);
    const narrow = await listMembers(t.db, { tagIds, tierId: tiers[0]!.id, city: cities[0], sort: "name", direction: "asc", pageSize: 100 });
    expect(narrow.members.map((m) => m.id)).toEqual(
      await everyone(`${byTags} AND m.tier_id = $2 AND m.city = $3`, [tagIds, tiers[0]!.id, cities[0]], expectedOrder.name("ASC")),
    );
    expect(narrow.total).toBe(narrow.members.length);
    // A stats filter leaves out the member without stats; a profile filter keeps it.
    expect(await allPages({ lifecycleStages: ["new", "active", "silent", "churned"] }, 100)).not.toContain(withoutStats);
    expect(await allPages({ tierId: "gold", sort: "orders" }, 100)).toContain(withoutStats);
  });

  it("refuses bad input with the field named", () => {
    expect(memberListInput.safeParse({ page: 0 }).error?.issues[0]?.path).toEqual(["page"]);
    expect(memberListInput.safeParse({ tagIds: [2_147_483_648] }).error?.issues[0]?.path).toEqual(["tagIds", 0]);
    expect(memberListInput.safeParse({ search: "a\u0000b" }).error?.issues[0]?.path).toEqual(["search"]);
    expect(memberListInput.safeParse({ sort: "password" }).error?.issues[0]?.path).toEqual(["sort"]);
  });
});

describe("the list's address", () => {
  it("round-trips a view, refuses what it cannot read (export) or leaves it out (page)", () => {
    const view = { search: "王", tierId: "gold", lifecycleStages: ["new", "churned"] as ("new" | "churned")[], tagIds: [3, 7], sort: "spend" as const, direction: "asc" as const };
    const params = memberSearchParams({ ...view, city: undefined });
    expect(params.toString()).toBe("q=%E7%8E%8B&tier=gold&stage=new%2Cchurned&tag=3%2C7&sort=spend&dir=asc");
    expect(readMemberSearchParams(params)).toEqual({ ...view });
    expect(parseMemberSearchParams(params)).toEqual({ ok: true, query: { ...view } });

    const bad = new URLSearchParams({ tag: "3,2147483648", stage: "new,bogus", q: "x\u0000", sort: "spend", dir: "up" });
    const refused = parseMemberSearchParams(bad);
    expect(refused.ok).toBe(false);
    expect(Object.keys(refused.ok ? {} : refused.fieldErrors).sort()).toEqual(["dir", "q", "stage", "tag"]);
    expect(readMemberSearchParams(bad)).toEqual({ sort: "spend", direction: "desc" });
  });
});

describe("member detail", () => {
  it("has the profile, money as numbers, tags with their categories, and the first pages", async () => {
    const withOrders = await t.db.memberStats.findFirstOrThrow({ where: { orderCount: { gt: 12 } }, orderBy: { memberId: "asc" } });
    const member = (await getMember(t.db, withOrders.memberId))!;
    expect(member.orders.total).toBe(await t.db.order.count({ where: { memberId: member.id } }));
    expect(member.orders.orders.length).toBe(10);
    expect(typeof member.stats?.spend30d).toBe("number");
    expect(member.tags.every((tag) => ["value", "behaviour", "preference", "demographic"].includes(tag.category))).toBe(true);
    expect(member.timeline.entries.length).toBe(30);
    expect(member.timeline.nextCursor).not.toBeNull();
    expect(await getMember(t.db, 999_999)).toBeNull();
  });

  it("pages through every order, newest first, to the last one", async () => {
    const memberId = (await t.db.memberStats.findFirstOrThrow({ where: { orderCount: { gt: 25 } }, orderBy: { memberId: "asc" } })).memberId;
    const expected = await ids(`SELECT id FROM orders WHERE member_id = $1 ORDER BY placed_at DESC, id DESC`, [memberId]);
    const got: number[] = [];
    for (let page = 1; ; page++) {
      const result = await memberOrders(t.db, { id: memberId, page, pageSize: 5 });
      expect(result.total).toBe(expected.length);
      got.push(...result.orders.map((o) => o.id));
      if (page * 5 >= result.total) break;
    }
    expect(got).toEqual(expected);
    expect((await memberOrders(t.db, { id: 2_000_000_000 })).total).toBe(0);
  });

  it("pages through the whole timeline by cursor, every entry once, ties included", async () => {
    const memberId = (await t.db.memberStats.findFirstOrThrow({ where: { orderCount: { gt: 10 } }, orderBy: { memberId: "desc" } })).memberId;
    // Same-instant entries, so the tiebreak (kind, then key) decides across page boundaries.
    // An instant after the registration, so the registration stays the oldest entry.
    const at = (await t.pool.query<{ at: string }>(
      `SELECT to_char((registered_at + interval '1 hour 0.123456 second') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at FROM members WHERE id = $1`,
      [memberId],
    )).rows[0]!.at;
    await t.pool.query(`INSERT INTO visits (member_id, visited_at, channel) SELECT $1, $2, 'store' FROM generate_series(1, 7)`, [memberId, at]);
    await t.pool.query(`INSERT INTO points_entries (member_id, type, amount, reason, created_at) VALUES ($1, 'adjust', 5, '客服补偿', $2), ($1, 'earn', 3, 'order:O1', $2)`, [memberId, at]);
    await t.pool.query(`INSERT INTO member_events (event_id, member_id, name, occurred_at) VALUES ('e1', $1, 'wishlist.added', $2), ('e2', $1, 'order.placed', $2)`, [memberId, at]);

    const entries: TimelineEntry[] = [];
    let cursor: TimelineCursor | null = null;
    let total = 0;
    for (let n = 0; n < 1000; n++) {
      const page = await memberTimeline(t.db, { id: memberId, cursor, limit: 5 });
      total = page.total;
      entries.push(...page.entries);
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    const seen = entries.map((e) => `${e.kind}:${e.cursor.key}`);
    const times = entries.map((e) => e.at.getTime());
    const counts = (await t.pool.query<{ n: number }>(
      `SELECT ((SELECT count(*) FROM orders WHERE member_id = $1) + (SELECT count(*) FROM visits WHERE member_id = $1)
        + (SELECT count(*) FROM member_events WHERE member_id = $1 AND name NOT IN ('order.placed', 'visit', 'member.registered'))
        + (SELECT count(*) FROM points_entries WHERE member_id = $1) + (SELECT count(*) FROM tier_changes WHERE member_id = $1)
        + (SELECT count(*) FROM coupons WHERE member_id = $1) + 1)::int AS n`,
      [memberId],
    )).rows[0]!.n;
    expect(total).toBe(counts);
    expect(seen.length).toBe(counts);
    expect(new Set(seen).size).toBe(counts);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(seen.at(-1)).toBe("registered:");
    expect(seen.filter((s) => s.startsWith("visit:")).length).toBe(await t.db.visit.count({ where: { memberId } }));
    // The custom event is there; the order event is shown by its order row instead.
    expect(entries.some((e) => e.kind === "event" && e.name === "wishlist.added")).toBe(true);
    expect(entries.some((e) => e.kind === "event" && e.name === "order.placed")).toBe(false);
    const tier = entries.find((e) => e.kind === "tier");
    expect(tier?.kind === "tier" && tier.to?.nameEn).toBeTruthy();
  });

  it("refuses a cursor PostgreSQL could not read, before it reaches SQL", () => {
    const cursor = (at: string) => memberTimelineInput.safeParse({ id: 1, cursor: { at, rank: 1, key: "00000000000000000001" } }).success;
    expect(cursor("2026-06-01T08:00:00.123456Z")).toBe(true);
    expect(cursor("2026-02-30T08:00:00.123456Z")).toBe(false);
    expect(cursor("0000-01-01T00:00:00.000000Z")).toBe(false);
    expect(cursor("2026-06-01T08:00:00Z")).toBe(false);
    expect(memberTimelineInput.safeParse({ id: 1, cursor: { at: "2026-06-01T08:00:00.123456Z", rank: 1, key: "x'; --" } }).success).toBe(false);
    expect(memberTimelineInput.safeParse({ id: 2_147_483_648 }).success).toBe(false);
  });
});
