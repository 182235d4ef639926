// Lifecycle stages and RFM scores under configurable thresholds, on a real PostgreSQL: quintiles
// against ntile computed independently from the orders, stages at moved clocks, history rows and
// lifecycle.changed events exactly once, orders posted through the storefront re-staging their
// member at once, and the preview agreeing with the stages a save produces.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/server/testing/db";
import { createPool, withTransaction, type Pool } from "@/server/db/sql";
import { refreshMemberStats } from "@/server/members/stats";
import { evaluateLifecycle, previewStageCounts } from "./evaluate";
import { saveLifecycleSettings } from "./settings";
import { defaultLifecycleSettings, lifecycleSettingsSchema, stageOf, type LifecycleSettings } from "./settings-schema";

vi.mock("server-only", () => ({}));

const DAY = 86_400_000;
const T0 = new Date("2025-06-30T00:00:00Z"); // moved clocks stay in the past: the storefront refuses events from the future
const at = (days: number) => new Date(T0.getTime() + days * DAY);

let t: TestDatabase;
let pool: Pool;
let postEvents: typeof import("@/server/storefront/events").postEvents;

/** Members: 60 generated (registered 400–700 days ago; a member's orders follow its id, some have none) and a few by hand. */
async function seed() {
  await t.pool.query(`INSERT INTO tiers (id, name, name_en, rank, growth_threshold) VALUES ('bronze', '青铜', 'Bronze', 1, 0)`);
  await t.pool.query(
    `INSERT INTO members (external_id, name, registered_at, registration_channel, tier_id)
     SELECT 'G-' || g, 'G' || g, $1::timestamptz - make_interval(days => 400 + (g * 37) % 300), 'app', 'bronze' FROM generate_series(1, 60) g`,
    [T0],
  );
  // Orders: member g has (g % 7) orders, spread over the last 2 years; amounts tie often (frequency and spend ties split by id).
  await t.pool.query(
    `INSERT INTO orders (external_id, member_id, placed_at, total_amount)
     SELECT 'GO-' || m.id || '-' || k, m.id, $1::timestamptz - make_interval(days => (m.id * 13 + k * 71) % 700, hours => k), 10 * (1 + (m.id + k) % 4)
     FROM members m, generate_series(1, 6) k WHERE m.external_id LIKE 'G-%' AND k <= m.id % 7`,
    [T0],
  );
  // One fully refunded order (counts nowhere) and one half refunded.
  await t.pool.query(`UPDATE orders SET refunded_amount = total_amount, refunded_at = $1 WHERE external_id = (SELECT min(external_id) FROM orders)`, [T0]);
  await t.pool.query(`UPDATE orders SET refunded_amount = 5, refunded_at = $1 WHERE external_id = (SELECT max(external_id) FROM orders)`, [T0]);
  // The drifter: registered long ago, last ordered 10 days before T0.
  const { rows } = await t.pool.query<{ id: number }>(
    `INSERT INTO members (external_id, name, registered_at, registration_channel, tier_id) VALUES ('DRIFT', 'Drifter', $1, 'app', 'bronze') RETURNING id`,
    [at(-900)],
  );
  await t.pool.query(`INSERT INTO orders (external_id, member_id, placed_at, total_amount) VALUES ('D-1', $1, $2, 80), ('D-2', $1, $3, 50)`, [rows[0]!.id, at(-500), at(-10)]);
  await refreshMemberStats(t.pool, { asOf: T0 });
}

beforeAll(async () => {
  t = await createTestDatabase();
  process.env.DATABASE_URL = t.url;
  ({ postEvents } = await import("@/server/storefront/events")); // its module reads DATABASE_URL when loaded
  pool = createPool(t.url, 3);
  await seed();
});
afterAll(async () => {
  await pool.end();
  await t.drop();
});

const idOf = async (external: string) => (await t.pool.query<{ id: number }>(`SELECT id FROM members WHERE external_id = $1`, [external])).rows[0]!.id;
const stageOfMember = async (id: number) => (await t.pool.query<{ s: string }>(`SELECT lifecycle_stage::text AS s FROM member_stats WHERE member_id = $1`, [id])).rows[0]!.s;
const history = async (id: number) =>
  (await t.pool.query<{ from_stage: string; to_stage: string; reason: string }>(`SELECT from_stage::text, to_stage::text, reason FROM lifecycle_changes WHERE member_id = $1 ORDER BY id`, [id])).rows;
const events = async (id: number) =>
  (await t.pool.query<{ event_id: string; properties: { from: string; to: string } }>(`SELECT event_id, properties FROM member_events WHERE member_id = $1 AND name = 'lifecycle.changed' ORDER BY id`, [id])).rows;

describe("RFM quintiles", () => {
  it("equal ntile(5) over the members with orders, computed independently from the orders; members without score 1", async () => {
    const run = await evaluateLifecycle(pool, T0, { rangeSize: 7 }); // many ranges: the cut-offs must stitch them together
    expect(run.chunks).toBeGreaterThan(5);
    expect(run.members).toBe(61);
    expect(run.changes).toBe(0); // a first evaluation sets stages without recording changes
    const rows = await againstNtile(365);
    expect(rows).toHaveLength(61);
    for (const row of rows) expect([row.member_id, row.r, row.f, row.m]).toEqual([row.member_id, row.er, row.ef, row.em]);
    // Every quintile is used, and members without orders exist (score 1).
    expect(new Set(rows.map((r) => r.f))).toEqual(new Set([1, 2, 3, 4, 5]));
    expect(rows.some((r) => r.ef === 1 && r.f === 1)).toBe(true);
  });

  it("over a window member_stats does not keep (200 days), summed from the orders", async () => {
    await withTransaction(pool, (tx) => saveLifecycleSettings(tx, { ...defaultLifecycleSettings, rfmWindowDays: 200 }, "test"));
    await evaluateLifecycle(pool, T0, { rangeSize: 9 });
    const rows = await againstNtile(200);
    for (const row of rows) expect([row.member_id, row.r, row.f, row.m]).toEqual([row.member_id, row.er, row.ef, row.em]);
    await withTransaction(pool, (tx) => saveLifecycleSettings(tx, defaultLifecycleSettings, "test"));
    await evaluateLifecycle(pool, T0, { rangeSize: 9 });
  });
});

/** Each member's stored scores beside ntile(5) computed from the orders themselves. */
async function againstNtile(windowDays: number) {
  const { rows } = await t.pool.query<{ member_id: number; r: number; f: number; m: number; er: number; ef: number; em: number }>(
    `WITH counted AS (
       SELECT * FROM orders o WHERE NOT (o.refunded_at IS NOT NULL AND o.refunded_amount >= o.total_amount)
     ), rec AS (
       SELECT member_id, ntile(5) OVER (ORDER BY max(placed_at), member_id) AS b FROM counted GROUP BY member_id
     ), win AS (
       SELECT member_id, count(*) AS n, sum(total_amount - refunded_amount) AS spend FROM counted
       WHERE placed_at > $1::timestamptz - make_interval(days => $2) GROUP BY member_id
     ), fm AS (
       SELECT member_id, ntile(5) OVER (ORDER BY n, member_id) AS f, ntile(5) OVER (ORDER BY spend, member_id) AS m FROM win
     )
     SELECT s.member_id, s.rfm_recency AS r, s.rfm_frequency AS f, s.rfm_monetary AS m,
            coalesce(rec.b, 1)::int AS er, coalesce(fm.f, 1)::int AS ef, coalesce(fm.m, 1)::int AS em
     FROM member_stats s LEFT JOIN rec USING (member_id) LEFT JOIN fm USING (member_id) ORDER BY 1`,
    [T0, windowDays],
  );
  return rows;
}

describe("stages", () => {
  it("follow the thresholds for every member, as the TypeScript twin does", async () => {
    const { rows } = await t.pool.query<{ registered_at: Date; order_count: number; last_order_at: Date | null; stage: string }>(
      `SELECT m.registered_at, s.order_count, s.last_order_at, s.lifecycle_stage::text AS stage FROM member_stats s JOIN members m ON m.id = s.member_id`,
    );
    for (const r of rows) expect(r.stage).toBe(stageOf({ registeredAt: r.registered_at, orderCount: r.order_count, lastOrderAt: r.last_order_at }, defaultLifecycleSettings, T0));
    const stages = new Set(rows.map((r) => r.stage));
    for (const s of ["active", "silent", "churn_risk", "churned"]) expect(stages, s).toContain(s);
  });
});

describe("stages over time", () => {
  it("time passing moves active → silent → churn-risk → churned, each change recorded and told once", async () => {
    const drifter = await idOf("DRIFT");
    expect(await stageOfMember(drifter)).toBe("active"); // last order 10 days before T0
    // Defaults: active < 90 days, silent < 180, churn risk < 365.
    for (const [day, stage] of [[79, "active"], [81, "silent"], [171, "churn_risk"], [356, "churned"]] as const) {
      await evaluateLifecycle(pool, at(day), { rangeSize: 20 });
      expect(await stageOfMember(drifter), `day ${day}`).toBe(stage);
    }
    // The same evaluation again (a retried run) records and tells nothing more.
    await evaluateLifecycle(pool, at(356), { rangeSize: 20 });
    expect(await history(drifter)).toEqual([
      { from_stage: "active", to_stage: "silent", reason: "schedule" },
      { from_stage: "silent", to_stage: "churn_risk", reason: "schedule" },
      { from_stage: "churn_risk", to_stage: "churned", reason: "schedule" },
    ]);
    expect((await events(drifter)).map((e) => [e.properties.from, e.properties.to])).toEqual([
      ["active", "silent"],
      ["silent", "churn_risk"],
      ["churn_risk", "churned"],
    ]);
    // Exactly once overall: one event per history row, named by it.
    const { rows } = await t.pool.query<{ changes: number; told: number; distinct_told: number }>(
      `SELECT (SELECT count(*) FROM lifecycle_changes)::int AS changes,
              (SELECT count(*) FROM member_events WHERE name = 'lifecycle.changed')::int AS told,
              (SELECT count(DISTINCT c.id) FROM lifecycle_changes c JOIN member_events e ON e.event_id = 'lifecycle.changed:' || c.id)::int AS distinct_told`,
    );
    expect(rows[0]!.changes).toBeGreaterThan(3);
    expect(rows[0]).toEqual({ changes: rows[0]!.changes, told: rows[0]!.changes, distinct_told: rows[0]!.changes });
  });

  it("a member ordering moves churn-risk → active at once, through the storefront", async () => {
    const drifter = await idOf("DRIFT");
    const now = at(200); // 210 days since the last order: churn risk (back from churned: the clock moved back)
    await evaluateLifecycle(pool, now, { rangeSize: 20 });
    expect(await stageOfMember(drifter)).toBe("churn_risk");
    const order = { id: "evt-back", type: "order.placed", member: "DRIFT", occurredAt: now.toISOString(), order: { id: "D-3", total: 60, items: [] } };
    const posted = await postEvents("shop", [order], now);
    expect(posted.accepted).toBe(1);
    expect(await stageOfMember(drifter)).toBe("active");
    expect((await history(drifter)).at(-1)).toEqual({ from_stage: "churn_risk", to_stage: "active", reason: "orders" });
    const told = await events(drifter);
    expect(told.at(-1)!.properties).toMatchObject({ from: "churn_risk", to: "active" });
    // A replayed post changes and tells nothing more.
    const before = [(await history(drifter)).length, told.length];
    await postEvents("shop", [order], now);
    expect([(await history(drifter)).length, (await events(drifter)).length]).toEqual(before);
  });
});

describe("changing the thresholds", () => {
  it("previews exactly the stage counts the save then produces", async () => {
    const now = at(200);
    const next: LifecycleSettings = { ...defaultLifecycleSettings, activeDays: 200, silentDays: 300, churnRiskDays: 500, rfmWindowDays: 180 };
    const preview = await withTransaction(pool, (tx) => previewStageCounts(tx, next, now));
    const { savedAt } = await withTransaction(pool, (tx) => saveLifecycleSettings(tx, next, "test"));
    const run = await evaluateLifecycle(pool, now, { reason: "settings" });
    expect(run.changes).toBeGreaterThan(0);
    const { rows } = await t.pool.query<{ stage: string; n: number }>(`SELECT lifecycle_stage::text AS stage, count(*)::int AS n FROM member_stats GROUP BY 1`);
    const after = { new: 0, active: 0, silent: 0, churn_risk: 0, churned: 0, ...Object.fromEntries(rows.map((r) => [r.stage, r.n])) };
    expect(preview).toEqual(after);
    expect(savedAt).toBeInstanceOf(Date);
    const reasons = await t.pool.query(`SELECT DISTINCT reason FROM lifecycle_changes WHERE evaluation LIKE 'settings:%'`);
    expect(reasons.rows).toEqual([{ reason: "settings" }]);
  });

  it("refuses bad thresholds field by field", () => {
    const bad = lifecycleSettingsSchema.safeParse({ ...defaultLifecycleSettings, activeDays: 100, silentDays: 100, churnRiskDays: 50, rfmWindowDays: 0, newMaxOrders: 1.5 });
    expect(bad.success).toBe(false);
    const paths = Object.fromEntries(bad.error!.issues.map((i) => [i.path.join("."), i.message]));
    expect(paths).toMatchObject({ rfmWindowDays: "At least 1 day", newMaxOrders: "Must be a whole number" });
    // The ordering rules run once the numbers themselves are valid.
    const order = lifecycleSettingsSchema.safeParse({ ...defaultLifecycleSettings, activeDays: 100, silentDays: 100, churnRiskDays: 50 });
    expect(order.error!.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["silentDays", "Must be more than the active days"],
      ["churnRiskDays", "Must be more than the silent days"],
    ]);
  });
});
