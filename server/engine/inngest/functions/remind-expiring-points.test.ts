import { InngestTestEngine } from "@inngest/test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPool, withTransaction, type Pool } from "@/server/db/sql";
import { earnForOrders } from "@/server/loyalty/points";
import { createMembers } from "@/server/testing/runtime-fixtures";
import { createTestDatabase, type TestDatabase } from "@/server/testing/db";
import { remindExpiringPointsRun } from "./remind-expiring-points";

let t: TestDatabase;
let pool: Pool;
let soon: number;
beforeAll(async () => {
  t = await createTestDatabase();
  process.env.DATABASE_URL = t.url;
  pool = createPool(t.url, 2);
  const [a, b] = await createMembers(t.pool, 2);
  soon = a!;
  // a: a lot due in 5 days (the 7-day reminder is due); b: a lot due in a year or more (nothing yet).
  await withTransaction(pool, (tx) => earnForOrders(tx, [{ orderId: 1, externalId: "O-1", memberId: a!, paid: 120 }], new Date()));
  await t.pool.query(`UPDATE points_entries SET expires_at = now() + interval '5 days' WHERE member_id = $1`, [a]);
  await withTransaction(pool, (tx) => earnForOrders(tx, [{ orderId: 2, externalId: "O-2", memberId: b!, paid: 80 }], new Date()));
});
afterAll(async () => {
  await pool.end();
  await t.drop();
});

describe("remind-expiring-points (Inngest function)", () => {
  it("reminds the member whose points are due within a lead time, once", async () => {
    const first = await new InngestTestEngine({ function: remindExpiringPointsRun }).execute();
    expect(first.result).toMatchObject({ events: 1 });
    expect(first.ctx.step.run).toHaveBeenCalledWith("remind-0", expect.any(Function));
    const again = await new InngestTestEngine({ function: remindExpiringPointsRun }).execute();
    expect(again.result).toMatchObject({ events: 0 });
    const rows = await t.pool.query(`SELECT member_id, properties->>'points' AS points, properties->>'daysBefore' AS days FROM member_events WHERE name = 'points.expiring'`);
    expect(rows.rows).toEqual([{ member_id: soon, points: "120", days: "7" }]);
  });
});
