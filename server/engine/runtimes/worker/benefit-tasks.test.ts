// The worker's grant_tier_benefits task: on graphile-worker's crontab, and a run grants once.
import type { JobHelpers } from "graphile-worker";
import { describe, expect, it } from "vitest";
import { type Pool } from "@/server/db/sql";
import { databaseAndPoolForFile, type TestDatabase } from "@/server/testing/db";
import { silverMemberWithBirthdayToday } from "@/server/testing/runtime-fixtures";
import { TASKS } from "./jobs";
import { createTaskList, cronItems, CRONTAB } from "./tasks";

let t: TestDatabase;
let pool: Pool;
databaseAndPoolForFile((db, p) => {
  t = db;
  pool = p;
});

describe("grant_tier_benefits (graphile-worker task)", () => {
  it("is on the crontab hourly at :20, keyed so runs never pile up", () => {
    const item = cronItems().find((c) => c.task === TASKS.grantTierBenefits);
    expect(item?.options.jobKey).toBe(TASKS.grantTierBenefits);
    expect(CRONTAB.split("\n").find((line) => line.includes(` ${TASKS.grantTierBenefits} `))).toMatch(/^20 \* \* \* \* /);
  });

  it("issues the month's coupons and the birthday gift, once", async () => {
    const member = await silverMemberWithBirthdayToday(t.pool);
    const tasks = createTaskList({ pool, stopping: () => false, releaseDeadWorkers: async () => 0 });
    const helpers = { abortSignal: new AbortController().signal, logger: { warn: () => undefined } } as unknown as JobHelpers;
    await tasks[TASKS.grantTierBenefits]!({}, helpers);
    await tasks[TASKS.grantTierBenefits]!({}, helpers);
    const { rows } = await t.pool.query(`SELECT template_id, count(*)::int AS n FROM coupons WHERE member_id = $1 GROUP BY 1 ORDER BY 1`, [member]);
    expect(rows).toEqual([
      { template_id: "tpl-birthday", n: 1 },
      { template_id: "tpl-monthly", n: 2 },
    ]);
  });
});
