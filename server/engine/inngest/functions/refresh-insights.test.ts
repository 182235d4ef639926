import { InngestTestEngine } from "@inngest/test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPool, type Pool } from "@/server/db/sql";
import { addDays, todayIn } from "@/server/analytics/periods";
import { rfmSegments } from "@/server/analytics/schemas";
import { lifecycleStages } from "@/server/audiences/fields";
import { createMembers } from "@/server/testing/runtime-fixtures";
import { createTestDatabase, type TestDatabase } from "@/server/testing/db";
import { refreshInsightsRun } from "./refresh-insights";

let t: TestDatabase;
let pool: Pool;
beforeAll(async () => {
  t = await createTestDatabase();
  process.env.DATABASE_URL = t.url;
  pool = createPool(t.url, 2);
  const [a] = await createMembers(t.pool, 1);
  // Orders 150 days ago and 2 days ago: every day between them is rolled (150 days: three steps).
  await t.pool.query(
    `INSERT INTO orders (external_id, member_id, placed_at, total_amount) VALUES
       ('R-1', $1, now() - interval '150 days', 30), ('R-2', $1, now() - interval '2 days', 20)`,
    [a],
  );
});
afterAll(async () => {
  await pool.end();
  await t.drop();
});

describe("refresh-insights (Inngest function)", () => {
  it("rolls every settled day in steps, and a second run rolls nothing", async () => {
    const first = await new InngestTestEngine({ function: refreshInsightsRun }).execute();
    expect(first.result).toMatchObject({ remaining: 0 });
    // All members, each tier, stage and RFM segment.
    const tiers = (await t.pool.query(`SELECT count(*)::int AS n FROM tiers`)).rows[0].n;
    expect((first.result as { groups: number }).groups).toBe(1 + tiers + lifecycleStages.length + rfmSegments.length);
    expect(first.ctx.step.run).toHaveBeenCalledWith("roll-2", expect.any(Function));
    const { rows } = await t.pool.query(`SELECT min(day)::text AS lo, max(day)::text AS hi, count(*)::int AS n, sum(orders)::int AS orders, sum(spend)::float8 AS spend FROM insights_days`);
    const yesterday = addDays(todayIn("Asia/Shanghai", new Date(Date.now() - 3_600_000)), -1);
    expect(rows[0]).toMatchObject({ hi: yesterday, orders: 2, spend: 50 });
    expect(rows[0].n).toBe((first.result as { rolled: number }).rolled);
    const again = await new InngestTestEngine({ function: refreshInsightsRun }).execute();
    expect(again.result).toEqual({ rolled: 0, remaining: 0, groups: 0 });
  });
});
