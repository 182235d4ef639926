// The builder's split counts on a real PostgreSQL, against independent SQL: first match wins,
// "everyone else" is counted, and the numbers add up to the members the flow lets in.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/server/testing/db";
import { createPool, type Pool } from "@/server/db/sql";
import { splitCounts } from "./split-counts";

let t: TestDatabase;
let pool: Pool;

beforeAll(async () => {
  t = await createTestDatabase();
  pool = createPool(t.url, 2);
  await t.pool.query(`INSERT INTO tiers (id, name, name_en, rank, growth_threshold) VALUES ('silver', '银卡', 'Silver', 1, 0), ('gold', '金卡', 'Gold', 2, 1000)`);
  // 90 members: provinces cycle Jiangsu / Zhejiang / Shanghai, tiers alternate, SMS consent for i <= 60.
  await t.pool.query(
    `INSERT INTO members (id, external_id, name, phone, province, registered_at, registration_channel, tier_id, consent_sms)
     SELECT i, 'S-' || i, '会员' || i, '1390000' || lpad(i::text, 4, '0'), (ARRAY['江苏省', '浙江省', '上海市'])[1 + i % 3],
            now() - interval '10 days', 'app', CASE WHEN i % 2 = 0 THEN 'gold' ELSE 'silver' END, i <= 60
     FROM generate_series(1, 90) i`,
  );
});
afterAll(async () => {
  await pool.end();
  await t.drop();
});

const rule = (field: string, value: unknown, operator = "in") => ({ type: "group" as const, op: "and" as const, children: [{ type: "rule" as const, field, operator, value }] });
const n = async (where: string) => Number((await t.pool.query(`SELECT count(*) AS n FROM members WHERE ${where}`)).rows[0].n);

describe("split counts", () => {
  it("count each group as the entering members it takes first, everyone else too, adding up to those entering", async () => {
    const counts = await splitCounts(pool, {
      entry: { mode: "conditions", conditions: rule("consent_sms", true, "eq") },
      groups: [
        { id: "js", conditions: rule("province", ["江苏省"]) },
        // Overlaps the first group: its Jiangsu gold members are the first group's.
        { id: "gold", conditions: rule("tier", ["gold"]) },
      ],
    });
    const entering = "consent_sms";
    expect(counts.entering).toBe(await n(entering));
    expect(counts.groups.js).toBe(await n(`${entering} AND province = '江苏省'`));
    expect(counts.groups.gold).toBe(await n(`${entering} AND province <> '江苏省' AND tier_id = 'gold'`));
    expect(counts.else).toBe(await n(`${entering} AND province <> '江苏省' AND tier_id <> 'gold'`));
    expect(counts.groups.js! + counts.groups.gold! + counts.else).toBe(counts.entering);
    expect(counts.groups.gold).toBeLessThan(await n(`${entering} AND tier_id = 'gold'`));
  });

  it("counts over every member when the flow lets anyone in, and refuses an audience that does not exist", async () => {
    const counts = await splitCounts(pool, { entry: null, groups: [{ id: "sh", conditions: rule("province", ["上海市"]) }] });
    expect(counts).toEqual({ entering: 90, groups: { sh: await n(`province = '上海市'`) }, else: await n(`province <> '上海市'`) });
    await expect(splitCounts(pool, { entry: { mode: "audience", audienceId: "nope" }, groups: [{ id: "sh", conditions: rule("province", ["上海市"]) }] })).rejects.toMatchObject({
      code: "not_found",
      details: { field: "entry.audienceId" },
    });
  });
});
