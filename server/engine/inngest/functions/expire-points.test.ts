import { InngestTestEngine } from "@inngest/test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPool, withTransaction, type Pool } from "@/server/db/sql";
import { earnForOrders } from "@/server/loyalty/points";
import { createMembers } from "@/server/testing/runtime-fixtures";
import { createTestDatabase, type TestDatabase } from "@/server/testing/db";
import { expirePointsRun } from "./expire-points";

let t: TestDatabase;
let pool: Pool;
beforeAll(async () => {
  t = await createTestDatabase();
  process.env.DATABASE_URL = t.url;
  pool = createPool(t.url, 2);
  const [a, b] = await createMembers(t.pool, 2);
  // a: earned in 2024 (due at the end of 2025, in Shanghai); b: earned just now (due in a year or two).
  await withTransaction(pool, (tx) => earnForOrders(tx, [{ orderId: 1, externalId: "O-1", memberId: a!, paid: 120 }], new Date("2024-05-01T00:00:00Z")));
  await withTransaction(pool, (tx) => earnForOrders(tx, [{ orderId: 2, externalId: "O-2", memberId: b!, paid: 80 }], new Date()));
});
afterAll(async () => {
  await pool.end();
  await t.drop();
});

describe("expire-points (Inngest function)", () => {
  it("expires what is due, and a second run expires nothing more", async () => {
    const first = await new InngestTestEngine({ function: expirePointsRun }).execute();
    expect(first.result).toMatchObject({ members: 1, points: 120 });
    expect(first.ctx.step.run).toHaveBeenCalledWith("expire-0", expect.any(Function));
    const again = await new InngestTestEngine({ function: expirePointsRun }).execute();
    expect(again.result).toMatchObject({ members: 0, points: 0 });
    const rows = await t.pool.query(`SELECT type::text, amount FROM points_entries ORDER BY id`);
    expect(rows.rows).toEqual([
      { type: "earn", amount: 120 },
      { type: "earn", amount: 80 },
      { type: "expire", amount: -120 },
    ]);
  });
});
