// The worker's evaluate_tiers task: on graphile-worker's crontab, and a run evaluates once.
import type { JobHelpers } from "graphile-worker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPool, type Pool } from "@/server/db/sql";
import { createTestDatabase, type TestDatabase } from "@/server/testing/db";
import { TASKS } from "./jobs";
import { createTaskList, cronItems, CRONTAB } from "./tasks";

let t: TestDatabase;
let pool: Pool;
beforeAll(async () => {
  t = await createTestDatabase();
  pool = createPool(t.url, 2);
  await t.pool.query(`INSERT INTO tiers (id, name, name_en, rank, growth_threshold) VALUES ('bronze', '青铜', 'Bronze', 1, 0), ('silver', '白银', 'Silver', 2, 100)`);
  // Silver since 2020 on growth that lapsed in 2021.
  await t.pool.query(`INSERT INTO members (external_id, name, registered_at, registration_channel, tier_id, tier_since, growth_value) VALUES ('M-1', 'A', '2020-01-01Z', 'app', 'silver', '2020-01-01Z', 150)`);
  await t.pool.query(`INSERT INTO growth_entries (member_id, amount, reason, effect_key, earned_at, expires_at) SELECT id, 150, 'test', 'test:1', '2020-01-01Z', '2021-01-01Z' FROM members`);
});
afterAll(async () => {
  await pool.end();
  await t.drop();
});

describe("evaluate_tiers (graphile-worker task)", () => {
  it("is on the crontab hourly, keyed so runs never pile up", () => {
    const item = cronItems().find((c) => c.task === TASKS.evaluateTiers);
    expect(item?.options.jobKey).toBe(TASKS.evaluateTiers);
    expect(CRONTAB.split("\n").find((line) => line.includes(` ${TASKS.evaluateTiers} `))).toMatch(/^5 \* \* \* \* /);
  });

  it("lapses and downgrades, once", async () => {
    const tasks = createTaskList({ pool, stopping: () => false, releaseDeadWorkers: async () => 0 });
    const helpers = { abortSignal: new AbortController().signal } as unknown as JobHelpers;
    await tasks[TASKS.evaluateTiers]!({}, helpers);
    await tasks[TASKS.evaluateTiers]!({}, helpers);
    const { rows } = await t.pool.query(`SELECT tier_id, growth_value, (SELECT count(*)::int FROM tier_changes) AS changes FROM members`);
    expect(rows).toEqual([{ tier_id: "bronze", growth_value: 0, changes: 1 }]);
  });
});
