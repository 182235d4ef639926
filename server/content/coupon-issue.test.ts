import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPool, withTransaction, type Pool } from "@/server/db/sql";
import { databaseWriter } from "@/server/engine/effects";
import { createTestDatabase, type TestDatabase } from "@/server/testing/db";
import { issueCoupons } from "./coupon-issue";

let t: TestDatabase;
let pool: Pool;
const AT = new Date("2026-12-01T02:00:00Z");

beforeAll(async () => {
  t = await createTestDatabase();
  pool = createPool(t.url, 2);
  await t.pool.query(`INSERT INTO tiers (id, name, name_en, rank, growth_threshold) VALUES ('bronze', 'bronze', 'bronze', 1, 0)`);
  await t.pool.query(`INSERT INTO members (id, external_id, name, registered_at, registration_channel, tier_id) VALUES
    (1, 'M1', 'One', '2026-01-01', 'web', 'bronze'), (2, 'M2', 'Two', '2026-01-01', 'web', 'bronze')`);
  await t.pool.query(`INSERT INTO coupon_templates (id, name, type, value, valid_days, per_member_max) VALUES ('two-each', 'Two each', 'amount', 10, 30, 2)`);
}, 120_000);
afterAll(async () => {
  await pool.end();
  await t.drop();
});

const issue = (memberIds: number[], options?: Parameters<typeof issueCoupons>[6]) =>
  withTransaction(pool, (tx) =>
    issueCoupons(tx, databaseWriter(tx), "two-each", memberIds.map((memberId) => ({ memberId, journeyId: null, visit: null })), { flowId: null, nodeId: null }, AT, options),
  );
const held = async (memberId: number) => Number((await t.pool.query(`SELECT count(*) FROM coupons WHERE member_id = $1`, [memberId])).rows[0].count);

describe("issueCoupons", () => {
  it("holds the per-member maximum within one batch as across batches", async () => {
    // Member 1 three times in one batch: the maximum (2) counts the batch's own coupons too.
    const first = await issue([1, 1, 1, 2]);
    expect(first.filter((c) => c.member_id === 1)).toHaveLength(2);
    expect(await held(1)).toBe(2);
    expect(await held(2)).toBe(1);
    expect((await issue([1, 2, 2])).map((c) => c.member_id)).toEqual([2]);
    expect(await held(2)).toBe(2);
  });

  it("issues past the maximum when the caller says it does not apply (tier benefits)", async () => {
    const issued = await issue([1, 1], { perMemberMax: false });
    expect(issued).toHaveLength(2);
    expect(await held(1)).toBe(4);
  });
});
