import { InngestTestEngine } from "@inngest/test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/server/testing/db";
import { evaluateTiersRun } from "./evaluate-tiers";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  process.env.DATABASE_URL = t.url;
  // Two levels; a gold member whose only growth lapsed long ago, held since before this period.
  await t.pool.query(`INSERT INTO tiers (id, name, name_en, rank, growth_threshold) VALUES ('bronze', '青铜', 'Bronze', 1, 0), ('gold', '黄金', 'Gold', 2, 500)`);
  await t.pool.query(`INSERT INTO members (external_id, name, registered_at, registration_channel, tier_id, tier_since, growth_value) VALUES ('M-1', 'A', '2020-01-01Z', 'app', 'gold', '2020-01-01Z', 600)`);
  await t.pool.query(`INSERT INTO growth_entries (member_id, amount, reason, effect_key, earned_at, expires_at) SELECT id, 600, 'test', 'test:1', '2020-01-01Z', '2021-01-01Z' FROM members`);
});
afterAll(() => t.drop());

describe("evaluate-tiers (Inngest function)", () => {
  it("lapses and downgrades in steps, and a second run changes nothing", async () => {
    const first = await new InngestTestEngine({ function: evaluateTiersRun }).execute();
    expect(first.result).toMatchObject({ written: 1, down: 1, up: 0 });
    expect(first.ctx.step.run).toHaveBeenCalledWith("evaluate-0", expect.any(Function));
    const again = await new InngestTestEngine({ function: evaluateTiersRun }).execute();
    expect(again.result).toMatchObject({ written: 0, down: 0, up: 0 });
    const { rows } = await t.pool.query(`SELECT m.tier_id, m.growth_value, (SELECT count(*)::int FROM tier_changes) AS changes, (SELECT count(*)::int FROM member_events WHERE name = 'tier.changed') AS events FROM members m`);
    expect(rows).toEqual([{ tier_id: "bronze", growth_value: 0, changes: 1, events: 1 }]);
  });
});
