import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/server/testing/db";
import { seedDemoData } from "@/prisma/seed";
import { getMember, listMembers, memberFilterOptions } from "./service";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemoData(t.url, { members: 400, now: new Date("2026-11-23T00:00:00Z") });
}, 120_000);
afterAll(() => t.drop());

describe("members list", () => {
  it("pages through every member, newest first", async () => {
    const first = await listMembers(t.db, { page: 1, pageSize: 25 });
    expect(first.total).toBe(400);
    expect(first.pageCount).toBe(16);
    expect(first.members).toHaveLength(25);
    const ids = first.members.map((m) => m.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    const last = await listMembers(t.db, { page: 16, pageSize: 25 });
    expect(last.members.at(-1)?.id).toBe(Math.min(...(await t.db.member.findMany({ select: { id: true } })).map((m) => m.id)));
  });

  it("finds a member by part of the external id, by name, and by phone prefix", async () => {
    const someone = await t.db.member.findFirstOrThrow({ where: { phone: { not: null } }, orderBy: { id: "desc" } });
    const byId = await listMembers(t.db, { search: someone.externalId.toLowerCase() });
    expect(byId.members.map((m) => m.id)).toEqual([someone.id]);
    const byPart = await listMembers(t.db, { search: someone.externalId.slice(-4), pageSize: 100 });
    expect(byPart.members.map((m) => m.id)).toContain(someone.id);
    expect(byPart.members.every((m) => m.externalId.includes(someone.externalId.slice(-4)) || m.name.includes(someone.externalId.slice(-4)))).toBe(true);
    const byName = await listMembers(t.db, { search: someone.name });
    expect(byName.members.every((m) => m.name.includes(someone.name))).toBe(true);
    const byPhone = await listMembers(t.db, { search: someone.phone!.slice(0, 7) });
    expect(byPhone.members.map((m) => m.id)).toContain(someone.id);
    expect((await listMembers(t.db, { search: "'; DROP TABLE members; --" })).total).toBe(0);
    expect(await t.db.member.count()).toBe(400);
  });

  it("filters by tier, city and lifecycle stage, matching the database", async () => {
    const { tiers, cities } = await memberFilterOptions(t.db);
    const city = cities[0]!;
    const filtered = await listMembers(t.db, { tierId: tiers[0]!.id, city, pageSize: 100 });
    expect(filtered.total).toBe(await t.db.member.count({ where: { tierId: tiers[0]!.id, city } }));
    expect(filtered.members.every((m) => m.city === city && m.tier.id === tiers[0]!.id)).toBe(true);
    const active = await listMembers(t.db, { lifecycleStage: "active" });
    expect(active.total).toBe(await t.db.memberStats.count({ where: { lifecycleStage: "active" } }));
  });

  it("rejects bad input with a clear error", async () => {
    await expect(listMembers(t.db, { page: 0 })).rejects.toThrow(/page/);
  });
});

describe("member detail", () => {
  it("has the profile, money as numbers, recent orders and a newest-first timeline", async () => {
    const withOrders = await t.db.memberStats.findFirstOrThrow({ where: { orderCount: { gt: 3 } } });
    const member = (await getMember(t.db, withOrders.memberId))!;
    expect(member.orders.length).toBe(Math.min(20, withOrders.orderCount));
    expect(typeof member.stats?.spend30d).toBe("number");
    expect(member.stats?.totalSpend).toBeCloseTo(withOrders.totalSpend.toNumber(), 2);
    const times = member.timeline.map((e) => new Date(e.at).getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(member.timeline.some((e) => e.kind === "order")).toBe(true);
    expect(await getMember(t.db, 999_999)).toBeNull();
  });
});
