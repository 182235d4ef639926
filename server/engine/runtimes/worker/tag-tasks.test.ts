// The worker's tag tasks: run_tag_jobs (every minute, and queued when a job is made) and
// evaluate_rules (hourly at :30) are on graphile-worker's crontab, and a run does the work once.
import type { JobHelpers } from "graphile-worker";
import { describe, expect, it } from "vitest";
import { withTransaction, type Pool } from "@/server/db/sql";
import { createTagJob } from "@/server/loyalty/tags/jobs";
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

const line = (task: string) => CRONTAB.split("\n").find((l) => l.includes(` ${task} `));

describe("tag tasks (graphile-worker)", () => {
  it("are on the crontab, keyed so runs never pile up", () => {
    for (const task of [TASKS.runTagJobs, TASKS.evaluateRules]) expect(cronItems().find((c) => c.task === task)?.options.jobKey).toBe(task);
    expect(line(TASKS.runTagJobs)).toMatch(/^\* \* \* \* \* /);
    expect(line(TASKS.evaluateRules)).toMatch(/^30 \* \* \* \* /);
  });

  it("run a bulk job and the rules, once", async () => {
    const members = await createMembers(t.pool, 4);
    await t.pool.query(`UPDATE members SET city = 'Shanghai' WHERE id = ANY($1::int[])`, [members.slice(2)]);
    const shanghai = JSON.stringify({ type: "group", op: "and", children: [{ type: "rule", field: "city", operator: "eq", value: "Shanghai" }] });
    await t.pool.query(`INSERT INTO tags (id, name) VALUES (1, 'VIP')`);
    await t.pool.query(`INSERT INTO tags (id, name, kind, condition) VALUES (2, 'Shanghai', 'rule', $1)`, [shanghai]);
    await t.pool.query(`INSERT INTO audiences (id, name, kind, condition) VALUES ('a1', 'Everyone', 'condition', '{"type":"group","op":"and","children":[]}')`);
    await withTransaction(pool, (tx) => createTagJob(tx, { target: "tag", id: 1, action: "add", audienceId: "a1" }, null));
    const tasks = createTaskList({ pool, stopping: () => false, releaseDeadWorkers: async () => 0 });
    const helpers = { abortSignal: new AbortController().signal } as unknown as JobHelpers;
    for (let i = 0; i < 2; i++) {
      await tasks[TASKS.runTagJobs]!({}, helpers);
      await tasks[TASKS.evaluateRules]!({}, helpers);
    }
    const { rows } = await t.pool.query(`SELECT tag_id, count(*)::int AS n FROM member_tags GROUP BY 1 ORDER BY 1`);
    expect(rows).toEqual([
      { tag_id: 1, n: 4 },
      { tag_id: 2, n: 2 },
    ]);
    expect((await t.pool.query(`SELECT count(*)::int AS n FROM tag_changes`)).rows).toEqual([{ n: 6 }]);
    // A rule just saved: the job names it, and only it is evaluated.
    await tasks[TASKS.evaluateRules]!({ target: "tag", id: 2 }, helpers);
    expect((await t.pool.query(`SELECT tag_id, cause FROM rule_runs ORDER BY id`)).rows).toEqual([
      { tag_id: 2, cause: "schedule" },
      { tag_id: 2, cause: "schedule" },
      { tag_id: 2, cause: "saved" },
    ]);
  });
});
