// The flow's points node writes through the ledger's rules: a deduction takes from the oldest lots
// and never below 0, an award is a lot that expires by the program's rule and repays debt first.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPool, withTransaction, type Pool } from "@/server/db/sql";
import { runOccurrence, tick } from "@/server/engine/triggers";
import { earnForOrders } from "@/server/loyalty/points";
import { createMembers, exitNode, linearFlow, publishFlow, scheduledOnceForAll } from "@/server/testing/runtime-fixtures";
import { createTestDatabase, type TestDatabase } from "@/server/testing/db";

let t: TestDatabase;
let pool: Pool;
let members: number[];
beforeAll(async () => {
  t = await createTestDatabase();
  pool = createPool(t.url, 2);
  members = await createMembers(t.pool, 2);
  const now = new Date();
  const lastYear = new Date(now.getTime() - 300 * 86_400_000);
  await withTransaction(pool, (tx) => earnForOrders(tx, [{ orderId: 1, externalId: "O-1", memberId: members[0]!, paid: 100 }], lastYear));
  await withTransaction(pool, (tx) => earnForOrders(tx, [{ orderId: 2, externalId: "O-2", memberId: members[0]!, paid: 100 }], now));
  await t.pool.query(`UPDATE members SET points_debt = 20 WHERE id = $1`, [members[1]]);
});
afterAll(async () => {
  await pool.end();
  await t.drop();
});

const run = async (config: { action: "award" | "deduct"; amount: number; reason: string }) => {
  await publishFlow(pool, linearFlow([scheduledOnceForAll(), { id: "points", kind: "points", config }, exitNode()]));
  for (const id of await tick(pool)) await runOccurrence(pool, id);
};

describe("points node", () => {
  it("deducts from the oldest lot first, at most the balance", async () => {
    await run({ action: "deduct", amount: 150, reason: "兑换" });
    const lots = await t.pool.query(`SELECT order_id, remaining FROM points_entries WHERE member_id = $1 AND type = 'earn' ORDER BY id`, [members[0]]);
    expect(lots.rows).toEqual([
      { order_id: 1, remaining: 0 },
      { order_id: 2, remaining: 50 },
    ]);
    const balances = await t.pool.query(`SELECT id, points_balance FROM members ORDER BY id`);
    expect(balances.rows.map((r) => r.points_balance)).toEqual([50, 0]);
  });

  it("awards a lot that expires at the end of next year, repaying debt first", async () => {
    await run({ action: "award", amount: 30, reason: "生日礼" });
    const { rows } = await t.pool.query(
      `SELECT m.points_balance, m.points_debt, e.amount, e.remaining, e.debt_delta, e.expires_at IS NOT NULL AS expires
       FROM members m JOIN points_entries e ON e.member_id = m.id AND e.reason = '生日礼' WHERE m.id = $1`,
      [members[1]],
    );
    expect(rows).toEqual([{ points_balance: 10, points_debt: 0, amount: 10, remaining: 10, debt_delta: -20, expires: true }]);
  });
});
