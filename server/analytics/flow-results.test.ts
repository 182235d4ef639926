// A flow's results against independent SQL, on a real database: a holdout split, coupons (one
// redeemed), an SMS, orders inside and outside the attribution window and a full refund.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/server/testing/db";
import { createPool, withTransaction, type Pool } from "@/server/db/sql";
import { flowDraft, inlineCoupon, publishDraft, sms } from "@/server/flows/build";
import { runOccurrence, startManualRun } from "@/server/engine/triggers";
import { flowResults, upliftOf, type Arm } from "./flow-results";

let t: TestDatabase;
let pool: Pool;
let flowId: string;
const DAY = 86_400_000;
const t0 = new Date(Date.now() - 20 * DAY);
const MEMBERS = 200;

beforeAll(async () => {
  t = await createTestDatabase();
  pool = createPool(t.url, 4);
  await t.pool.query(`INSERT INTO tiers (id, name, name_en, rank, growth_threshold) VALUES ('silver', '银卡', 'Silver', 1, 0)`);
  await t.pool.query(
    `INSERT INTO members (id, external_id, name, phone, registered_at, registration_channel, tier_id, consent_sms)
     SELECT i, 'M-' || i, '会员' || i, '1390000' || lpad(i::text, 4, '0'), now() - interval '300 days', 'app', 'silver', i % 10 <> 0
     FROM generate_series(1, ${MEMBERS}) i`,
  );
  const draft = flowDraft(
    [
      { id: "start", kind: "manual_trigger", config: {} },
      { id: "split", kind: "random_split", config: { buckets: [{ id: "all", name: "All", percent: 70 }], holdout: { percent: 30 } } },
      { id: "coupon", kind: "issue_coupon", config: inlineCoupon(20) },
      { id: "note", kind: "send_notification", config: sms("券码 {{coupon.code}}") },
    ],
    ["start>split", "split:all>coupon", "split:control>coupon", "coupon>note"],
    { conversionWindowDays: 7 },
  );
  ({ flowId } = await publishDraft(t.db, "Results", draft));
  const members = Array.from({ length: MEMBERS }, (_, i) => i + 1);
  const occurrence = await withTransaction(pool, (tx) => startManualRun(tx, flowId, members, "results-run", t0));
  await runOccurrence(pool, occurrence, { now: t0 });
  await t.pool.query(`UPDATE journeys SET entered_at = $2 WHERE flow_id = $1`, [flowId, t0]);

  // Orders: every third member 2 days after entry (one refunded in full, one in part), every
  // fifth 10 days after (outside a 7-day window), and members 1–5 the day before entry (never count).
  await t.pool.query(
    `INSERT INTO orders (external_id, member_id, placed_at, total_amount, refunded_amount, refunded_at)
     SELECT 'in-' || i, i, $1::timestamptz + interval '2 days', 100 + i,
            CASE WHEN i = 3 THEN 103 WHEN i = 6 THEN 50 ELSE 0 END, CASE WHEN i IN (3, 6) THEN $1::timestamptz + interval '3 days' END
     FROM generate_series(3, ${MEMBERS}, 3) i
     UNION ALL SELECT 'late-' || i, i, $1::timestamptz + interval '10 days', 80, 0, NULL FROM generate_series(5, ${MEMBERS}, 5) i
     UNION ALL SELECT 'before-' || i, i, $1::timestamptz - interval '1 day', 60, 0, NULL FROM generate_series(1, 5) i`,
    [t0],
  );
  // One treated member redeems their coupon on an order.
  const [c] = (await t.pool.query(`SELECT c.id, c.member_id FROM coupons c WHERE c.flow_id = $1 ORDER BY c.member_id LIMIT 1`, [flowId])).rows;
  await t.pool.query(`UPDATE coupons SET status = 'redeemed', redeemed_at = now() WHERE id = $1`, [c.id]);
  await t.pool.query(`INSERT INTO coupon_redemptions (coupon_id, member_id, cart_total, discount_amount) VALUES ($1, $2, 150, 20)`, [c.id, c.member_id]);
  await t.pool.query(`UPDATE notifications SET opened_at = now() WHERE flow_id = $1 AND member_id IN (SELECT member_id FROM notifications WHERE flow_id = $1 ORDER BY member_id LIMIT 4)`, [flowId]);
});
afterAll(async () => {
  await pool.end();
  await t.drop();
});

const one = async (text: string, values: unknown[]) => (await t.pool.query(text, values)).rows[0];

describe("flowResults", () => {
  it("counts each arm's journeys, orders and revenue in the window as independent SQL does", async () => {
    const results = await flowResults(t.db, { id: flowId });
    expect(results.attributionDays).toBe(7);
    for (const control of [false, true]) {
      // Per member, independently: the counted orders in [entry, entry + 7 days).
      const expected = await one(
        `SELECT count(*)::int AS journeys,
                count(*) FILTER (WHERE n > 0)::int AS ordered,
                coalesce(sum(n), 0)::int AS orders,
                coalesce(sum(paid), 0)::float8 AS revenue
         FROM (SELECT j.id,
                 (SELECT count(*) FROM orders o WHERE o.member_id = j.member_id AND o.placed_at >= j.entered_at
                    AND o.placed_at < j.entered_at + interval '7 days' AND (o.refunded_at IS NULL OR o.refunded_amount < o.total_amount)) AS n,
                 (SELECT sum(o.total_amount - o.refunded_amount) FROM orders o WHERE o.member_id = j.member_id AND o.placed_at >= j.entered_at
                    AND o.placed_at < j.entered_at + interval '7 days' AND (o.refunded_at IS NULL OR o.refunded_amount < o.total_amount)) AS paid
               FROM journeys j WHERE j.flow_id = $1 AND j.is_control = $2) s`,
        [flowId, control],
      );
      expect(expected.ordered).toBeGreaterThan(0);
      const arm = control ? results.control! : results.treatment;
      expect({ journeys: arm.journeys, ordered: arm.ordered, orders: arm.orders, revenue: arm.revenue }).toEqual(expected);
    }
    expect(results.treatment.journeys + results.control!.journeys).toBe(MEMBERS);
    expect(results.control!.journeys).toBeGreaterThan(30);
    expect(results.control!.journeys).toBeLessThan(90);
  });

  it("widens the window on request: orders 10 days after entry count in a 14-day window", async () => {
    const week = await flowResults(t.db, { id: flowId });
    const fortnight = await flowResults(t.db, { id: flowId, attributionDays: 14 });
    const late = await one(`SELECT count(*)::int AS n FROM orders WHERE external_id LIKE 'late-%'`, []);
    expect(fortnight.treatment.orders + fortnight.control!.orders - week.treatment.orders - week.control!.orders).toBe(late.n);
  });

  it("reports the effects: coupons issued only to the treated, the redemption, messages by status, what the holdout was spared", async () => {
    const results = await flowResults(t.db, { id: flowId });
    const treated = results.treatment.journeys;
    expect(results.coupons).toMatchObject({ issued: treated, redeemed: 1, discount: 20, redeemedOrderValue: 150 });
    const sms = results.messages.find((m) => m.channel === "sms")!;
    const byStatus = await t.pool.query(`SELECT status::text, count(*)::int AS n FROM notifications WHERE flow_id = $1 GROUP BY 1`, [flowId]);
    expect(sms.total).toBe(treated);
    for (const row of byStatus.rows as { status: "queued" | "suppressed"; n: number }[]) expect(sms[row.status]).toBe(row.n);
    expect(sms.suppressed).toBeGreaterThan(0); // members without SMS consent
    expect(sms.opened).toBe(4);
    expect(results.withheld).toEqual({ coupon: results.control!.journeys, notification: results.control!.journeys });
    expect(results.endReasons).toEqual({ end_of_path: MEMBERS });
  });

  it("refuses an unknown flow, naming the field", async () => {
    await expect(flowResults(t.db, { id: "no-such-flow" })).rejects.toMatchObject({ code: "not_found", details: { field: "id" } });
  });
});

describe("upliftOf", () => {
  const arm = (journeys: number, ordered: number, orders: number, revenue: number): Arm => ({ journeys, members: journeys, inFlight: 0, converted: 0, ordered, orders, revenue });

  it("gives the difference of rates with a 95% interval, and incremental orders and revenue", () => {
    // 15% of 1,000 treated ordered against 10% of 1,000 held out: se = √(.15·.85/1000 + .1·.9/1000) = 0.014748.
    const u = upliftOf("ordered", arm(1000, 150, 180, 18_000), arm(1000, 100, 110, 10_000));
    expect(u.difference).toBeCloseTo(0.05, 10);
    expect(u.low).toBeCloseTo(0.05 - 1.96 * 0.0147479, 5);
    expect(u.high).toBeCloseTo(0.05 + 1.96 * 0.0147479, 5);
    expect(u.relative).toBeCloseTo(0.5, 10);
    expect(u.significant).toBe(true);
    expect(u.incrementalOrders).toBeCloseTo(70, 10);
    expect(u.incrementalRevenue).toBe(8000);
  });

  it("is not significant when the interval spans zero, and has no relative uplift over a zero rate", () => {
    expect(upliftOf("ordered", arm(50, 6, 6, 600), arm(50, 5, 5, 500)).significant).toBe(false);
    expect(upliftOf("ordered", arm(50, 6, 6, 600), arm(50, 0, 0, 0)).relative).toBeNull();
  });
});
