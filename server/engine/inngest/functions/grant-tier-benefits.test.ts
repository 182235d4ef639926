import { InngestTestEngine } from "@inngest/test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/server/testing/db";
import { silverMemberWithBirthdayToday } from "@/server/testing/runtime-fixtures";
import { grantTierBenefitsRun } from "./grant-tier-benefits";

let t: TestDatabase;
let member: number;
beforeAll(async () => {
  t = await createTestDatabase();
  process.env.DATABASE_URL = t.url;
  member = await silverMemberWithBirthdayToday(t.pool);
});
afterAll(() => t.drop());

describe("grant-tier-benefits (Inngest function)", () => {
  it("is an hourly cron, and grants in steps; a second run grants nothing", async () => {
    expect(grantTierBenefitsRun.opts.triggers).toEqual([{ cron: "20 * * * *" }]);
    const first = await new InngestTestEngine({ function: grantTierBenefitsRun }).execute();
    expect(first.result).toMatchObject({ monthly: 2, birthday: 1, refused: 0, skipped: [] });
    expect(first.ctx.step.run).toHaveBeenCalledWith("grant-0", expect.any(Function));
    const again = await new InngestTestEngine({ function: grantTierBenefitsRun }).execute();
    expect(again.result).toMatchObject({ monthly: 0, birthday: 0 });
    const { rows } = await t.pool.query(`SELECT template_id, count(*)::int AS n FROM coupons WHERE member_id = $1 GROUP BY 1 ORDER BY 1`, [member]);
    expect(rows).toEqual([
      { template_id: "tpl-birthday", n: 1 },
      { template_id: "tpl-monthly", n: 2 },
    ]);
  });
});
