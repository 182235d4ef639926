// The points ledger on a real PostgreSQL: any interleaving of earnings, redemptions, refunds and
// the expiry job keeps balance = sum(entries) ≥ 0 and expires exactly what is due, checked against
// an independent FIFO model replayed from the ledger (and plain SQL sums); the year boundary in the
// program's time zone; refunds taking back what their order earned, into debt when spent; points
// redeemed for coupons in the same interleavings, each coupon paid for by its redeem entry.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPool, runnerFor, sql, withTransaction, type Pool } from "@/server/db/sql";
import { createMembers } from "@/server/testing/runtime-fixtures";
import { createTestDatabase, type TestDatabase } from "@/server/testing/db";
import { DomainError } from "@/server/errors";
import { datePredicate } from "@/server/engine/triggers";
import { earnForOrders, redeemPoints, reverseForRefunds } from "./points";
import { expirePoints } from "./points-expiry";
import { redeemForCoupons } from "./points-redemption";
import { saveProgram } from "./program";
import { defaultLoyaltyProgram } from "./program-schema";
import { expiryOf, pointsForPaid } from "./program-schema";

let t: TestDatabase;
let pool: Pool;
beforeAll(async () => {
  t = await createTestDatabase();
  pool = createPool(t.url, 8);
  // Coupons for points, as the program sells them (the other rules stay the defaults).
  await t.pool.query(`INSERT INTO coupon_templates (id, name, type, value, min_spend, valid_days, per_member_max) VALUES ('tpl_points', 'Points coupon', 'amount', 10, 0, 30, 1000)`);
  await withTransaction(pool, (q) => saveProgram(q, { ...defaultLoyaltyProgram, redemption: { couponTemplateId: "tpl_points", pointsPerCoupon: COUPON_PRICE } }, "test"));
});
const COUPON_PRICE = 70;
afterAll(async () => {
  await pool.end();
  await t.drop();
});

type Entry = { id: number; member_id: number; type: string; amount: number; expires_at: Date | null; effect_key: string | null; order_id: number | null; remaining: number; debt_delta: number; created_at: Date };

async function ledger(memberIds: number[]) {
  const entries = (await t.pool.query<Entry>(`SELECT id::int, member_id, type::text, amount, expires_at, effect_key, order_id, remaining, debt_delta, created_at FROM points_entries WHERE member_id = ANY($1) ORDER BY id`, [memberIds])).rows;
  const members = (await t.pool.query<{ id: number; points_balance: number; points_debt: number }>(`SELECT id, points_balance, points_debt FROM members WHERE id = ANY($1)`, [memberIds])).rows;
  return { entries, members };
}

/**
 * The independent model: replays each member's entries in the order they were written (ids: every
 * writer holds the member's lock) with lots consumed oldest-due first, and checks every entry the
 * database wrote against it. Returns the model's lots.
 */
function replay(entries: Entry[], memberId: number) {
  type Lot = { id: number; orderId: number | null; expiresAt: number; remaining: number };
  const lots: Lot[] = [];
  let balance = 0;
  let debt = 0;
  for (const e of entries.filter((x) => x.member_id === memberId)) {
    const at = e.created_at.getTime();
    if (e.type === "earn" || (e.type === "adjust" && e.amount > 0)) {
      const gross = e.amount - e.debt_delta;
      expect(-e.debt_delta || 0, `entry ${e.id} repays min(earned, debt)`).toBe(Math.min(gross, debt));
      debt += e.debt_delta;
      lots.push({ id: e.id, orderId: e.order_id, expiresAt: e.expires_at?.getTime() ?? Infinity, remaining: e.amount });
      balance += e.amount;
    } else if (e.type === "expire") {
      // One entry per due date: it empties every open lot due at that instant, keyed by the first.
      const due = lots.filter((l) => l.expiresAt === at && l.remaining > 0);
      expect(due.length, `expire entry ${e.id} empties lots due at its date`).toBeGreaterThan(0);
      expect(e.effect_key, `expire entry ${e.id} is keyed by its first lot`).toBe(`expire:${Math.min(...due.map((l) => l.id))}`);
      expect(0 - e.amount, `expire entry ${e.id} takes what is left of its lots`).toBe(due.reduce((n, l) => n + l.remaining, 0));
      for (const l of due) l.remaining = 0;
      balance += e.amount;
    } else {
      // A debit at `at`: everything due by then has expired before it.
      for (const l of lots) if (l.expiresAt <= at) expect(l.remaining, `lot ${l.id} due before entry ${e.id}`).toBe(0);
      let take = 0 - e.amount;
      expect(take).toBeLessThanOrEqual(balance);
      if (e.debt_delta > 0) expect(take, `debt only once the balance is used up (entry ${e.id})`).toBe(balance);
      debt += e.debt_delta;
      balance -= take;
      const order = [...lots].sort((a, b) => {
        const pa = e.type === "reverse" && e.order_id !== null && a.orderId === e.order_id ? 0 : 1;
        const pb = e.type === "reverse" && e.order_id !== null && b.orderId === e.order_id ? 0 : 1;
        return pa - pb || a.expiresAt - b.expiresAt || a.id - b.id;
      });
      for (const l of order) {
        const used = Math.min(l.remaining, take);
        l.remaining -= used;
        take -= used;
      }
      expect(take).toBe(0);
    }
    expect(balance).toBeGreaterThanOrEqual(0);
    expect(debt).toBeGreaterThanOrEqual(0);
  }
  return { lots, balance, debt };
}

async function checkLedger(memberIds: number[]) {
  const { entries, members } = await ledger(memberIds);
  for (const m of members) {
    const model = replay(entries, m.id);
    const mine = entries.filter((e) => e.member_id === m.id);
    // Plain sums, independent of the model: the cache is the ledger's sum, and never negative.
    expect(m.points_balance).toBe(mine.reduce((n, e) => n + e.amount, 0));
    expect(m.points_debt).toBe(mine.reduce((n, e) => n + e.debt_delta, 0));
    expect(m.points_balance).toBeGreaterThanOrEqual(0);
    expect(m.points_balance).toBe(model.balance);
    expect(m.points_debt).toBe(model.debt);
    // The database's lots hold what the model's hold, lot by lot.
    for (const lot of model.lots) expect(mine.find((e) => e.id === lot.id)!.remaining, `lot ${lot.id}`).toBe(lot.remaining);
  }
  return entries;
}

const tx = <T>(work: Parameters<typeof withTransaction<T>>[1]) => withTransaction(pool, work);

describe("points expiry dates", () => {
  it("earned in a year, expires at the end of the following calendar year in the program's zone", () => {
    const rule = { kind: "following_year_end" } as const;
    // 23:59:59 on 31 Dec 2025 in Shanghai is still 2025: expires at the end of 2026 there.
    expect(expiryOf(new Date("2025-12-31T15:59:59Z"), rule, "Asia/Shanghai")!.toISOString()).toBe("2026-12-31T15:59:59.999Z");
    // A second later it is 2026 in Shanghai (still 2025 in UTC).
    expect(expiryOf(new Date("2025-12-31T16:00:00Z"), rule, "Asia/Shanghai")!.toISOString()).toBe("2027-12-31T15:59:59.999Z");
    expect(expiryOf(new Date("2025-12-31T16:00:00Z"), rule, "UTC")!.toISOString()).toBe("2026-12-31T23:59:59.999Z");
    expect(expiryOf(new Date("2026-01-31T04:00:00Z"), { kind: "rolling_months", months: 1 }, "Asia/Shanghai")!.toISOString()).toBe("2026-02-28T04:00:00.000Z");
    expect(expiryOf(new Date("2026-05-10T04:00:00Z"), { kind: "never" }, "Asia/Shanghai")).toBeNull();
  });

  it("earn rate × tier multiplier, rounded down, on exact decimals", () => {
    expect(pointsForPaid(278.1, 1, 1)).toBe(278);
    expect(pointsForPaid(278.1, 1.5, 1.25)).toBe(521); // 521.4375
    expect(pointsForPaid(0.29, 100, 1)).toBe(29);
  });

  it("the job expires at the year boundary in the program's time zone, exactly once", async () => {
    const [a, b] = await createMembers(t.pool, 2, "Y");
    await tx((q) => earnForOrders(q, [{ orderId: 9001, externalId: "Y-1", memberId: a!, paid: 100 }], new Date("2025-12-31T15:59:59Z")));
    await tx((q) => earnForOrders(q, [{ orderId: 9002, externalId: "Y-2", memberId: b!, paid: 50 }], new Date("2025-12-31T16:00:00Z")));
    await tx((q) => redeemPoints(q, { memberId: a!, points: 30, key: "redeem:y1", reason: "test" }, new Date("2026-03-01T00:00:00Z")));
    expect(await expirePoints(pool, new Date("2026-12-31T15:59:59.998Z"))).toMatchObject({ members: 0, points: 0 });
    expect(await expirePoints(pool, new Date("2026-12-31T15:59:59.999Z"))).toMatchObject({ members: 1, points: 70 });
    expect(await expirePoints(pool, new Date("2027-06-01T00:00:00Z"))).toMatchObject({ members: 0, points: 0 }); // re-run: nothing twice
    const { members } = await ledger([a!, b!]);
    expect(Object.fromEntries(members.map((m) => [m.id, m.points_balance]))).toEqual({ [a!]: 0, [b!]: 50 });
    expect(await expirePoints(pool, new Date("2027-12-31T16:00:00Z"))).toMatchObject({ members: 1, points: 50 });
    // The flows hear of it through the ingest path.
    const events = await t.pool.query(`SELECT member_id, properties FROM member_events WHERE name = 'points.expired' AND member_id = ANY($1) ORDER BY member_id`, [[a, b]]);
    expect(events.rows).toEqual([{ member_id: a, properties: { points: 70 } }, { member_id: b, properties: { points: 50 } }]);
    await checkLedger([a!, b!]);
  });
});

describe("the expiry job in parts", () => {
  it("stops after a number of ranges and goes on from where it stopped, expiring everything once", async () => {
    const ids = await createMembers(t.pool, 3, "S");
    const earned = new Date("2022-03-01T00:00:00Z");
    await tx((q) => earnForOrders(q, ids.map((id, i) => ({ orderId: 6000 + i, externalId: `S-${i}`, memberId: id, paid: 10 })), earned));
    const at = new Date("2024-01-01T00:00:00Z");
    const parts = [];
    let from: number | undefined;
    for (;;) {
      const part = await expirePoints(pool, at, { rangeSize: 1, maxRanges: 1, from });
      parts.push(part);
      if (part.next === null) break;
      from = part.next;
    }
    expect(parts.reduce((n, p) => n + p.points, 0)).toBe(30);
    expect(parts.filter((p) => p.points > 0)).toHaveLength(3);
    await checkLedger(ids);
  });
});

describe("the points-expiry date trigger", () => {
  it("reminds the members who still hold points expiring that day, not those who spent them", async () => {
    const [keeps, spends] = await createMembers(t.pool, 2, "D");
    const earned = new Date("2023-06-01T00:00:00Z"); // expires 2024-12-31 23:59:59.999 in Shanghai
    await tx((q) => earnForOrders(q, [{ orderId: 7001, externalId: "D-1", memberId: keeps!, paid: 50 }, { orderId: 7002, externalId: "D-2", memberId: spends!, paid: 50 }], earned));
    await tx((q) => redeemPoints(q, { memberId: spends!, points: 50, key: "redeem:d2", reason: "coupon" }, new Date("2024-03-01T00:00:00Z")));
    const predicate = datePredicate({ date: "points_expiry", offsetDays: -30, time: "10:00" }, "2024-12-01", "Asia/Shanghai");
    const rows = await runnerFor(pool).query<{ id: number }>(sql`SELECT m.id FROM members m WHERE m.id = ANY(${[keeps, spends]}::int[]) AND ${predicate}`);
    expect(rows.map((r) => r.id)).toEqual([keeps]);
  });
});

describe("refunds", () => {
  it("take back what the order earned, in proportion, from its own lot first; what was spent becomes debt, repaid by later earnings", async () => {
    const [m] = await createMembers(t.pool, 1, "R");
    const now = new Date("2026-03-01T00:00:00Z");
    await tx((q) => earnForOrders(q, [{ orderId: 8001, externalId: "R-1", memberId: m!, paid: 200 }], new Date("2025-05-01T00:00:00Z")));
    await tx((q) => earnForOrders(q, [{ orderId: 8002, externalId: "R-2", memberId: m!, paid: 278 }], now));
    // A third of order 2 refunded: ⌊278 × 92.66 / 278⌋ = 92, from order 2's lot (not the older one).
    await tx((q) => reverseForRefunds(q, [{ orderId: 8002, memberId: m!, total: 278, refundedBefore: 0, refundedAfter: 92.66 }], now));
    let { entries } = await ledger([m!]);
    expect(entries.find((e) => e.order_id === 8002 && e.type === "earn")!.remaining).toBe(186);
    expect(entries.find((e) => e.order_id === 8001 && e.type === "earn")!.remaining).toBe(200);
    // Replayed: nothing twice.
    await tx((q) => reverseForRefunds(q, [{ orderId: 8002, memberId: m!, total: 278, refundedBefore: 0, refundedAfter: 92.66 }], now));
    // The member spends 400 of 386+… then the rest of order 2 is refunded: 278 − 92 = 186 more.
    await tx((q) => redeemPoints(q, { memberId: m!, points: 350, key: "redeem:r1", reason: "coupon" }, now));
    await tx((q) => reverseForRefunds(q, [{ orderId: 8002, memberId: m!, total: 278, refundedBefore: 92.66, refundedAfter: 278 }], now));
    ({ entries } = await ledger([m!]));
    const reversed = entries.filter((e) => e.type === "reverse");
    expect(reversed.map((e) => [-e.amount, e.debt_delta])).toEqual([[92, 0], [36, 150]]);
    let { members } = await ledger([m!]);
    expect(members[0]).toMatchObject({ points_balance: 0, points_debt: 150 });
    // A redemption the balance cannot cover is refused, naming the field.
    await expect(tx((q) => redeemPoints(q, { memberId: m!, points: 1, key: "redeem:r2", reason: "coupon" }, now))).rejects.toBeInstanceOf(DomainError);
    // The next order's 200 points repay the 150 first.
    await tx((q) => earnForOrders(q, [{ orderId: 8003, externalId: "R-3", memberId: m!, paid: 200 }], now));
    ({ members } = await ledger([m!]));
    expect(members[0]).toMatchObject({ points_balance: 50, points_debt: 0 });
    await checkLedger([m!]);
  });
});

// The clock of each wave: across two year boundaries in Shanghai, and exactly on a lot's last instant.
const CLOCKS = [
  "2025-06-01T00:00:00Z",
  "2025-12-31T15:59:59Z",
  "2025-12-31T16:00:00Z",
  "2026-07-01T00:00:00Z",
  "2026-12-31T15:59:59.999Z",
  "2026-12-31T16:00:00Z",
  "2027-12-31T15:59:59.999Z",
  "2028-01-01T00:00:00Z",
].map((s) => new Date(s));

type Op =
  | { kind: "earn"; member: number; paid: number }
  | { kind: "redeem"; member: number; points: number }
  | { kind: "coupon"; member: number; coupons: number }
  | { kind: "refund"; order: number; share: number }
  | { kind: "expire" }
  | { kind: "replay" };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant("earn" as const), member: fc.nat(2), paid: fc.integer({ min: 1, max: 500 }) }),
  fc.record({ kind: fc.constant("redeem" as const), member: fc.nat(2), points: fc.integer({ min: 1, max: 400 }) }),
  fc.record({ kind: fc.constant("coupon" as const), member: fc.nat(2), coupons: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ kind: fc.constant("refund" as const), order: fc.nat(20), share: fc.integer({ min: 1, max: 100 }) }),
  fc.constant({ kind: "expire" as const }),
  fc.constant({ kind: "replay" as const }),
);

describe("any interleaving of earn, redeem, refund and expiry", () => {
  it("keeps balance = sum(entries) ≥ 0, lots as a FIFO model says, and expires exactly what is due", async () => {
    let run = 0;
    let couponsBought = 0; // the interleavings did buy coupons (not only refusals)
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(CLOCKS.length - 1), fc.array(opArb, { minLength: 1, maxLength: 10 })), { minLength: 2, maxLength: 5 }), async (waves) => {
        run++;
        const members = await createMembers(t.pool, 3, `P${run}`);
        const orders: { id: number; external: string; member: number; total: number; refunded: number }[] = [];
        const done: (() => Promise<unknown>)[] = [];
        let clock = 0;
        for (const [advance, ops] of waves) {
          clock = Math.min(CLOCKS.length - 1, Math.max(clock, advance));
          const now = CLOCKS[clock]!;
          const known = orders.length; // refunds name orders of earlier waves
          const work = ops.map((op, i): (() => Promise<unknown>) => {
            switch (op.kind) {
              case "earn": {
                const order = { id: run * 1000 + orders.length + 1, external: `P${run}-${orders.length + 1}`, member: members[op.member]!, total: op.paid, refunded: 0 };
                orders.push(order);
                return () => tx((q) => earnForOrders(q, [{ orderId: order.id, externalId: order.external, memberId: order.member, paid: order.total }], now));
              }
              case "redeem": {
                const key = `redeem:${run}:${clock}:${i}:${done.length}`;
                return () => tx((q) => redeemPoints(q, { memberId: members[op.member]!, points: op.points, key, reason: "test" }, now)).catch((e) => {
                  if (!(e instanceof DomainError)) throw e;
                });
              }
              case "coupon": {
                const key = `coupon:${run}:${clock}:${i}:${done.length}`;
                return () => tx((q) => redeemForCoupons(q, { memberId: members[op.member]!, coupons: op.coupons, key }, now)).catch((e) => {
                  if (!(e instanceof DomainError)) throw e;
                });
              }
              case "refund": {
                const order = orders[op.order % Math.max(known, 1)];
                if (!order || known === 0 || order.refunded >= order.total) return async () => undefined;
                const before = order.refunded;
                order.refunded = Math.min(order.total, before + Math.max(0.01, Math.round(order.total * op.share) / 100));
                const after = order.refunded;
                return () => tx((q) => reverseForRefunds(q, [{ orderId: order.id, memberId: order.member, total: order.total, refundedBefore: before, refundedAfter: after }], now));
              }
              case "expire":
                return () => expirePoints(pool, now, { rangeSize: 2 });
              case "replay": {
                const again = done[done.length - 1];
                return again ?? (async () => undefined);
              }
            }
          });
          await Promise.all(work.map((w) => w()));
          done.push(...work);
        }
        const entries = await checkLedger(members);
        // Every coupon bought with points was paid for by its redeem entry, at the price, and only those.
        const bought = await t.pool.query<{ entry: number; coupons: number }>(
          `SELECT p.id::int AS entry, count(c.id)::int AS coupons FROM points_entries p LEFT JOIN coupons c ON c.points_entry_id = p.id
           WHERE p.member_id = ANY($1) AND p.reason = 'coupon:tpl_points' GROUP BY p.id`,
          [members],
        );
        couponsBought += bought.rows.reduce((n, b) => n + b.coupons, 0);
        for (const b of bought.rows) expect(-entries.find((e) => e.id === b.entry)!.amount, `redeem entry ${b.entry}`).toBe(b.coupons * COUPON_PRICE);
        const unpaid = await t.pool.query(`SELECT id FROM coupons WHERE member_id = ANY($1) AND (points_entry_id IS NULL OR template_id <> 'tpl_points')`, [members]);
        expect(unpaid.rowCount).toBe(0);
        // Each order's reversals (taken + debt) are ⌊earned × refunded / total⌋.
        for (const o of orders) {
          const earned = entries.filter((e) => e.order_id === o.id && e.type === "earn").reduce((n, e) => n + e.amount - e.debt_delta, 0);
          const reversed = entries.filter((e) => e.order_id === o.id && e.type === "reverse").reduce((n, e) => n - e.amount + e.debt_delta, 0);
          if (earned > 0) expect(reversed, `order ${o.id}`).toBe(Math.floor((earned * Math.round(o.refunded * 100)) / Math.round(o.total * 100)));
        }
        // The job at the last clock expires exactly what plain SQL says is due (the whole base), and
        // leaves no lot past due with points.
        const last = CLOCKS[CLOCKS.length - 1]!;
        const due = await t.pool.query<{ n: number }>(`SELECT coalesce(sum(remaining), 0)::int AS n FROM points_entries WHERE expires_at <= $1`, [last]);
        const result = await expirePoints(pool, last);
        expect(result.points).toBe(due.rows[0]!.n);
        const left = await t.pool.query(`SELECT id FROM points_entries WHERE member_id = ANY($1) AND remaining > 0 AND expires_at <= $2`, [members, last]);
        expect(left.rowCount).toBe(0);
        await checkLedger(members);
      }),
      { numRuns: 25 },
    );
    expect(couponsBought).toBeGreaterThan(0);
  }, 180_000);
});
