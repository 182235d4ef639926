// Points → coupons on a real PostgreSQL: the points and the coupons move together or not at all,
// a key redeems once (also when two calls race), and every refusal names its field and takes nothing.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { TRPCError } from "@trpc/server";
import { createPool, withTransaction, type Pool } from "@/server/db/sql";
import { DomainError } from "@/server/errors";
import { createMembers, exitNode, linearFlow, publishFlow } from "@/server/testing/runtime-fixtures";
import { createTestDatabase, type TestDatabase } from "@/server/testing/db";
import { earnForOrders } from "./points";
import { redeemForCoupons } from "./points-redemption";
import { saveProgram } from "./program";
import { defaultLoyaltyProgram } from "./program-schema";

vi.mock("server-only", () => ({}));
vi.mock("@/server/db", () => ({ db: {} }));
const { createCaller } = await import("@/server/api/root");

let t: TestDatabase;
let pool: Pool;
const now = new Date("2026-06-01T04:00:00Z");
beforeAll(async () => {
  t = await createTestDatabase();
  pool = createPool(t.url, 6);
  await t.pool.query(`INSERT INTO coupon_templates (id, name, type, value, min_spend, valid_days, per_member_max) VALUES ('tpl_points', 'Points coupon', 'amount', 10, 0, 30, 5)`);
  await withTransaction(pool, (tx) => saveProgram(tx, { ...defaultLoyaltyProgram, redemption: { couponTemplateId: "tpl_points", pointsPerCoupon: 100 } }, "test"));
});
afterAll(async () => {
  await pool.end();
  await t.drop();
});

let orderId = 100;
async function memberWith(points: number, prefix: string): Promise<number> {
  const [m] = await createMembers(t.pool, 1, prefix);
  await withTransaction(pool, (tx) => earnForOrders(tx, [{ orderId: ++orderId, externalId: `${prefix}-${orderId}`, memberId: m!, paid: points }], new Date("2026-05-01T00:00:00Z")));
  return m!;
}
const redeem = (input: unknown) => withTransaction(pool, (tx) => redeemForCoupons(tx, input, now));

/** What the database holds for the member, by plain SQL. */
async function holdings(memberId: number) {
  const { rows } = await t.pool.query(
    `SELECT m.points_balance AS balance,
            (SELECT coalesce(sum(amount), 0)::int FROM points_entries WHERE member_id = m.id) AS ledger,
            (SELECT coalesce(sum(remaining), 0)::int FROM points_entries WHERE member_id = m.id) AS lots,
            (SELECT count(*)::int FROM points_entries WHERE member_id = m.id AND type = 'redeem') AS redeems,
            (SELECT count(*)::int FROM coupons WHERE member_id = m.id AND template_id = 'tpl_points') AS coupons,
            (SELECT count(*)::int FROM coupons c JOIN points_entries p ON p.id = c.points_entry_id WHERE c.member_id = m.id AND p.type = 'redeem') AS linked
     FROM members m WHERE m.id = $1`,
    [memberId],
  );
  return rows[0] as { balance: number; ledger: number; lots: number; redeems: number; coupons: number; linked: number };
}

async function refusal(promise: Promise<unknown>): Promise<{ code: string; field: unknown }> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  const e = error as DomainError<{ field?: string }>;
  return { code: e.code, field: e.details?.field };
}

describe("redeeming points for coupons", () => {
  it("takes the price from the oldest lots and issues the coupons in one go, once per key", async () => {
    const m = await memberWith(350, "A");
    const first = await redeem({ memberId: m, coupons: 2, key: "redeem-a-0001" });
    expect(first).toMatchObject({ points: 200, replayed: false });
    expect(first.coupons).toHaveLength(2);
    expect(await holdings(m)).toEqual({ balance: 150, ledger: 150, lots: 150, redeems: 1, coupons: 2, linked: 2 });
    // The flows hear of it once (the points-expiring template waits for it).
    const heard = async () => (await t.pool.query(`SELECT properties FROM member_events WHERE name = 'points.redeemed' AND member_id = $1`, [m])).rows;
    expect(await heard()).toEqual([{ properties: { points: 200, coupons: 2, templateId: "tpl_points" } }]);
    // A retry with the key answers with the same coupons and takes nothing more.
    const again = await redeem({ memberId: m, coupons: 2, key: "redeem-a-0001" });
    expect(again).toMatchObject({ entryId: first.entryId, points: 200, replayed: true });
    expect(again.coupons.map((c) => c.code).sort()).toEqual(first.coupons.map((c) => c.code).sort());
    expect(await holdings(m)).toMatchObject({ balance: 150, redeems: 1, coupons: 2 });
    expect(await heard()).toHaveLength(1);
    // The key belongs to its member.
    const other = await memberWith(500, "A2");
    expect(await refusal(redeem({ memberId: other, coupons: 1, key: "redeem-a-0001" }))).toEqual({ code: "invalid", field: "key" });
  });

  it("redeems once when two calls with one key race", async () => {
    const m = await memberWith(1000, "B");
    const results = await Promise.all([1, 2, 3].map(() => redeem({ memberId: m, coupons: 1, key: "redeem-b-0001" })));
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect(new Set(results.map((r) => r.coupons[0]!.code)).size).toBe(1);
    expect(await holdings(m)).toEqual({ balance: 900, ledger: 900, lots: 900, redeems: 1, coupons: 1, linked: 1 });
  });

  it("refuses a short balance, naming the field, and takes nothing", async () => {
    const m = await memberWith(150, "C");
    expect(await refusal(redeem({ memberId: m, coupons: 2, key: "redeem-c-0001" }))).toEqual({ code: "invalid", field: "points" });
    expect(await holdings(m)).toEqual({ balance: 150, ledger: 150, lots: 150, redeems: 0, coupons: 0, linked: 0 });
  });

  it("refuses an archived template, one out of stock or past the member's maximum, and takes nothing", async () => {
    const m = await memberWith(2000, "D");
    await t.pool.query(`UPDATE coupon_templates SET total_limit = issued_count + 1 WHERE id = 'tpl_points'`);
    expect(await refusal(redeem({ memberId: m, coupons: 2, key: "redeem-d-0001" }))).toEqual({ code: "invalid", field: "coupons" });
    await t.pool.query(`UPDATE coupon_templates SET total_limit = NULL, per_member_max = 1 WHERE id = 'tpl_points'`);
    await redeem({ memberId: m, coupons: 1, key: "redeem-d-0002" });
    expect(await refusal(redeem({ memberId: m, coupons: 1, key: "redeem-d-0003" }))).toEqual({ code: "invalid", field: "coupons" });
    await t.pool.query(`UPDATE coupon_templates SET per_member_max = 5, archived_at = now() WHERE id = 'tpl_points'`);
    expect(await refusal(redeem({ memberId: m, coupons: 1, key: "redeem-d-0004" }))).toEqual({ code: "invalid", field: "templateId" });
    await t.pool.query(`UPDATE coupon_templates SET archived_at = NULL WHERE id = 'tpl_points'`);
    expect(await holdings(m)).toEqual({ balance: 1900, ledger: 1900, lots: 1900, redeems: 1, coupons: 1, linked: 1 });
  });

  it("refuses when no template is set, and bad input field by field", async () => {
    const m = await memberWith(500, "E");
    await withTransaction(pool, (tx) => saveProgram(tx, { ...defaultLoyaltyProgram, redemption: { couponTemplateId: null, pointsPerCoupon: 100 } }, "test"));
    try {
      expect(await refusal(redeem({ memberId: m, coupons: 1, key: "redeem-e-0001" }))).toEqual({ code: "invalid", field: "templateId" });
    } finally {
      await withTransaction(pool, (tx) => saveProgram(tx, { ...defaultLoyaltyProgram, redemption: { couponTemplateId: "tpl_points", pointsPerCoupon: 100 } }, "test"));
    }
    await expect(redeem({ memberId: m, coupons: 0, key: "redeem-e-0002" })).rejects.toMatchObject({ name: "ZodError" });
    await expect(redeem({ memberId: m, coupons: 1, key: "short" })).rejects.toMatchObject({ name: "ZodError" });
    expect(await refusal(redeem({ memberId: 999_999, coupons: 1, key: "redeem-e-0003" }))).toEqual({ code: "not_found", field: "memberId" });
    expect(await holdings(m)).toMatchObject({ balance: 500, redeems: 0, coupons: 0 });
  });
});

describe("redeeming through the member page's procedure", () => {
  const marketer = { user: { id: "u-marketer", role: "marketer" as const, name: "Mia", email: "mia@shop.test" } };

  it("redeems in the app's Prisma transaction, with its audit entry; a short balance answers 400 naming the field", async () => {
    const m = await memberWith(260, "T");
    // A flow started by the redemption: the event enters it inside the same Prisma transaction.
    const { flowId } = await publishFlow(pool, linearFlow([{ id: "start", kind: "event_trigger", config: { event: "points.redeemed", conditions: [] } }, exitNode()]));
    const api = createCaller({ db: t.db, session: marketer, headers: new Headers() });
    const done = await api.loyalty.redeemForCoupons({ memberId: m, coupons: 2, key: "api-redeem-0001" });
    expect(done).toMatchObject({ points: 200, replayed: false });
    expect(typeof done.entryId).toBe("number");
    expect(await holdings(m)).toEqual({ balance: 60, ledger: 60, lots: 60, redeems: 1, coupons: 2, linked: 2 });
    // The replay is not audited twice.
    await api.loyalty.redeemForCoupons({ memberId: m, coupons: 2, key: "api-redeem-0001" });
    const audited = await t.pool.query(`SELECT actor, details FROM audit_logs WHERE action = 'member.points_redeem' AND entity_id = $1`, [String(m)]);
    expect(audited.rows).toHaveLength(1);
    expect(audited.rows[0]).toMatchObject({ actor: "mia@shop.test", details: { points: 200 } });
    const heard = await t.pool.query(`SELECT count(*)::int AS n FROM member_events WHERE name = 'points.redeemed' AND member_id = $1`, [m]);
    expect(heard.rows[0].n).toBe(1);
    const entered = await t.pool.query(`SELECT count(*)::int AS n FROM journeys WHERE flow_id = $1 AND member_id = $2`, [flowId, m]);
    expect(entered.rows[0].n).toBe(1);

    const short = await api.loyalty.redeemForCoupons({ memberId: m, coupons: 1, key: "api-redeem-0002" }).catch((e: unknown) => e);
    expect(short).toBeInstanceOf(TRPCError);
    expect((short as TRPCError).code).toBe("BAD_REQUEST");
    expect(((short as TRPCError).cause as DomainError<{ field: string }>).details?.field).toBe("points");
    expect(await holdings(m)).toMatchObject({ balance: 60, redeems: 1, coupons: 2 });
  });
});
