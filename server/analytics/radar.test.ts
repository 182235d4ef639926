import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoData } from "@/prisma/seed";
import { createTestDatabase, type TestDatabase } from "@/server/testing/db";
import { createAudience } from "@/server/audiences/service";
import { and, rule } from "@/server/audiences/condition";
import { radar, radarInput, refreshRadarGroups } from "./radar";
import { groupMembers, saveGroupAudience, groupSchema } from "./groups";
import { audienceProvenance } from "./chart-audience";
import { normalise } from "./schemas";

// Each group's figures against SQL written here independently: the group by its plain definition
// (tier_id, the stage with a missing stats row read as "new", RFM scores with a missing row read
// as 1), the indicators by their definitions in docs/insights.md.

const NOW = new Date("2026-11-23T04:00:00Z");
let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemoData(t.url, { members: 300, now: NOW });
}, 180_000);
afterAll(() => t.drop());

async function expected(where: string, now = NOW) {
  const { rows } = await t.pool.query(
    `
    WITH g AS (SELECT m.id FROM members m LEFT JOIN member_stats s ON s.member_id = m.id WHERE ${where})
    SELECT (SELECT count(*) FROM g)::int AS size,
      (SELECT avg(extract(epoch FROM ($1::timestamptz - s.last_order_at)) / 86400) FROM g JOIN member_stats s ON s.member_id = g.id WHERE s.last_order_at IS NOT NULL)::float8 AS recency,
      (SELECT sum(coalesce(s.orders_365d, 0))::float8 / count(*) FROM g LEFT JOIN member_stats s ON s.member_id = g.id) AS frequency,
      (SELECT sum(coalesce(s.spend_365d, 0))::float8 / count(*) FROM g LEFT JOIN member_stats s ON s.member_id = g.id) AS spend,
      (SELECT sum(s.spend_365d)::float8 / nullif(sum(s.orders_365d), 0) FROM g JOIN member_stats s ON s.member_id = g.id) AS aov,
      (SELECT avg(m.points_balance) FROM g JOIN members m ON m.id = g.id)::float8 AS points,
      (SELECT count(*) FILTER (WHERE c.status = 'redeemed')::float8 / nullif(count(*), 0) FROM coupons c JOIN g ON g.id = c.member_id
         WHERE c.issued_at BETWEEN $1::timestamptz - interval '365 days' AND $1::timestamptz) AS redemption,
      (SELECT sum(coalesce(s.visits_90d, 0))::float8 / count(*) FROM g LEFT JOIN member_stats s ON s.member_id = g.id) AS visits,
      (SELECT avg(extract(epoch FROM ($1::timestamptz - m.registered_at)) / 86400) FROM g JOIN members m ON m.id = g.id)::float8 AS tenure`,
    [now],
  );
  return rows[0] as Record<string, number | null>;
}

function same(actual: { size: number; values: Record<string, number | null> }, want: Record<string, number | null>, label: string) {
  expect(actual.size, `${label} size`).toBe(want.size);
  for (const [k, v] of Object.entries(actual.values)) {
    if (want[k] === null) expect(v, `${label} ${k}`).toBeNull();
    else expect(v, `${label} ${k}`).toBeCloseTo(want[k]!, 6);
  }
}

describe("insights radar", () => {
  it("compares two tiers as independent SQL does", async () => {
    const r = await radar(t.db, { groups: [{ kind: "tier", tierId: "bronze" }, { kind: "tier", tierId: "gold" }] }, NOW);
    expect(r.groups.map((g) => g.label)).toEqual(["Tier: Bronze", "Tier: Gold"]);
    same(r.groups[0]!, await expected(`m.tier_id = 'bronze'`), "bronze");
    same(r.groups[1]!, await expected(`m.tier_id = 'gold'`), "gold");
    expect(r.groups[0]!.size).toBeGreaterThan(0);
    // Scores: the best group on each axis is 100.
    r.indicators.forEach((_, i) => {
      const scores = r.groups.map((g) => g.scores[i]!);
      if (scores.some((s) => s > 0)) expect(Math.max(...scores)).toBeCloseTo(100, 6);
    });
  });

  it("compares stages, RFM segments, an audience and a condition written on the spot", async () => {
    const ids = (await t.pool.query<{ id: number }>(`SELECT id FROM members ORDER BY id LIMIT 40`)).rows.map((r) => r.id);
    const audience = await createAudience(t.db, { name: "Forty", kind: "static", memberIds: ids });
    const r = await radar(
      t.db,
      {
        groups: [
          { kind: "stage", stage: "active" },
          { kind: "stage", stage: "churned" },
          { kind: "rfm", segment: "champions" },
          { kind: "rfm", segment: "hibernating" },
          { kind: "audience", audienceId: audience.id },
          { kind: "condition", condition: and(rule("points_balance", "gte", 500)), label: "Points ≥ 500" },
        ],
      },
      NOW,
    );
    same(r.groups[0]!, await expected(`coalesce(s.lifecycle_stage::text, 'new') = 'active'`), "active");
    same(r.groups[1]!, await expected(`coalesce(s.lifecycle_stage::text, 'new') = 'churned'`), "churned");
    same(r.groups[2]!, await expected(`coalesce(s.rfm_recency, 1) >= 4 AND coalesce(s.rfm_frequency, 1) >= 4`), "champions");
    same(r.groups[3]!, await expected(`coalesce(s.rfm_recency, 1) <= 3 AND coalesce(s.rfm_frequency, 1) <= 3`), "hibernating");
    same(r.groups[4]!, await expected(`m.id = ANY('{${ids.join(",")}}'::int[])`), "audience");
    same(r.groups[5]!, await expected(`m.points_balance >= 500`), "condition");
    expect(r.groups[5]!.label).toBe("Points ≥ 500");
    // The four RFM segments partition the base.
    const all = await radar(t.db, { groups: (["champions", "at_risk", "promising", "hibernating"] as const).map((segment) => ({ kind: "rfm" as const, segment })), indicators: ["frequency", "spend", "tenure"] }, NOW);
    expect(all.groups.reduce((n, g) => n + g.size, 0)).toBe(300);
  });

  it("normalises each axis to the best group (recency: fewest days)", () => {
    expect(normalise("spend", [50, 200, null])).toEqual([25, 100, 0]);
    expect(normalise("recency", [10, 40, null])).toEqual([100, 25, 0]);
    expect(normalise("recency", [0, 40])).toEqual([100, 2.5]);
    expect(normalise("visits", [0, 0])).toEqual([0, 0]);
  });

  it("lists a radar group's members and saves it with its provenance", async () => {
    const group = { kind: "tier" as const, tierId: "gold" };
    const r = await radar(t.db, { groups: [group, { kind: "tier", tierId: "silver" }] }, NOW);
    const page = await groupMembers(t.db, { group, pageSize: 5 }, NOW);
    expect(page.total).toBe(r.groups[0]!.size);
    expect(page.members.every((m) => m.tier?.id === "gold")).toBe(true);
    const saved = await saveGroupAudience(t.db, { chart: "radar", group, indicators: r.indicators, name: "Gold" }, "tester@x", undefined, NOW);
    expect(saved.audience.size).toBe(r.groups[0]!.size);
    expect(await audienceProvenance(t.db, saved.audience.id)).toMatchObject({
      chart: "insights-radar",
      selection: group,
      selectionLabel: "Tier: Gold",
      indicators: r.indicators,
      members: r.groups[0]!.size,
    });
  });

  it("refuses hostile input, naming the field", async () => {
    const bad = (input: unknown) => {
      const r = radarInput.safeParse(input);
      return r.success ? null : r.error.issues.map((i) => i.path.join("."));
    };
    expect(bad({ groups: [{ kind: "all" }] })).toEqual(["groups"]);
    expect(bad({ groups: Array(7).fill({ kind: "all" }) })).toEqual(["groups"]);
    expect(bad({ groups: [{ kind: "all" }, { kind: "stage", stage: "zombie" }] })).toEqual(["groups.1.stage"]);
    expect(bad({ groups: [{ kind: "all" }, { kind: "all" }], indicators: ["spend", "spend", "aov"] })).toEqual(["indicators"]);
    expect(bad({ groups: [{ kind: "all" }, { kind: "tier", tierId: "x\u0000" }] })).toEqual(["groups.1.tierId"]);
    expect(groupSchema.safeParse({ kind: "condition", condition: { type: "group", op: "and", children: [{ type: "rule", field: "nope", operator: "eq", value: 1 }] } }).success).toBe(false);
    await expect(radar(t.db, { groups: [{ kind: "all" }, { kind: "audience", audienceId: "missing" }] }, NOW)).rejects.toMatchObject({ code: "not_found", details: { field: "groups.1.audienceId" } });
  });
});

describe("insights radar, standard groups precomputed", () => {
  it("reads all members, tiers, stages and RFM segments from the hourly precompute, as of when it ran", async () => {
    const groups = [{ kind: "all" }, { kind: "tier", tierId: "silver" }, { kind: "stage", stage: "silent" }, { kind: "rfm", segment: "promising" }] as const;
    const live = await radar(t.db, { groups: [...groups] }, NOW);
    expect(live.groups.every((g) => g.asOf === null)).toBe(true);
    expect(await refreshRadarGroups(t.db, NOW)).toBeGreaterThanOrEqual(14);
    // Read an hour later: the same figures (recency and tenure move with the clock), as of NOW.
    const later = new Date(NOW.getTime() + 3_600_000);
    const read = await radar(t.db, { groups: [...groups] }, later);
    expect(read.groups.every((g) => g.asOf === NOW.toISOString())).toBe(true);
    for (const [i, g] of live.groups.entries()) {
      expect(read.groups[i]!.size).toBe(g.size);
      for (const k of ["frequency", "spend", "aov", "points", "redemption", "visits"] as const) expect(read.groups[i]!.values[k]).toBeCloseTo(g.values[k]!, 9);
      expect(read.groups[i]!.values.recency! - g.values.recency!).toBeCloseTo(1 / 24, 9);
      expect(read.groups[i]!.values.tenure! - g.values.tenure!).toBeCloseTo(1 / 24, 9);
    }
    // A change after the precompute shows only once it runs again.
    await t.pool.query(`UPDATE members SET points_balance = points_balance + 1000 WHERE tier_id = 'silver'`);
    expect((await radar(t.db, { groups: [...groups] }, later)).groups[1]!.values.points).toBeCloseTo(live.groups[1]!.values.points!, 9);
    await refreshRadarGroups(t.db, later);
    expect((await radar(t.db, { groups: [...groups] }, later)).groups[1]!.values.points).toBeCloseTo(live.groups[1]!.values.points! + 1000, 9);
    // Figures older than two hours are not used: computed live again.
    const stale = await radar(t.db, { groups: [...groups] }, new Date(later.getTime() + 3 * 3_600_000));
    expect(stale.groups.every((g) => g.asOf === null)).toBe(true);
  });

  it("sums a saved audience and a written condition over the hourly per-member snapshot", async () => {
    const at = new Date(NOW.getTime() + 10 * 3_600_000);
    const points = "m.points_balance >= 500";
    const { rows } = await t.pool.query<{ id: number }>(`SELECT id FROM members WHERE id % 3 = 0`);
    const audience = await createAudience(t.db, { name: "Every third", kind: "static", memberIds: rows.map((r) => r.id) });
    const groups = [
      { kind: "condition", condition: and(rule("points_balance", "gte", 500)) },
      { kind: "audience", audienceId: audience.id },
    ] as const;
    // The last snapshot is 9 hours old: not used, computed live.
    expect((await radar(t.db, { groups: [...groups] }, at)).groups.every((g) => g.asOf === null)).toBe(true);

    await refreshRadarGroups(t.db, at);
    const read = await radar(t.db, { groups: [...groups] }, at);
    expect(read.groups.every((g) => g.asOf === at.toISOString())).toBe(true);
    same(read.groups[0]!, await expected(points, at), "condition");
    same(read.groups[1]!, await expected("m.id % 3 = 0", at), "audience");

    // A change after the snapshot shows once it runs again; the group's members are read now.
    await t.pool.query(`UPDATE members SET points_balance = points_balance + 1000 WHERE id IN (SELECT id FROM members WHERE points_balance >= 500 ORDER BY id LIMIT 10)`);
    await t.pool.query(`UPDATE members SET points_balance = 0 WHERE id = (SELECT max(id) FROM members WHERE points_balance >= 500)`);
    const before = await radar(t.db, { groups: [...groups] }, at);
    expect(before.groups[0]!.size).toBe(read.groups[0]!.size - 1);
    const next = new Date(at.getTime() + 60_000);
    await refreshRadarGroups(t.db, next);
    // The snapshot kept answers while the new one is read; then the new one does.
    const first = await radar(t.db, { groups: [...groups] }, next);
    expect(first.groups[0]!.asOf).toBe(at.toISOString());
    await expect.poll(async () => (await radar(t.db, { groups: [...groups] }, next)).groups[0]!.asOf).toBe(next.toISOString());
    same((await radar(t.db, { groups: [...groups] }, next)).groups[0]!, await expected(points, next), "condition after the refresh");
  });
});
