import { InngestTestEngine } from "@inngest/test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/server/testing/db";
import { refreshMemberStatsHourly } from "./refresh-member-stats";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  process.env.DATABASE_URL = t.url;
  await t.db.tier.create({ data: { id: "bronze", name: "青铜", nameEn: "Bronze", rank: 1, growthThreshold: 0 } });
  const recent = new Date(Date.now() - 10 * 86_400_000);
  const member = await t.db.member.create({
    data: { externalId: "M-1", name: "王五", registeredAt: new Date("2024-01-01T00:00:00Z"), registrationChannel: "app", tierId: "bronze" },
  });
  await t.db.order.create({ data: { externalId: "O-1", memberId: member.id, placedAt: recent, totalAmount: 120 } });
  await t.db.order.create({ data: { externalId: "O-2", memberId: member.id, placedAt: recent, totalAmount: 80 } });
});
afterAll(() => t.drop());

describe("hourly member statistics refresh (Inngest function)", () => {
  it("recomputes member_stats for every member when run", async () => {
    const engine = new InngestTestEngine({ function: refreshMemberStatsHourly });
    const { result } = await engine.execute();
    expect(result).toEqual({ members: 1, idempotencyKeysPruned: 0 });
    const stats = await t.db.memberStats.findFirstOrThrow();
    expect(stats.orders30d).toBe(2);
    expect(stats.spend30d.toNumber()).toBe(200);
    // Stages and RFM scores are the lifecycle evaluation's (evaluate-lifecycle.test.ts).
  });
});
