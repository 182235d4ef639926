import { InngestTestEngine } from "@inngest/test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPool, withTransaction, type Pool } from "@/server/db/sql";
import { createTagJob } from "@/server/loyalty/tags/jobs";
import { createMembers } from "@/server/testing/runtime-fixtures";
import { createTestDatabase, type TestDatabase } from "@/server/testing/db";
import { runTagJobsRun } from "./tag-jobs";

let t: TestDatabase;
let pool: Pool;
let members: number[];
beforeAll(async () => {
  t = await createTestDatabase();
  process.env.DATABASE_URL = t.url;
  pool = createPool(t.url, 2);
  members = await createMembers(t.pool, 3);
});
afterAll(async () => {
  await pool.end();
  await t.drop();
});

describe("run-tag-jobs (Inngest function)", () => {
  it("runs an open job to the end, and a second run has nothing to do", async () => {
    await t.pool.query(`INSERT INTO tags (id, name) VALUES (1, 'VIP')`);
    await t.pool.query(`INSERT INTO audiences (id, name, kind) VALUES ('a1', 'Two', 'static')`);
    await t.pool.query(`INSERT INTO audience_members (audience_id, member_id) SELECT 'a1', unnest($1::int[])`, [members.slice(0, 2)]);
    const job = await withTransaction(pool, (tx) => createTagJob(tx, { target: "tag", id: 1, action: "add", audienceId: "a1" }, null));
    const first = await new InngestTestEngine({ function: runTagJobsRun }).execute();
    expect(first.result).toEqual({ chunks: 1 });
    expect(first.ctx.step.run).toHaveBeenCalledWith("jobs-0", expect.any(Function));
    const again = await new InngestTestEngine({ function: runTagJobsRun }).execute();
    expect(again.result).toEqual({ chunks: 0 });
    expect((await t.pool.query(`SELECT status, done, changed FROM tag_jobs WHERE id = $1`, [job.id])).rows).toEqual([{ status: "done", done: 2, changed: 2 }]);
    expect((await t.pool.query(`SELECT member_id FROM member_tags ORDER BY 1`)).rows.map((r) => r.member_id)).toEqual(members.slice(0, 2));
  });
});
