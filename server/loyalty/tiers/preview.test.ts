// The preview of a candidate program on a base of members with scattered growth values and levels:
// per level now and after, up and down, against an independent count in plain SQL (a CASE ladder
// over the thresholds instead of width_bucket, and the downgrade rule spelled out again).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPool, withTransaction, type Pool } from "@/server/db/sql";
import { createTestDatabase, type TestDatabase } from "@/server/testing/db";
import { previewTierProgram } from "./preview";
import { defaultBenefits, defaultTierRules, type TierProgram } from "./program-schema";

let t: TestDatabase;
let pool: Pool;
beforeAll(async () => {
  t = await createTestDatabase();
  pool = createPool(t.url, 2);
  await t.pool.query(`INSERT INTO tiers (id, name, name_en, rank, growth_threshold) VALUES ('bronze', 'b', 'b', 1, 0), ('silver', 's', 's', 2, 1000), ('gold', 'g', 'g', 3, 5000), ('old', 'o', 'o', 4, 9000)`);
  // 3,000 members: growth 0..12,000 pseudo-randomly, levels not always matching their growth.
  await t.pool.query(`
    INSERT INTO members (external_id, name, registered_at, registration_channel, tier_id, growth_value)
    SELECT 'M-' || n, 'M', now(), 'app', (ARRAY['bronze','silver','gold','old'])[1 + (n * 7919) % 4], (n * 104729) % 12001
    FROM generate_series(1, 3000) n`);
});
afterAll(async () => {
  await pool.end();
  await t.drop();
});

const level = (id: string, threshold: number) => ({ id, name: id, nameEn: id, threshold, benefits: defaultBenefits });
const candidate = (downgrade: TierProgram["evaluation"]["downgrade"]): TierProgram => ({
  ...defaultTierRules,
  // Gold moves up, a new level above it, "old" is dropped (its members are placed by growth value).
  levels: [level("bronze", 0), level("silver", 800), level("gold", 6000), level("black", 10000)],
  evaluation: { period: "yearly", downgrade },
});

/** The same answer, counted another way. */
async function independently(downgrade: string) {
  const { rows } = await t.pool.query(
    `WITH m AS (
       SELECT CASE tier_id WHEN 'bronze' THEN 1 WHEN 'silver' THEN 2 WHEN 'gold' THEN 3 WHEN 'black' THEN 4 END AS cur,
              CASE WHEN growth_value >= 10000 THEN 4 WHEN growth_value >= 6000 THEN 3 WHEN growth_value >= 800 THEN 2 ELSE 1 END AS reach
       FROM members
     ), l AS (
       SELECT cur, reach, CASE WHEN cur IS NULL THEN reach WHEN reach >= cur THEN reach WHEN $1 = 'one_level' THEN cur - 1 ELSE reach END AS after FROM m
     )
     SELECT (SELECT json_agg(c ORDER BY i) FROM (SELECT i, (SELECT count(*) FROM l WHERE cur = i)::int AS c FROM generate_series(1, 4) i) x) AS now,
            (SELECT json_agg(c ORDER BY i) FROM (SELECT i, (SELECT count(*) FROM l WHERE after = i)::int AS c FROM generate_series(1, 4) i) x) AS after,
            (SELECT count(*) FROM l WHERE after > cur)::int AS up, (SELECT count(*) FROM l WHERE after < cur)::int AS down,
            (SELECT count(*) FROM l WHERE cur IS NULL)::int AS placed`,
    [downgrade],
  );
  return rows[0] as { now: number[]; after: number[]; up: number; down: number; placed: number };
}

describe("tier program preview", () => {
  for (const rule of ["one_level", "recompute"] as const) {
    it(`counts where members land (${rule}) as plain SQL does`, async () => {
      const preview = await withTransaction(pool, (tx) => previewTierProgram(tx, candidate(rule)));
      const expected = await independently(rule);
      expect(preview.levels.map((l) => l.id)).toEqual(["bronze", "silver", "gold", "black"]);
      expect(preview.levels.map((l) => l.now)).toEqual(expected.now);
      expect(preview.levels.map((l) => l.after)).toEqual(expected.after);
      expect({ up: preview.up, down: preview.down, placed: preview.placed, members: preview.members }).toEqual({ up: expected.up, down: expected.down, placed: expected.placed, members: 3000 });
      expect(preview.placed).toBeGreaterThan(0);
      expect(preview.up).toBeGreaterThan(0);
      expect(preview.down).toBeGreaterThan(0);
    });
  }
});
