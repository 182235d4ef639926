// The worker's evaluate_lifecycle task: daily on graphile-worker's crontab, and a run (or a save's
// job, with its instant) stages every member; a stopped run re-queues the rest of the same evaluation.
import type { JobHelpers } from "graphile-worker";
import { describe, expect, it, vi } from "vitest";
import { type Pool } from "@/server/db/sql";
import { refreshMemberStats } from "@/server/members/stats";
import { createMembers } from "@/server/testing/runtime-fixtures";
import { databaseAndPoolForFile, type TestDatabase } from "@/server/testing/db";
import { TASKS } from "./jobs";
import { createTaskList, cronItems, CRONTAB } from "./tasks";

let t: TestDatabase;
let pool: Pool;
databaseAndPoolForFile((db, p) => {
  t = db;
  pool = p;
});

describe("evaluate_lifecycle (graphile-worker task)", () => {
  it("is on the crontab daily at 19:15 UTC (03:15 in Shanghai), keyed so runs never pile up", () => {
    const item = cronItems().find((c) => c.task === TASKS.evaluateLifecycle);
    expect(item?.options.jobKey).toBe(TASKS.evaluateLifecycle);
    expect(CRONTAB.split("\n").find((line) => line.includes(` ${TASKS.evaluateLifecycle} `))).toMatch(/^15 19 \* \* \* /);
  });

  it("stages every member at the job's instant; stopped, it re-queues where it stopped", async () => {
    const ids = await createMembers(t.pool, 3);
    await refreshMemberStats(t.pool);
    await t.pool.query(`UPDATE members SET registered_at = $2 WHERE id = ANY($1)`, [ids, new Date("2020-01-01T00:00:00Z")]);
    const addJob = vi.fn();
    const helpers = { abortSignal: new AbortController().signal, addJob } as unknown as JobHelpers;
    const tasks = createTaskList({ pool, stopping: () => false, releaseDeadWorkers: async () => 0 });
    await tasks[TASKS.evaluateLifecycle]!({ reason: "settings", at: "2020-02-15T00:00:00.000Z" }, helpers);
    // 45 days after registering without an order: past "new" (30 days), silent (< 180 days).
    const { rows } = await t.pool.query(`SELECT DISTINCT lifecycle_stage::text AS s, lifecycle_evaluated_at FROM member_stats`);
    expect(rows).toEqual([{ s: "silent", lifecycle_evaluated_at: new Date("2020-02-15T00:00:00Z") }]);
    expect(addJob).not.toHaveBeenCalled();

    const stopping = createTaskList({ pool, stopping: () => true, releaseDeadWorkers: async () => 0 });
    await stopping[TASKS.evaluateLifecycle]!({}, helpers);
    expect(addJob).toHaveBeenCalledWith(TASKS.evaluateLifecycle, { reason: "schedule", at: expect.any(String), from: ids[0] });
  });
});
