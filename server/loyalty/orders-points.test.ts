// Orders and refunds posted through the storefront events earn and take back points, by the
// program's rate and the member's tier, once per order, and tell the flows (points.earned).
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/server/testing/db";
import { saveProgram } from "./program";
import { defaultLoyaltyProgram } from "./program-schema";
import { createPool, withTransaction, type Pool } from "@/server/db/sql";

// The storefront's handler module sits beside the Next.js route; its guard has no meaning here.
vi.mock("server-only", () => ({}));

let t: TestDatabase;
let pool: Pool;
let postEvents: typeof import("@/server/storefront/events").postEvents;
beforeAll(async () => {
  t = await createTestDatabase();
  process.env.DATABASE_URL = t.url;
  ({ postEvents } = await import("@/server/storefront/events")); // its module reads DATABASE_URL when loaded
  pool = createPool(t.url, 2);
  // The gold tier's benefits carry its points multiplier.
  await t.pool.query(`INSERT INTO tiers (id, name, name_en, rank, growth_threshold, benefits) VALUES ('bronze', '青铜', 'Bronze', 1, 0, '[]'), ('gold', '黄金', 'Gold', 3, 5000, '{"pointsMultiplier": 1.5}')`);
  await t.pool.query(`INSERT INTO members (external_id, name, registered_at, registration_channel, tier_id) VALUES ('M-B', 'B', now(), 'app', 'bronze'), ('M-G', 'G', now(), 'app', 'gold')`);
  await withTransaction(pool, (tx) => saveProgram(tx, { ...defaultLoyaltyProgram, earnRate: 2 }, "test"));
});
afterAll(async () => {
  await pool.end();
  await t.drop();
});

const balances = async () =>
  Object.fromEntries((await t.pool.query<{ external_id: string; points_balance: number; points_debt: number }>(`SELECT external_id, points_balance, points_debt FROM members ORDER BY id`)).rows.map((r) => [r.external_id, [r.points_balance, r.points_debt]]));

describe("orders posted by a storefront", () => {
  const now = new Date("2026-06-01T02:00:00Z");
  const order = (id: string, member: string, total: number) => ({ id: `evt-${id}`, type: "order.placed", member, order: { id, total, items: [] } });

  it("earn paid × rate × tier multiplier, once per order, expiring at the end of next year in Shanghai", async () => {
    const result = await postEvents("shop", [order("O-1", "M-B", 99.99), order("O-2", "M-G", 100)], now);
    expect(result.accepted).toBe(2);
    expect(await balances()).toEqual({ "M-B": [199, 0], "M-G": [300, 0] });
    // The same order again, under another event id: nothing more.
    await postEvents("shop", [{ ...order("O-1", "M-B", 99.99), id: "evt-again" }], now);
    expect(await balances()).toEqual({ "M-B": [199, 0], "M-G": [300, 0] });
    const lot = await t.pool.query(`SELECT expires_at, remaining FROM points_entries WHERE effect_key LIKE 'earn:order:%' ORDER BY id LIMIT 1`);
    expect(lot.rows[0]).toEqual({ expires_at: new Date("2027-12-31T15:59:59.999Z"), remaining: 199 });
    const events = await t.pool.query(`SELECT properties FROM member_events WHERE name = 'points.earned' ORDER BY id`);
    expect(events.rows.map((r) => r.properties)).toEqual([
      { points: 199, credited: 199, orderId: "O-1" },
      { points: 300, credited: 300, orderId: "O-2" },
    ]);
  });

  it("refunds take back their share; a replayed refund takes nothing more", async () => {
    const refund = (id: string, orderId: string, member: string, amount?: number) => ({ id, type: "order.refunded", member, order: { id: orderId, ...(amount ? { amount } : {}) } });
    await postEvents("shop", [refund("r-1", "O-2", "M-G", 25)], now);
    expect(await balances()).toEqual({ "M-B": [199, 0], "M-G": [225, 0] });
    await postEvents("shop", [refund("r-1", "O-2", "M-G", 25)], now);
    expect(await balances()).toEqual({ "M-B": [199, 0], "M-G": [225, 0] });
    // The member spends 200, then the rest is refunded: 225 more to take back, 25 held, 200 owed.
    await t.pool.query(`UPDATE points_entries SET remaining = remaining - 200 WHERE effect_key = 'earn:order:2'`);
    await t.pool.query(`INSERT INTO points_entries (member_id, type, amount, reason, effect_key) SELECT id, 'redeem', -200, 'test', 'redeem:test' FROM members WHERE external_id = 'M-G'`);
    await t.pool.query(`UPDATE members SET points_balance = points_balance - 200 WHERE external_id = 'M-G'`);
    await postEvents("shop", [refund("r-2", "O-2", "M-G")], now);
    expect(await balances()).toEqual({ "M-B": [199, 0], "M-G": [0, 200] });
    // The next order repays the debt first: 2 × 1.5 × 100 = 300, 200 of it to the debt.
    await postEvents("shop", [order("O-3", "M-G", 100)], now);
    expect(await balances()).toEqual({ "M-B": [199, 0], "M-G": [100, 0] });
    const sums = await t.pool.query(`SELECT m.external_id, m.points_balance = sum(e.amount) AS balanced, m.points_debt = sum(e.debt_delta) AS debt FROM members m JOIN points_entries e ON e.member_id = m.id GROUP BY m.id`);
    expect(sums.rows.every((r) => r.balanced && r.debt)).toBe(true);
  });
});
