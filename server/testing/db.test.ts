import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "./db";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

describe("test database", () => {
  it("is migrated: members can be written and read through Prisma", async () => {
    await t.db.tier.create({ data: { id: "silver", name: "银卡", nameEn: "Silver", rank: 1, growthThreshold: 0 } });
    const member = await t.db.member.create({
      data: { externalId: "M-1", name: "张三", registeredAt: new Date("2025-01-02T00:00:00Z"), registrationChannel: "app", tierId: "silver" },
    });
    const found = await t.db.member.findUniqueOrThrow({ where: { externalId: "M-1" }, include: { tier: true } });
    expect(found.id).toBe(member.id);
    expect(found.tier.nameEn).toBe("Silver");
  });

  it("enforces unique external ids and event deduplication", async () => {
    await expect(
      t.db.member.create({ data: { externalId: "M-1", name: "李四", registeredAt: new Date(), registrationChannel: "app", tierId: "silver" } }),
    ).rejects.toThrow();
    const m = await t.db.member.findUniqueOrThrow({ where: { externalId: "M-1" } });
    const event = { source: "shop", eventId: "e-1", memberId: m.id, name: "visit", occurredAt: new Date() };
    await t.db.memberEvent.create({ data: event });
    await expect(t.db.memberEvent.create({ data: event })).rejects.toThrow();
  });

  it("has the trigram index for member search", async () => {
    const rows = await t.pool.query("SELECT indexname FROM pg_indexes WHERE tablename = 'members' AND indexname = 'members_name_trgm_idx'");
    expect(rows.rowCount).toBe(1);
  });
});
