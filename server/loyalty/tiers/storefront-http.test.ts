// Orders and refunds posted to the storefront API over real HTTP (the events route's handler
// behind a Node HTTP server: key auth, parsing, problem+json and all) move growth value and tier;
// every figure is compared with plain SQL over the ledger.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createPool, withTransaction, type Pool } from "@/server/db/sql";
import { createTestDatabase, type TestDatabase } from "@/server/testing/db";
import { serveHandler, type Served } from "@/server/testing/http";
import { saveTierProgram } from "./program";
import { defaultBenefits, defaultTierRules } from "./program-schema";

vi.mock("server-only", () => ({}));

let t: TestDatabase;
let pool: Pool;
let served: Served;
let key: string;

beforeAll(async () => {
  t = await createTestDatabase();
  process.env.DATABASE_URL = t.url; // the route's modules read it when loaded
  const { POST } = await import("@/app/api/storefront/v1/events/route");
  const { createStorefrontKey } = await import("@/server/storefront/keys");
  pool = createPool(t.url, 2);
  await t.pool.query(`INSERT INTO tiers (id, name, name_en, rank, growth_threshold) VALUES ('bronze', '青铜', 'Bronze', 1, 0)`);
  const level = (id: string, threshold: number) => ({ id, name: id, nameEn: id, threshold, benefits: defaultBenefits });
  await withTransaction(pool, (tx) => saveTierProgram(tx, { ...defaultTierRules, levels: [level("bronze", 0), level("silver", 1000), level("gold", 5000)], growthPerCurrencyUnit: 2 }, "test"));
  await t.pool.query(`INSERT INTO members (external_id, name, registered_at, registration_channel, tier_id) VALUES ('W-1', 'A', now(), 'app', 'bronze'), ('W-2', 'B', now(), 'app', 'bronze')`);
  key = (await createStorefrontKey(t.db, { name: "shop", scopes: ["events:write"] })).key;
  served = await serveHandler((request) => POST(request, { params: Promise.resolve({}) }));
});
afterAll(async () => {
  await served.close();
  await pool.end();
  await t.drop();
});

const post = async (events: unknown[]) => {
  const response = await fetch(`${served.base}/api/storefront/v1/events`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: JSON.stringify({ events }) });
  return { status: response.status, body: (await response.json()) as { accepted: number; results: { status: string }[] } };
};

/** Per member: level, cached growth value, and the ledger's unlapsed sum (independently). */
const standings = async () =>
  (
    await t.pool.query(`
      SELECT m.external_id, m.tier_id, m.growth_value,
             (SELECT coalesce(sum(e.amount), 0)::int FROM growth_entries e WHERE e.member_id = m.id AND e.expires_at > now()) AS ledger,
             (SELECT coalesce(sum(floor((o.total_amount - o.refunded_amount) * 2)), 0)::int FROM orders o WHERE o.member_id = m.id) AS paid_growth
      FROM members m ORDER BY m.external_id`)
  ).rows;

describe("orders through the storefront API", () => {
  it("move growth value at 2 per ¥1 and upgrade at once; refunds take it back", async () => {
    const placed = await post([
      { id: "e1", type: "order.placed", member: "W-1", order: { id: "H-1", total: 300 } },
      { id: "e2", type: "order.placed", member: "W-1", order: { id: "H-2", total: 250.5 } },
      { id: "e3", type: "order.placed", member: "W-2", order: { id: "H-3", total: 2600 } },
    ]);
    expect(placed.status).toBe(200);
    expect(placed.body.accepted).toBe(3);
    expect(await standings()).toEqual([
      { external_id: "W-1", tier_id: "silver", growth_value: 1101, ledger: 1101, paid_growth: 1101 },
      { external_id: "W-2", tier_id: "gold", growth_value: 5200, ledger: 5200, paid_growth: 5200 },
    ]);
    const refunded = await post([{ id: "e4", type: "order.refunded", member: "W-1", order: { id: "H-2", amount: 100.25 } }]);
    expect(refunded.body.accepted).toBe(1);
    // 501 × 100.25 / 250.5 = 200.5 → 200 taken back (rounded down, as the order's own share).
    expect((await standings())[0]).toEqual({ external_id: "W-1", tier_id: "silver", growth_value: 901, ledger: 901, paid_growth: 900 });
    // A bad item is refused with field detail; nothing of it is applied.
    const bad = await post([{ id: "e5", type: "order.placed", member: "W-1", order: { id: "H-5", total: -3 } }]);
    expect(bad.body.results[0]!.status).toBe("rejected");
    const changes = await t.pool.query(`SELECT count(*)::int AS n FROM tier_changes`);
    const events = await t.pool.query(`SELECT count(*)::int AS n FROM member_events WHERE name = 'tier.changed'`);
    expect([changes.rows[0].n, events.rows[0].n]).toEqual([2, 2]);
  });
});
