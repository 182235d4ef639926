import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/server/testing/db";
import { createPool, type Pool } from "@/server/db/sql";
import { flowDraftSchema } from "@/server/flows/definition";
import { referenceContext } from "@/server/flows/service";
import { validateFlow } from "@/server/flows/validate";
import { publishDemoFlows } from "./demo";
import { runOccurrence, tick } from "./triggers";

let t: TestDatabase;
let pool: Pool;
beforeAll(async () => {
  t = await createTestDatabase();
  pool = createPool(t.url, 2);
  await t.pool.query(`INSERT INTO tiers (id, name, name_en, rank, growth_threshold) VALUES ('silver', '银卡', 'Silver', 1, 0)`);
  await t.pool.query(`INSERT INTO members (external_id, name, registered_at, registration_channel, tier_id, consent_in_app)
    SELECT 'M-' || i, '会员' || i, now() - interval '2 years', 'app', 'silver', TRUE FROM generate_series(1, 30) i`);
  await t.pool.query(`INSERT INTO member_stats (member_id, lifecycle_stage) SELECT id, CASE WHEN id % 2 = 0 THEN 'silent' ELSE 'active' END::"LifecycleStage" FROM members`);
});
afterAll(async () => {
  await pool.end();
  await t.drop();
});

describe("demo flows", () => {
  it("publish on a fresh database, and the silent members get a coupon and wait for a response", async () => {
    const ids = await publishDemoFlows(t.db);
    expect(ids).toHaveLength(2);
    expect(await publishDemoFlows(t.db)).toEqual([]);
    // A newcomer's first sight of the builder: the demo flows carry no errors or warnings.
    for (const id of ids) {
      const draft = flowDraftSchema.parse((await t.db.flow.findUniqueOrThrow({ where: { id } })).draft);
      expect(validateFlow(draft, await referenceContext(t.db, draft))).toEqual([]);
    }
    for (const id of await tick(pool, new Date(Date.now() + 60_000))) await runOccurrence(pool, id);
    const { rows } = await t.pool.query(`SELECT count(*)::int AS n FROM journeys WHERE flow_id = $1 AND status = 'waiting' AND current_node_id = 'wait'`, [ids[0]]);
    expect(rows[0].n).toBe(15);
    const coupons = await t.pool.query(`SELECT count(*)::int AS n FROM coupons c JOIN member_stats s ON s.member_id = c.member_id WHERE s.lifecycle_stage = 'silent'`);
    expect(coupons.rows[0].n).toBe(15);
  });
});
