// The member page's points: newest first with the running balance after each entry, paged, and
// what the member holds by expiry date.
import { describe, expect, it } from "vitest";
import { runnerFor, withTransaction, type Pool } from "@/server/db/sql";
import { createMembers } from "@/server/testing/runtime-fixtures";
import { databaseAndPoolForFile, type TestDatabase } from "@/server/testing/db";
import { earnForOrders, redeemPoints } from "./points";
import { memberPoints } from "./points-view";
import { saveProgram } from "./program";
import { defaultLoyaltyProgram } from "./program-schema";

let t: TestDatabase;
let pool: Pool;
databaseAndPoolForFile((db, p) => {
  t = db;
  pool = p;
});

describe("memberPoints", () => {
  it("shows each entry with the balance after it, and the points held by the date they expire", async () => {
    const [m] = await createMembers(t.pool, 1);
    await withTransaction(pool, (tx) => earnForOrders(tx, [{ orderId: 1, externalId: "O-1", memberId: m!, paid: 100 }], new Date("2025-03-01T00:00:00Z")));
    await withTransaction(pool, (tx) => earnForOrders(tx, [{ orderId: 2, externalId: "O-2", memberId: m!, paid: 60 }], new Date("2026-03-01T00:00:00Z")));
    await withTransaction(pool, (tx) => redeemPoints(tx, { memberId: m!, points: 40, key: "r1", reason: "兑换优惠券" }, new Date("2026-04-01T00:00:00Z")));
    const page = (await memberPoints(runnerFor(pool), { id: m, page: 1, pageSize: 5 }))!;
    expect(page).toMatchObject({ balance: 120, debt: 0, total: 3 });
    expect(page.entries.map((e) => [e.type, e.amount, e.balance])).toEqual([
      ["redeem", -40, 120],
      ["earn", 60, 160],
      ["earn", 100, 100],
    ]);
    expect(page.expiring).toEqual([
      { expiresAt: new Date("2026-12-31T15:59:59.999Z"), points: 60 },
      { expiresAt: new Date("2027-12-31T15:59:59.999Z"), points: 60 },
    ]);
    // Dates show in the program's zone; nothing to buy until a template is set.
    expect(page).toMatchObject({ timezone: "Asia/Shanghai", redemption: { templateName: null, pointsPerCoupon: 1000 } });
    const second = (await memberPoints(runnerFor(pool), { id: m, page: 2, pageSize: 5 }))!;
    expect(second.entries).toEqual([]);
    expect(await memberPoints(runnerFor(pool), { id: 2_000_000_000 })).toBeNull();
    await t.pool.query(`INSERT INTO coupon_templates (id, name, type, value, min_spend, valid_days) VALUES ('tpl_p', '¥10 off', 'amount', 10, 0, 30)`);
    await withTransaction(pool, (tx) => saveProgram(tx, { ...defaultLoyaltyProgram, timezone: "UTC", redemption: { couponTemplateId: "tpl_p", pointsPerCoupon: 50 } }, "test"));
    expect(await memberPoints(runnerFor(pool), { id: m })).toMatchObject({ timezone: "UTC", redemption: { templateName: "¥10 off", pointsPerCoupon: 50 } });
    await t.pool.query(`UPDATE coupon_templates SET archived_at = now() WHERE id = 'tpl_p'`);
    expect(await memberPoints(runnerFor(pool), { id: m })).toMatchObject({ redemption: { templateName: null } });
  });
});
