import { InngestTestEngine } from "@inngest/test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPool, withTransaction, type Pool } from "@/server/db/sql";
import { saveLifecycleSettings } from "@/server/loyalty/lifecycle/settings";
import { defaultLifecycleSettings } from "@/server/loyalty/lifecycle/settings-schema";
import { refreshMemberStats } from "@/server/members/stats";
import { createTestDatabase, type TestDatabase } from "@/server/testing/db";
import { evaluateLifecycleRun, LIFECYCLE_EVALUATE } from "./evaluate-lifecycle";

let t: TestDatabase;
let pool: Pool;
let memberId: number;
beforeAll(async () => {
  t = await createTestDatabase();
  process.env.DATABASE_URL = t.url;
  pool = createPool(t.url, 2);
  await t.pool.query(`INSERT INTO tiers (id, name, name_en, rank, growth_threshold) VALUES ('bronze', '青铜', 'Bronze', 1, 0)`);
  const { rows } = await t.pool.query<{ id: number }>(
    `INSERT INTO members (external_id, name, registered_at, registration_channel, tier_id) VALUES ('M-1', 'M', now() - interval '400 days', 'app', 'bronze') RETURNING id`,
  );
  memberId = rows[0]!.id;
  await t.pool.query(`INSERT INTO orders (external_id, member_id, placed_at, total_amount) VALUES ('O-1', $1, now() - interval '10 days', 120)`, [memberId]);
  await refreshMemberStats(t.pool);
});
afterAll(async () => {
  await pool.end();
  await t.drop();
});

const stage = async () => (await t.pool.query(`SELECT lifecycle_stage::text AS s, rfm_recency AS r FROM member_stats WHERE member_id = $1`, [memberId])).rows[0];

describe("evaluate-lifecycle (Inngest function)", () => {
  it("stages every member on its cron; after a save, re-stages at the save's instant and records the change once", async () => {
    const first = await new InngestTestEngine({ function: evaluateLifecycleRun }).execute();
    expect(first.result).toEqual({ members: 1, changes: 0, chunks: 1 });
    expect(await stage()).toEqual({ s: "active", r: 1 }); // the only buyer: recency quintile 1 of 1

    const { savedAt } = await withTransaction(pool, (tx) => saveLifecycleSettings(tx, { ...defaultLifecycleSettings, activeDays: 7 }, "test"));
    const event = { name: LIFECYCLE_EVALUATE, data: { reason: "settings", at: savedAt.toISOString() } };
    const saved = await new InngestTestEngine({ function: evaluateLifecycleRun, events: [event] }).execute();
    expect(saved.result).toEqual({ members: 1, changes: 1, chunks: 1 });
    expect(saved.ctx.step.run).toHaveBeenCalledWith("evaluate-0", expect.any(Function));
    expect((await stage()).s).toBe("silent");
    const again = await new InngestTestEngine({ function: evaluateLifecycleRun, events: [event] }).execute();
    expect(again.result).toMatchObject({ changes: 0 });
    const { rows } = await t.pool.query(`SELECT from_stage::text, to_stage::text, reason FROM lifecycle_changes`);
    expect(rows).toEqual([{ from_stage: "active", to_stage: "silent", reason: "settings" }]);
    const told = await t.pool.query(`SELECT properties FROM member_events WHERE name = 'lifecycle.changed'`);
    expect(told.rows).toEqual([{ properties: { from: "active", to: "silent", reason: "settings" } }]);
  });
});
