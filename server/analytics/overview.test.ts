import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoData } from "@/prisma/seed";
import { createTestDatabase, type TestDatabase } from "@/server/testing/db";
import { buckets, overview, overviewInput } from "./overview";
import { refreshInsightsDays } from "./rollup";
import { groupMembers, saveGroupAudience } from "./groups";
import { audienceProvenance, targetAudienceInFlow } from "./chart-audience";

// Every overview figure against SQL written here independently: days by each row's local date in
// Asia/Shanghai with BETWEEN (not instant ranges or width_bucket), refunds by a NOT EXISTS, stages
// by a LEFT JOIN with the compiler's default, tiers by a plain GROUP BY.

const NOW = new Date("2026-11-23T04:00:00Z"); // 12:00 in Shanghai
let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemoData(t.url, { members: 300, now: NOW });
  // Full refunds (count nowhere) and partial refunds (counted; spend is what was kept) in the windows.
  await t.pool.query(`UPDATE orders SET refunded_amount = total_amount, refunded_at = placed_at + interval '1 day'
                      WHERE id IN (SELECT id FROM orders WHERE placed_at > '2026-08-01' ORDER BY id LIMIT 40)`);
  await t.pool.query(`UPDATE orders SET refunded_amount = round(total_amount / 3, 2), refunded_at = placed_at + interval '1 day'
                      WHERE id IN (SELECT id FROM orders WHERE placed_at > '2026-08-01' AND refunded_at IS NULL ORDER BY id DESC LIMIT 40)`);
  // Edges of the days in China time: 2026-11-01 00:00 (+08) and 2026-10-31 23:59:59 (+08).
  const member = (await t.pool.query<{ id: number }>(`SELECT min(id) AS id FROM members`)).rows[0]!.id;
  await t.pool.query(
    `INSERT INTO orders (external_id, member_id, placed_at, total_amount) VALUES
       ('EDGE-1', $1, '2026-10-31T16:00:00Z', 100), ('EDGE-2', $1, '2026-10-31T15:59:59Z', 50)`,
    [member],
  );
  // A rolled-back redemption counts nowhere.
  await t.pool.query(`UPDATE coupon_redemptions SET rolled_back_at = redeemed_at + interval '1 hour'
                      WHERE id IN (SELECT id FROM coupon_redemptions WHERE redeemed_at > '2026-08-01' ORDER BY id LIMIT 5)`);
}, 180_000);
afterAll(() => t.drop());

type Figures = { newMembers: number; activeMembers: number; orders: number; spend: number; redemptions: number; discount: number };

/** Independent SQL for one span of local days. */
async function expectedFigures(from: string, to: string): Promise<Figures> {
  const local = (col: string) => `(${col} AT TIME ZONE 'Asia/Shanghai')::date BETWEEN '${from}'::date AND '${to}'::date`;
  const { rows } = await t.pool.query(`
    SELECT
      (SELECT count(*) FROM members m WHERE ${local("m.registered_at")})::int AS "newMembers",
      (SELECT count(DISTINCT o.member_id) FROM orders o WHERE ${local("o.placed_at")}
         AND NOT EXISTS (SELECT 1 FROM orders f WHERE f.id = o.id AND f.refunded_at IS NOT NULL AND f.refunded_amount >= f.total_amount))::int AS "activeMembers",
      (SELECT count(*) FROM orders o WHERE ${local("o.placed_at")}
         AND NOT EXISTS (SELECT 1 FROM orders f WHERE f.id = o.id AND f.refunded_at IS NOT NULL AND f.refunded_amount >= f.total_amount))::int AS orders,
      (SELECT coalesce(sum(o.total_amount) - sum(o.refunded_amount), 0) FROM orders o WHERE ${local("o.placed_at")}
         AND NOT EXISTS (SELECT 1 FROM orders f WHERE f.id = o.id AND f.refunded_at IS NOT NULL AND f.refunded_amount >= f.total_amount))::float8 AS spend,
      (SELECT count(*) FROM coupon_redemptions r WHERE ${local("r.redeemed_at")} AND r.rolled_back_at IS NULL)::int AS redemptions,
      (SELECT coalesce(sum(r.discount_amount), 0) FROM coupon_redemptions r WHERE ${local("r.redeemed_at")} AND r.rolled_back_at IS NULL)::float8 AS discount`);
  return rows[0] as Figures;
}
const strip = (f: Figures & { aov: number | null }) => {
  const { aov, ...rest } = f;
  if (rest.orders > 0) expect(aov).toBeCloseTo(rest.spend / rest.orders, 6);
  else expect(aov).toBeNull();
  return { ...rest, spend: Number(rest.spend.toFixed(2)), discount: Number(rest.discount.toFixed(2)) };
};
/** Every bucket of day, week and month ranges, both periods and their totals, against the SQL above. */
async function expectMatchesSql() {
  for (const granularity of ["day", "week", "month"] as const) {
    const range = { from: "2026-08-20", to: "2026-11-20" };
    const o = await overview(t.db, { range, granularity }, NOW);
    expect(o.previous).toEqual({ from: "2026-05-19", to: "2026-08-19" });
    for (const point of granularity === "day" ? o.series.filter((_, i) => i % 9 === 0 || point0(i, o.series.length)) : o.series) {
      expect(strip(point.current), `${granularity} ${point.bucket.from}`).toEqual(rounded(await expectedFigures(point.bucket.from, point.bucket.to)));
      expect(strip(point.prior), `${granularity} prior ${point.previous.from}`).toEqual(rounded(await expectedFigures(point.previous.from, point.previous.to)));
    }
    // Period totals: active members are distinct over the whole period, not a sum of buckets.
    expect(strip(o.totals.current)).toEqual(rounded(await expectedFigures(range.from, range.to)));
    expect(strip(o.totals.prior)).toEqual(rounded(await expectedFigures(o.previous.from, o.previous.to)));
  }
}
const rounded = (f: Figures) => ({ ...f, spend: Number(f.spend.toFixed(2)), discount: Number(f.discount.toFixed(2)) });

describe("insights overview", () => {
  it("cuts a range into days, Monday weeks and calendar months, clipped to the range", () => {
    expect(buckets({ from: "2026-11-20", to: "2026-11-22" }, "day").map((b) => b.from)).toEqual(["2026-11-20", "2026-11-21", "2026-11-22"]);
    // 2026-11-04 is a Wednesday.
    expect(buckets({ from: "2026-11-04", to: "2026-11-20" }, "week")).toEqual([
      { from: "2026-11-04", to: "2026-11-08" },
      { from: "2026-11-09", to: "2026-11-15" },
      { from: "2026-11-16", to: "2026-11-20" },
    ]);
    expect(buckets({ from: "2026-10-15", to: "2026-12-02" }, "month")).toEqual([
      { from: "2026-10-15", to: "2026-10-31" },
      { from: "2026-11-01", to: "2026-11-30" },
      { from: "2026-12-01", to: "2026-12-02" },
    ]);
  });

  it("defaults to the last 30 days in Shanghai against the 30 before", async () => {
    const o = await overview(t.db, {}, NOW);
    expect(o.range).toEqual({ from: "2026-10-25", to: "2026-11-23" });
    expect(o.previous).toEqual({ from: "2026-09-25", to: "2026-10-24" });
    expect(o.series).toHaveLength(30);
    expect(o.timezone).toBe("Asia/Shanghai");
  });

  it("matches independent SQL for every bucket, both periods and their totals", async () => {
    await expectMatchesSql();
  });

  it("puts an order in the day it was placed in China time", async () => {
    const o = await overview(t.db, { range: { from: "2026-10-31", to: "2026-11-01" } }, NOW);
    const [oct31, nov1] = o.series;
    expect(oct31!.current.orders).toBe((await expectedFigures("2026-10-31", "2026-10-31")).orders);
    expect(nov1!.current.orders).toBe((await expectedFigures("2026-11-01", "2026-11-01")).orders);
    // EDGE-2 (15:59:59Z) is on the 31st, EDGE-1 (16:00Z) on the 1st.
    const edge = await t.pool.query(`SELECT count(*)::int AS n FROM orders WHERE placed_at >= '2026-10-30T16:00:00Z' AND placed_at < '2026-10-31T16:00:00Z'
                                       AND NOT (refunded_at IS NOT NULL AND refunded_amount >= total_amount)`);
    expect(oct31!.current.orders).toBe(edge.rows[0].n);
  });

  it("counts members by lifecycle stage and by tier as of now", async () => {
    const o = await overview(t.db, {}, NOW);
    const stages = await t.pool.query(`SELECT coalesce(s.lifecycle_stage::text, 'new') AS stage, count(*)::int AS n
                                         FROM members m LEFT JOIN member_stats s ON s.member_id = m.id GROUP BY 1`);
    const want = Object.fromEntries(stages.rows.map((r) => [r.stage, r.n]));
    for (const s of o.byStage) expect(s.members, s.stage).toBe(want[s.stage] ?? 0);
    const tiers = await t.pool.query(`SELECT tier_id, count(*)::int AS n FROM members GROUP BY 1`);
    const wantTiers = Object.fromEntries(tiers.rows.map((r) => [r.tier_id, r.n]));
    for (const tier of o.byTier) expect(tier.members, tier.tierId).toBe(wantTiers[tier.tierId] ?? 0);
    expect(o.totalMembers).toBe(300);
    expect(o.byTier.map((x) => x.rank)).toEqual([...o.byTier.map((x) => x.rank)].sort((a, b) => a - b));
  });

  it("lists a segment's members and saves them as an audience with provenance, then targets it", async () => {
    const o = await overview(t.db, {}, NOW);
    const silent = o.byStage.find((s) => s.stage === "silent")!;
    expect(silent.members).toBeGreaterThan(0);
    const page = await groupMembers(t.db, { group: { kind: "stage", stage: "silent" }, pageSize: 10 }, NOW);
    expect(page.total).toBe(silent.members);
    expect(page.members[0]).toMatchObject({ externalId: expect.any(String), orderCount: expect.any(Number), totalSpend: expect.any(Number) });
    const saved = await saveGroupAudience(t.db, { chart: "overview", group: { kind: "stage", stage: "silent" }, range: o.range, name: "Silent now" }, "tester@x", undefined, NOW);
    expect(saved.audience).toMatchObject({ size: silent.members, origin: "chart:insights-overview" });
    const stored = await t.pool.query(`SELECT am.member_id FROM audience_members am WHERE am.audience_id = $1
                                         EXCEPT SELECT m.id FROM members m LEFT JOIN member_stats s ON s.member_id = m.id WHERE coalesce(s.lifecycle_stage::text, 'new') = 'silent'`, [saved.audience.id]);
    expect(stored.rows).toEqual([]);
    expect(await audienceProvenance(t.db, saved.audience.id)).toMatchObject({
      chart: "insights-overview",
      selection: { kind: "stage", stage: "silent" },
      selectionLabel: "Stage: Silent",
      range: o.range,
      members: silent.members,
      savedAt: NOW.toISOString(),
      savedBy: "tester@x",
      timezone: "Asia/Shanghai",
    });
    const flow = await targetAudienceInFlow(t.db, { audienceId: saved.audience.id }, "tester@x", NOW);
    expect(flow.id).toBeTruthy();
  });

  it("refuses hostile input, naming the field", () => {
    const bad = (input: unknown) => {
      const r = overviewInput.safeParse(input);
      return r.success ? null : [...new Set(r.error.issues.map((i) => i.path.join(".")))];
    };
    expect(bad({ granularity: "year" })).toEqual(["granularity"]);
    expect(bad({ range: { from: "2020-01-01", to: "2026-01-01" } })).toEqual(["range.to"]);
    expect(bad({ range: { from: "x'; DROP TABLE members; --", to: "2026-01-01" } })).toEqual(["range.from"]);
  });

  it("reads rolled days from the daily rollup, and days changed since then live, with the same figures", async () => {
    // Half the history rolled first (a run stopped by its budget), then the rest.
    const partial = await refreshInsightsDays(t.pool, NOW, { maxDays: 200, chunkDays: 64 });
    expect(partial.rolled).toBe(200);
    expect(partial.remaining).toBeGreaterThan(0);
    await expectMatchesSql();
    const full = await refreshInsightsDays(t.pool, NOW);
    expect(full.remaining).toBe(0);
    // Rolled through yesterday in Shanghai; today is always live.
    const { rows: through } = await t.pool.query(`SELECT max(day)::text AS day, count(*)::int AS n FROM insights_days`);
    expect(through[0].day).toBe("2026-11-22");
    const o = await overview(t.db, { range: { from: "2026-08-20", to: "2026-11-20" } }, NOW);
    expect(o.rollup).toEqual({ days: 186, liveDays: 0 });
    await expectMatchesSql();
    expect((await refreshInsightsDays(t.pool, NOW)).rolled).toBe(0);

    // Changes to rolled days: a late order by a member whose id is past the bitmaps, a full refund,
    // a rolled-back redemption, a member registered on an old day. Each marks its day.
    const tier = (await t.pool.query(`SELECT id FROM tiers ORDER BY rank LIMIT 1`)).rows[0].id;
    await t.pool.query(
      `INSERT INTO members (id, external_id, name, registered_at, registration_channel, tier_id) VALUES (70001, 'LATE-1', 'Late', '2026-09-01T02:00:00Z', 'web', $1)`,
      [tier],
    );
    await t.pool.query(`INSERT INTO orders (external_id, member_id, placed_at, total_amount) VALUES ('LATE-O1', 70001, '2026-09-10T03:00:00Z', 88)`);
    await t.pool.query(`UPDATE orders SET refunded_amount = total_amount, refunded_at = now()
                        WHERE id = (SELECT id FROM orders WHERE placed_at >= '2026-10-01T00:00:00Z' AND refunded_at IS NULL ORDER BY id LIMIT 1)`);
    await t.pool.query(`UPDATE coupon_redemptions SET rolled_back_at = now()
                        WHERE id = (SELECT id FROM coupon_redemptions WHERE redeemed_at >= '2026-06-01' AND rolled_back_at IS NULL ORDER BY id LIMIT 1)`);
    const { rows: marks } = await t.pool.query(`SELECT count(DISTINCT day)::int AS n FROM insights_dirty_days`);
    expect(marks[0].n).toBeGreaterThanOrEqual(3);
    const mixed = await overview(t.db, { range: { from: "2026-08-20", to: "2026-11-20" } }, NOW);
    expect(mixed.rollup.liveDays).toBeGreaterThanOrEqual(3);
    await expectMatchesSql();
    // Rolled again: marks gone, bitmaps grown to hold id 70001, figures unchanged.
    const again = await refreshInsightsDays(t.pool, NOW);
    expect(again.rolled).toBe(marks[0].n);
    expect((await t.pool.query(`SELECT count(*)::int AS n FROM insights_dirty_days`)).rows[0].n).toBe(0);
    const { rows: lengths } = await t.pool.query(`SELECT min(length(active_members))::int AS lo, max(length(active_members))::int AS hi FROM insights_days`);
    expect(lengths[0]).toEqual({ lo: 131072, hi: 131072 });
    await expectMatchesSql();
  });
});

function point0(i: number, n: number) {
  return i === n - 1;
}
