import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/server/testing/db";
import { withTransaction } from "@/server/db/sql";
import { addOrdersToStats, addVisitsToStats, refreshMemberStats, subtractRefundsFromStats } from "./stats";

const AS_OF = new Date("2026-06-30T00:00:00Z");
const DAY = 86_400_000;
const ago = (days: number) => new Date(AS_OF.getTime() - days * DAY);

// Hand-made members: [external id, registered days ago, orders as [days ago, amount]].
const MEMBERS: [string, number, [number, number][]][] = [
  ["A-new", 10, [[5, 100]]],
  ["B-active", 400, [[10, 50], [60, 70], [100, 80], [200, 90], [399, 30]]],
  ["C-silent", 500, [[200, 1000]]],
  ["D-churned", 800, [[700, 20], [400, 20]]],
  ["E-never-recent", 100, []],
  ["F-never-old", 400, []],
  ["G-new-but-two-orders", 20, [[3, 10], [10, 10]]],
  ["H-boundary", 40, [[30, 5]]], // exactly 30 days ago: outside the 30-day window
];

let t: TestDatabase;
const ids = new Map<string, number>();

async function stats(external: string) {
  const { rows } = await t.pool.query(`SELECT s.*, s.total_spend::float8 AS spend, s.spend_30d::float8 AS s30, s.spend_90d::float8 AS s90,
      s.spend_180d::float8 AS s180, s.spend_365d::float8 AS s365 FROM member_stats s WHERE member_id = $1`, [ids.get(external)]);
  return rows[0];
}

beforeAll(async () => {
  t = await createTestDatabase();
  await t.pool.query(`INSERT INTO tiers (id, name, name_en, rank, growth_threshold) VALUES ('bronze', '青铜', 'Bronze', 1, 0)`);
  let order = 0;
  for (const [external, registered, orders] of MEMBERS) {
    const { rows } = await t.pool.query<{ id: number }>(
      `INSERT INTO members (external_id, name, registered_at, registration_channel, tier_id) VALUES ($1, $1, $2, 'app', 'bronze') RETURNING id`,
      [external, ago(registered)],
    );
    ids.set(external, rows[0]!.id);
    for (const [days, amount] of orders) {
      await t.pool.query(`INSERT INTO orders (external_id, member_id, placed_at, total_amount) VALUES ($1, $2, $3, $4)`, [
        `o-${++order}`, rows[0]!.id, ago(days), amount,
      ]);
    }
  }
  for (const days of [5, 20, 60, 120]) {
    await t.pool.query(`INSERT INTO visits (member_id, visited_at) VALUES ($1, $2)`, [ids.get("B-active"), ago(days)]);
  }
  expect(await refreshMemberStats(t.pool, { asOf: AS_OF })).toBe(MEMBERS.length);
});
afterAll(() => t.drop());

describe("refreshMemberStats", () => {
  it("counts orders, spend and visits over all time and each window", async () => {
    const b = await stats("B-active");
    expect(b).toMatchObject({ order_count: 5, orders_30d: 1, orders_90d: 2, orders_180d: 3, orders_365d: 4 });
    expect([b.s30, b.s90, b.s180, b.s365, b.spend]).toEqual([50, 120, 200, 290, 320]);
    expect(b.first_order_at).toEqual(ago(399));
    expect(b.last_order_at).toEqual(ago(10));
    expect(b).toMatchObject({ visit_count: 4, visits_30d: 2, visits_90d: 3 });
    expect(b.last_visit_at).toEqual(ago(5));

    const h = await stats("H-boundary");
    expect(h).toMatchObject({ orders_30d: 0, orders_90d: 1 });

    const e = await stats("E-never-recent");
    expect(e).toMatchObject({ order_count: 0, visit_count: 0, first_order_at: null, last_order_at: null, last_visit_at: null });
    expect(e.spend).toBe(0);
  });

  // Lifecycle stages and RFM scores: server/loyalty/lifecycle/evaluate.test.ts.
  it("refreshes a subset, leaving the others as they were", async () => {
    const a = ids.get("A-new")!;
    await t.pool.query(`INSERT INTO orders (external_id, member_id, placed_at, total_amount) VALUES ('o-extra', $1, $2, 5000)`, [a, ago(1)]);
    const before = await stats("B-active");
    expect(await refreshMemberStats(t.pool, { memberIds: [a], asOf: AS_OF })).toBe(1);
    const after = await stats("A-new");
    expect(after).toMatchObject({ order_count: 2, spend: 5100 });
    // Other members are untouched.
    expect((await stats("B-active")).refreshed_at).toEqual(before.refreshed_at);
  });

  it("moves counts, spend and windows as orders, refunds and visits arrive, as a full refresh would", async () => {
    const { rows } = await t.pool.query<{ id: number }>(
      `INSERT INTO members (external_id, name, registered_at, registration_channel, tier_id) VALUES ('I-live', 'I', $1, 'app', 'bronze') RETURNING id`,
      [ago(200)],
    );
    const id = rows[0]!.id;
    ids.set("I-live", id);
    await t.pool.query(`INSERT INTO member_stats (member_id) VALUES ($1)`, [id]);
    const placed = [
      { days: 2, amount: 120 },
      { days: 45, amount: 80 },
      { days: 300, amount: 40 },
    ];
    const orderIds: number[] = [];
    await withTransaction(t.pool, async (tx) => {
      for (const o of placed) {
        const r = await t.pool.query<{ id: number }>(`INSERT INTO orders (external_id, member_id, placed_at, total_amount) VALUES ($1, $2, $3, $4) RETURNING id`, [`i-${o.days}`, id, ago(o.days), o.amount]);
        orderIds.push(r.rows[0]!.id);
      }
      await addOrdersToStats(tx, placed.map((o) => ({ memberId: id, placedAt: ago(o.days), amount: o.amount })), AS_OF);
      await t.pool.query(`INSERT INTO visits (member_id, visited_at) VALUES ($1, $2), ($1, $3)`, [id, ago(1), ago(50)]);
      await addVisitsToStats(tx, [{ memberId: id, visitedAt: ago(1) }, { memberId: id, visitedAt: ago(50) }], AS_OF);
    });
    const fields = ["order_count", "orders_30d", "orders_90d", "orders_180d", "orders_365d", "visit_count", "visits_30d", "visits_90d", "spend", "s30", "s90", "s365"];
    const pick = (row: Record<string, unknown>) => Object.fromEntries(fields.map((f) => [f, row[f]]));
    const live = pick(await stats("I-live"));
    expect(live).toMatchObject({ order_count: 3, orders_30d: 1, orders_90d: 2, spend: 240, s30: 120, s90: 200, visit_count: 2 });
    await refreshMemberStats(t.pool, { memberIds: [id], asOf: AS_OF });
    expect(pick(await stats("I-live"))).toEqual(live);

    // A partial refund leaves spend; a full refund leaves the counts too.
    await withTransaction(t.pool, async (tx) => {
      await t.pool.query(`UPDATE orders SET refunded_amount = 20, refunded_at = $2 WHERE id = $1`, [orderIds[0], AS_OF]);
      await t.pool.query(`UPDATE orders SET refunded_amount = 80, refunded_at = $2 WHERE id = $1`, [orderIds[1], AS_OF]);
      await subtractRefundsFromStats(tx, [
        { memberId: id, placedAt: ago(2), amount: 20, removed: false },
        { memberId: id, placedAt: ago(45), amount: 80, removed: true },
      ], AS_OF);
    });
    const refunded = pick(await stats("I-live"));
    expect(refunded).toMatchObject({ order_count: 2, orders_30d: 1, orders_90d: 1, spend: 140, s30: 100, s90: 100 });
    await refreshMemberStats(t.pool, { memberIds: [id], asOf: AS_OF });
    expect(pick(await stats("I-live"))).toEqual(refunded);
  });
});
