import { InngestTestEngine } from "@inngest/test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMembers } from "@/server/testing/runtime-fixtures";
import { createTestDatabase, type TestDatabase } from "@/server/testing/db";
import { evaluateRulesRun } from "./evaluate-rules";

let t: TestDatabase;
let members: number[];
beforeAll(async () => {
  t = await createTestDatabase();
  process.env.DATABASE_URL = t.url;
  members = await createMembers(t.pool, 3);
});
afterAll(async () => {
  await t.drop();
});

describe("evaluate-rules (Inngest function)", () => {
  it("evaluates each rule in its own step; a second run moves nobody", async () => {
    await t.pool.query(`UPDATE members SET city = 'Shanghai' WHERE id = $1`, [members[1]]);
    const shanghai = JSON.stringify({ type: "group", op: "and", children: [{ type: "rule", field: "city", operator: "eq", value: "Shanghai" }] });
    await t.pool.query(`INSERT INTO tags (id, name, kind, condition) VALUES (1, 'Shanghai', 'rule', $1)`, [shanghai]);
    await t.pool.query(`INSERT INTO badges (id, name, kind, condition) VALUES (1, 'Shanghai pioneer', 'rule', $1)`, [shanghai]);
    const first = await new InngestTestEngine({ function: evaluateRulesRun }).execute();
    expect(first.result).toEqual({ rules: 2, entered: 2, left: 0 });
    expect(first.ctx.step.run).toHaveBeenCalledWith("tag-1", expect.any(Function));
    expect(first.ctx.step.run).toHaveBeenCalledWith("badge-1", expect.any(Function));
    const again = await new InngestTestEngine({ function: evaluateRulesRun }).execute();
    expect(again.result).toEqual({ rules: 2, entered: 0, left: 0 });
    expect((await t.pool.query(`SELECT member_id FROM member_tags`)).rows.map((r) => r.member_id)).toEqual([members[1]]);
    expect((await t.pool.query(`SELECT count(*)::int AS n FROM rule_runs WHERE cause = 'schedule'`)).rows).toEqual([{ n: 4 }]);
  });
});
