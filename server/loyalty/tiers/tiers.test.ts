// The tier program against a real PostgreSQL: growth value from orders, refunds and tasks posted
// as storefront events (with the clock passed in), upgrades at once, downgrades at the evaluation
// in both rules, lapse after the validity, the period boundary in the program's time zone, and an
// evaluation that changes nothing twice. Every figure is checked against plain SQL.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createPool, withTransaction, type Pool } from "@/server/db/sql";
import { createTestDatabase, type TestDatabase } from "@/server/testing/db";
import { evaluateTiers } from "./evaluate";
import { saveTierProgram } from "./program";
import { defaultBenefits, type TierProgram } from "./program-schema";

// The storefront's handler module sits beside the Next.js route; its guard has no meaning here.
vi.mock("server-only", () => ({}));

let t: TestDatabase;
let pool: Pool;
let postEvents: typeof import("@/server/storefront/events").postEvents;

const level = (id: string, threshold: number, pointsMultiplier = 1) => ({ id, name: id, nameEn: id, threshold, benefits: { ...defaultBenefits, pointsMultiplier } });
const program = (downgrade: TierProgram["evaluation"]["downgrade"]): TierProgram => ({
  levels: [level("bronze", 0), level("silver", 100, 1.2), level("gold", 500, 1.5)],
  growthPerCurrencyUnit: 1,
  tasks: [
    { event: "sign_in", growth: 3, oncePerDay: true },
    { event: "review", growth: 5, oncePerDay: false },
  ],
  evaluation: { period: "monthly", downgrade },
  validityMonths: 2,
});

beforeAll(async () => {
  t = await createTestDatabase();
  process.env.DATABASE_URL = t.url;
  ({ postEvents } = await import("@/server/storefront/events")); // its module reads DATABASE_URL when loaded
  pool = createPool(t.url, 2);
  await t.pool.query(`INSERT INTO tiers (id, name, name_en, rank, growth_threshold) VALUES ('bronze', '青铜', 'Bronze', 1, 0)`);
  await withTransaction(pool, (tx) => saveTierProgram(tx, program("one_level"), "test"));
  await t.pool.query(`
    INSERT INTO members (external_id, name, registered_at, registration_channel, tier_id)
    SELECT 'M-' || n, 'Member ' || n, '2025-01-01T00:00:00Z', 'app', 'bronze' FROM generate_series(1, 4) n`);
});
afterAll(async () => {
  await pool.end();
  await t.drop();
});

const order = (id: string, member: string, total: number) => ({ id: `evt-${id}`, type: "order.placed", member, order: { id, total, items: [] } });
const refund = (id: string, orderId: string, member: string, amount?: number) => ({ id, type: "order.refunded", member, order: { id: orderId, ...(amount ? { amount } : {}) } });

/** Each member's level and growth value, and the growth value the ledger says (independently). */
async function standing(member: string, at: Date) {
  const { rows } = await t.pool.query(
    `SELECT m.tier_id, m.growth_value,
            (SELECT coalesce(sum(amount), 0)::int FROM growth_entries e WHERE e.member_id = m.id AND (e.expires_at IS NULL OR e.expires_at > $2)) AS ledger
     FROM members m WHERE m.external_id = $1`,
    [member, at],
  );
  return rows[0] as { tier_id: string; growth_value: number; ledger: number };
}
const changes = async (member: string) =>
  (
    await t.pool.query(
      `SELECT c.from_tier_id, c.to_tier_id, c.reason FROM tier_changes c JOIN members m ON m.id = c.member_id WHERE m.external_id = $1 ORDER BY c.id`,
      [member],
    )
  ).rows;
const tierEvents = async (member: string) =>
  (await t.pool.query(`SELECT e.properties FROM member_events e JOIN members m ON m.id = e.member_id WHERE m.external_id = $1 AND e.name = 'tier.changed' ORDER BY e.id`, [member])).rows.map(
    (r) => r.properties,
  );

describe("growth value and upgrades", () => {
  const jan10 = new Date("2026-01-10T04:00:00Z");

  it("an order earns growth per currency unit and upgrades at once; the order's points use the new tier's multiplier only afterwards", async () => {
    await postEvents("shop", [order("O-1", "M-1", 120.9)], jan10);
    expect(await standing("M-1", jan10)).toEqual({ tier_id: "silver", growth_value: 120, ledger: 120 });
    expect(await changes("M-1")).toEqual([{ from_tier_id: "bronze", to_tier_id: "silver", reason: "growth" }]);
    expect(await tierEvents("M-1")).toEqual([{ from: "bronze", to: "silver", direction: "up", reason: "growth" }]);
    // Points: earned at the level held when the order came in (bronze, × 1).
    const points = await t.pool.query(`SELECT points_balance FROM members WHERE external_id = 'M-1'`);
    expect(points.rows[0].points_balance).toBe(120);
    // The entry lapses two months later.
    const entry = await t.pool.query(`SELECT amount, earned_at, expires_at FROM growth_entries WHERE effect_key LIKE 'growth:order:%'`);
    expect(entry.rows).toEqual([{ amount: 120, earned_at: jan10, expires_at: new Date("2026-03-10T04:00:00Z") }]);
  });

  it("the same order again (another event id) earns nothing and changes no tier", async () => {
    await postEvents("shop", [{ ...order("O-1", "M-1", 120.9), id: "evt-again" }], jan10);
    expect(await standing("M-1", jan10)).toEqual({ tier_id: "silver", growth_value: 120, ledger: 120 });
    expect(await changes("M-1")).toHaveLength(1);
  });

  it("a refund takes back its share of the order's growth value (no downgrade before the evaluation)", async () => {
    await postEvents("shop", [refund("r-1", "O-1", "M-1", 60.45)], jan10);
    // ⌊120 × 60.45 / 120.9⌋ = 60
    expect(await standing("M-1", jan10)).toEqual({ tier_id: "silver", growth_value: 60, ledger: 60 });
    await postEvents("shop", [refund("r-1", "O-1", "M-1", 60.45)], jan10); // replayed
    expect(await standing("M-1", jan10)).toEqual({ tier_id: "silver", growth_value: 60, ledger: 60 });
    const reversal = await t.pool.query(`SELECT amount, expires_at FROM growth_entries WHERE reason = 'refund'`);
    expect(reversal.rows).toEqual([{ amount: -60, expires_at: new Date("2026-03-10T04:00:00Z") }]);
    // The rest of the order: all of its growth value is back.
    await postEvents("shop", [refund("r-2", "O-1", "M-1")], jan10);
    expect(await standing("M-1", jan10)).toEqual({ tier_id: "silver", growth_value: 0, ledger: 0 });
  });

  it("tasks earn growth value: a sign-in once a day (program time zone), each review", async () => {
    const signIn = (id: string, at: string) => ({ id, type: "sign_in", member: "M-2", occurredAt: at });
    // 23:30 and 23:50 on 10 January in Shanghai are the same day; 00:10 is the next.
    await postEvents("shop", [signIn("s-1", "2026-01-10T15:30:00Z"), signIn("s-2", "2026-01-10T15:50:00Z"), signIn("s-3", "2026-01-10T16:10:00Z")], jan10);
    await postEvents("shop", [{ id: "rv-1", type: "review", member: "M-2" }, { id: "rv-2", type: "review", member: "M-2" }], jan10);
    expect(await standing("M-2", jan10)).toEqual({ tier_id: "bronze", growth_value: 3 + 3 + 5 + 5, ledger: 16 });
  });
});

describe("evaluation", () => {
  const jan10 = new Date("2026-01-10T04:00:00Z");

  it("lapses growth value after the validity, and downgrades only when a period ends", async () => {
    // M-3 reaches gold on 10 January (one order of 600); its growth value lapses on 10 March.
    await postEvents("shop", [order("O-3", "M-3", 600)], jan10);
    expect(await standing("M-3", jan10)).toMatchObject({ tier_id: "gold", growth_value: 600 });

    const march15 = new Date("2026-03-15T04:00:00Z");
    const run = await evaluateTiers(pool, march15, { rangeSize: 2 });
    // M-1, whose order was refunded in January, held nothing at March's start: down one level.
    expect(run).toMatchObject({ period: "2026-03", down: 1 });
    expect((await standing("M-1", march15)).tier_id).toBe("bronze");
    // Lapsed: the value is what the ledger holds now; the level waits for the period's end.
    expect(await standing("M-3", march15)).toEqual({ tier_id: "gold", growth_value: 0, ledger: 0 });
  });

  it("moves across the period boundary in the program's time zone: one level down, once", async () => {
    // 23:59:59 on 31 March in Shanghai is still March; a second later April's evaluation runs.
    const lastSecond = new Date("2026-03-31T15:59:59Z");
    expect(await evaluateTiers(pool, lastSecond)).toMatchObject({ period: "2026-03", down: 0 });
    expect((await standing("M-3", lastSecond)).tier_id).toBe("gold");

    const april = new Date("2026-03-31T16:00:00Z");
    expect(await evaluateTiers(pool, april)).toMatchObject({ period: "2026-04", down: 1 });
    expect((await standing("M-3", april)).tier_id).toBe("silver");
    // Twice: one change, one event.
    expect(await evaluateTiers(pool, april)).toMatchObject({ down: 0, up: 0 });
    expect(await evaluateTiers(pool, new Date("2026-04-20T00:00:00Z"))).toMatchObject({ down: 0, up: 0 });
    expect(await changes("M-3")).toEqual([
      { from_tier_id: "bronze", to_tier_id: "gold", reason: "growth" },
      { from_tier_id: "gold", to_tier_id: "silver", reason: "evaluation" },
    ]);
    expect(await tierEvents("M-3")).toEqual([
      { from: "bronze", to: "gold", direction: "up", reason: "growth" },
      { from: "gold", to: "silver", direction: "down", reason: "evaluation" },
    ]);
    const keys = await t.pool.query(`SELECT change_key FROM tier_changes c JOIN members m ON m.id = c.member_id WHERE m.external_id = 'M-3' AND reason = 'evaluation'`);
    expect(keys.rows.map((r) => r.change_key)).toEqual([expect.stringMatching(/^eval:2026-04:\d+$/)]);
    // May's evaluation takes the next level.
    await evaluateTiers(pool, new Date("2026-05-01T00:00:00Z"));
    expect((await standing("M-3", new Date("2026-05-01T00:00:00Z"))).tier_id).toBe("bronze");
  });

  it("recomputes from growth value when the program says so, never below what the value reaches now", async () => {
    await withTransaction(pool, (tx) => saveTierProgram(tx, program("recompute"), "test"));
    const june1 = new Date("2026-06-01T04:00:00Z");
    // M-4: gold on 1 June; on 1 August nothing is left of it, but an order on 2 August reaches silver.
    await postEvents("shop", [order("O-4", "M-4", 550)], june1);
    const aug2 = new Date("2026-08-02T04:00:00Z");
    await postEvents("shop", [order("O-5", "M-4", 150)], aug2);
    expect(await standing("M-4", aug2)).toMatchObject({ tier_id: "gold", growth_value: 150 });
    // M-2 (bronze, 16 of tasks) and the others are left alone.
    const before = await t.pool.query(`SELECT external_id, tier_id FROM members WHERE external_id <> 'M-4' ORDER BY id`);
    const sept = new Date("2026-09-01T00:00:00Z");
    expect(await evaluateTiers(pool, sept)).toMatchObject({ period: "2026-09", down: 1, up: 0 });
    expect(await standing("M-4", sept)).toMatchObject({ tier_id: "silver", growth_value: 150 });
    expect((await t.pool.query(`SELECT external_id, tier_id FROM members WHERE external_id <> 'M-4' ORDER BY id`)).rows).toEqual(before.rows);
  });

  it("downgrades straight to the level the growth value at the period's start reaches (recompute)", async () => {
    const oct1 = new Date("2026-10-01T04:00:00Z");
    await postEvents("shop", [order("O-6", "M-2", 600)], oct1);
    expect((await standing("M-2", oct1)).tier_id).toBe("gold");
    const jan = new Date("2027-01-01T00:00:00Z");
    await evaluateTiers(pool, jan);
    expect(await standing("M-2", jan)).toEqual({ tier_id: "bronze", growth_value: 0, ledger: 0 });
    expect((await changes("M-2")).at(-1)).toEqual({ from_tier_id: "gold", to_tier_id: "bronze", reason: "evaluation" });
  });

  it("every member's growth value is the ledger's sum, and every level the one its last change names", async () => {
    const at = new Date("2027-01-01T00:00:00Z");
    const { rows } = await t.pool.query(
      `SELECT count(*)::int AS off FROM members m
       WHERE m.growth_value <> (SELECT coalesce(sum(amount), 0) FROM growth_entries e WHERE e.member_id = m.id AND (e.expires_at IS NULL OR e.expires_at > $1))
          OR m.tier_id <> coalesce((SELECT to_tier_id FROM tier_changes c WHERE c.member_id = m.id ORDER BY c.id DESC LIMIT 1), 'bronze')`,
      [at],
    );
    expect(rows[0].off).toBe(0);
  });
});

describe("the program", () => {
  it("refuses to remove a level members hold, naming the field, and changes nothing", async () => {
    const p = program("one_level");
    // Everyone is bronze by now: a program without bronze is refused.
    await expect(withTransaction(pool, (tx) => saveTierProgram(tx, { ...p, levels: [level("basic", 0), ...p.levels.slice(1)] }, "test"))).rejects.toMatchObject({ details: { field: "levels" } });
    expect((await t.pool.query(`SELECT id FROM tiers ORDER BY rank`)).rows.map((r) => r.id)).toEqual(["bronze", "silver", "gold"]);
  });

  it("refuses an order event as a task (orders earn by the amount paid)", () =>
    expect(withTransaction(pool, (tx) => saveTierProgram(tx, { ...program("one_level"), tasks: [{ event: "order.placed", growth: 5, oncePerDay: false }] }, "test"))).rejects.toMatchObject({
      issues: [expect.objectContaining({ path: ["tasks", 0, "event"] })],
    }));

  it("refuses thresholds out of order and a first level above 0", () => {
    const p = program("one_level");
    const bad = { ...p, levels: [level("bronze", 10), level("silver", 5), level("gold", 500)] };
    return expect(withTransaction(pool, (tx) => saveTierProgram(tx, bad, "test"))).rejects.toMatchObject({
      issues: [expect.objectContaining({ path: ["levels", 0, "threshold"] }), expect.objectContaining({ path: ["levels", 1, "threshold"] })],
    });
  });
});
