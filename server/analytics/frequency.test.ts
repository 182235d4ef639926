import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoData } from "@/prisma/seed";
import { createTestDatabase, type TestDatabase } from "@/server/testing/db";
import { createAudience } from "@/server/audiences/service";
import { getFlow } from "@/server/flows/service";
import { refreshInsightsDays } from "./rollup";
import {
  audienceProvenance,
  defaultPeriods,
  describeBands,
  frequencyInput,
  frequencyMembers,
  frequencyMembersInput,
  frequencyMovement,
  periodRange,
  saveFrequencyAudience,
  targetAudienceInFlow,
  type Period,
} from "./frequency";

// The Sankey's counts against SQL written here independently: days by the orders' local date in
// Asia/Shanghai (not instant ranges), bands by CASE (not width_bucket), refunds by a NOT EXISTS.

const NOW = new Date("2026-11-23T04:00:00Z"); // 12:00 in Shanghai
let t: TestDatabase;
let boundaryMember: number;

beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemoData(t.url, { members: 300, now: NOW });
  // Refunds in the windows: full ones (leave the counts) and partial ones (stay counted).
  await t.pool.query(`UPDATE orders SET refunded_amount = total_amount, refunded_at = placed_at + interval '1 day'
                      WHERE id IN (SELECT id FROM orders WHERE placed_at > '2026-09-25' ORDER BY id LIMIT 60)`);
  await t.pool.query(`UPDATE orders SET refunded_amount = total_amount / 2, refunded_at = placed_at + interval '1 day'
                      WHERE id IN (SELECT id FROM orders WHERE placed_at > '2026-09-25' AND refunded_at IS NULL ORDER BY id DESC LIMIT 60)`);
  // Orders on the edges of the periods in China time: 2026-10-25 00:00 (+08) is in B, 23:59:59 the day before is in A,
  // 2026-11-24 00:00 (+08) is after B, 2026-09-24 23:59:59 (+08) is before A.
  boundaryMember = (await t.pool.query<{ id: number }>(`SELECT min(id) AS id FROM members`)).rows[0]!.id;
  await t.pool.query(
    `INSERT INTO orders (external_id, member_id, placed_at, total_amount) VALUES
       ('EDGE-1', $1, '2026-10-24T16:00:00Z', 10), ('EDGE-2', $1, '2026-10-24T15:59:59Z', 10),
       ('EDGE-3', $1, '2026-11-23T16:00:00Z', 10), ('EDGE-4', $1, '2026-09-24T15:59:59Z', 10)`,
    [boundaryMember],
  );
}, 180_000);
afterAll(() => t.drop());

const A: Period = { from: "2026-09-25", to: "2026-10-24" };
const B: Period = { from: "2026-10-25", to: "2026-11-23" };

/** Independent SQL: per member of the scope, the band in A and in B; grouped. */
async function expected(bands: number[], a: Period, b: Period, scope = "SELECT id FROM members") {
  const caseOf = (col: string) =>
    `CASE ${bands
      .map((_, i) => i)
      .reverse()
      .map((i) => `WHEN ${col} >= ${bands[i]} THEN ${i}`)
      .join(" ")} END`;
  const counted = `NOT EXISTS (SELECT 1 FROM orders f WHERE f.id = o.id AND f.refunded_at IS NOT NULL AND f.refunded_amount >= f.total_amount)`;
  const per = (p: Period) => `(SELECT count(*) FROM orders o WHERE o.member_id = s.id AND ${counted}
      AND (o.placed_at AT TIME ZONE 'Asia/Shanghai')::date BETWEEN '${p.from}'::date AND '${p.to}'::date)`;
  const { rows } = await t.pool.query<{ a: number; b: number; n: number }>(`
    SELECT ${caseOf("na")} AS a, ${caseOf("nb")} AS b, count(*)::int AS n
    FROM (SELECT s.id, ${per(a)} AS na, ${per(b)} AS nb FROM (${scope}) s) x GROUP BY 1, 2 ORDER BY 1, 2`);
  return rows.map((r) => ({ a: r.a, b: r.b, count: r.n }));
}
const links = (m: Awaited<ReturnType<typeof frequencyMovement>>) => m.links.map(({ a, b, count }) => ({ a, b, count }));

describe("frequency movement", () => {
  it("defaults: the previous 30 days → the last 30 days, ending today in Shanghai", () => {
    expect(defaultPeriods(NOW)).toEqual({ a: { from: "2026-09-25", to: "2026-10-24" }, b: { from: "2026-10-25", to: "2026-11-23" } });
    // 2026-11-23T17:00Z is already the 24th in Shanghai.
    expect(defaultPeriods(new Date("2026-11-23T17:00:00Z")).b).toEqual({ from: "2026-10-26", to: "2026-11-24" });
    expect(periodRange(B)).toEqual({ start: new Date("2026-10-24T16:00:00Z"), end: new Date("2026-11-23T16:00:00Z") });
    expect(describeBands([0, 1, 2, 4]).map((b) => b.label)).toEqual(["0", "1", "2–3", "4+"]);
  });

  it("counts every member once, as independent SQL does, for default and custom bands and periods", async () => {
    const m = await frequencyMovement(t.db, {}, NOW);
    expect(m.periodA).toEqual(A);
    expect(m.periodB).toEqual(B);
    expect(links(m)).toEqual(await expected([0, 1, 2, 4], A, B));
    const members = Number((await t.pool.query(`SELECT count(*) FROM members`)).rows[0].count);
    expect(m.total).toBe(members);
    expect(m.nodesA.reduce((x, y) => x + y)).toBe(members);
    expect(m.nodesB.reduce((x, y) => x + y)).toBe(members);
    // Not everyone stays put in the demo data, and the biggest movement is the largest off-diagonal link.
    const moves = m.links.filter((l) => l.a !== l.b);
    expect(moves.length).toBeGreaterThan(0);
    expect(m.biggest[0]!.count).toBe(Math.max(...moves.map((l) => l.count)));
    for (const l of m.links) expect(l.shareOfA).toBeCloseTo(l.count / m.nodesA[l.a]!, 10);

    const a2: Period = { from: "2026-06-01", to: "2026-08-31" };
    const b2: Period = { from: "2026-09-01", to: "2026-11-23" };
    const custom = await frequencyMovement(t.db, { bands: [0, 2, 5, 10], periodA: a2, periodB: b2 }, NOW);
    expect(links(custom)).toEqual(await expected([0, 2, 5, 10], a2, b2));
    // Overlapping periods are allowed: an order then counts in both.
    const overlap = await frequencyMovement(t.db, { bands: [0, 1], periodA: a2, periodB: a2 }, NOW);
    expect(overlap.links.every((l) => l.a === l.b)).toBe(true);
  });

  it("reads periods as whole days in Shanghai and leaves fully refunded orders out", async () => {
    const counts = await t.pool.query<{ a: number; b: number }>(
      `SELECT count(*) FILTER (WHERE placed_at >= $2 AND placed_at < $3)::int AS a, count(*) FILTER (WHERE placed_at >= $3 AND placed_at < $4)::int AS b
       FROM orders WHERE member_id = $1 AND NOT (refunded_at IS NOT NULL AND refunded_amount >= total_amount)`,
      [boundaryMember, "2026-09-24T16:00:00Z", "2026-10-24T16:00:00Z", "2026-11-23T16:00:00Z"],
    );
    const page = await frequencyMembers(t.db, { selection: { a: 0 }, bands: [0, 1000], pageSize: 100 }, NOW);
    const row = page.members.find((r) => r.id === boundaryMember)!;
    expect(row).toBeTruthy();
    expect({ a: row.ordersA, b: row.ordersB }).toEqual(counts.rows[0]);
    expect(row.ordersA).toBeGreaterThanOrEqual(1); // EDGE-2
    expect(row.ordersB).toBeGreaterThanOrEqual(1); // EDGE-1
    // A fully refunded order leaves the member's count; a partial refund does not.
    const before = await frequencyMembers(t.db, { selection: { a: 0 }, bands: [0, 1000], pageSize: 1 }, NOW);
    await t.pool.query(`UPDATE orders SET refunded_amount = total_amount, refunded_at = now() WHERE external_id = 'EDGE-1'`);
    const after = (await frequencyMembers(t.db, { selection: { a: 0 }, bands: [0, 1000], pageSize: 100 }, NOW)).members.find((r) => r.id === boundaryMember)!;
    expect(after.ordersB).toBe(row.ordersB - 1);
    await t.pool.query(`UPDATE orders SET refunded_amount = 1, refunded_at = now() WHERE external_id = 'EDGE-1'`);
    const partial = (await frequencyMembers(t.db, { selection: { a: 0 }, bands: [0, 1000], pageSize: 100 }, NOW)).members.find((r) => r.id === boundaryMember)!;
    expect(partial.ordersB).toBe(row.ordersB);
    expect(before.total).toBe(300);
  });

  it("narrows to a tier or a saved audience", async () => {
    const tier = await frequencyMovement(t.db, { scope: { kind: "tier", tierId: "gold" } }, NOW);
    expect(links(tier)).toEqual(await expected([0, 1, 2, 4], A, B, `SELECT id FROM members WHERE tier_id = 'gold'`));
    const ids = (await t.pool.query<{ id: number }>(`SELECT id FROM members ORDER BY id DESC LIMIT 50`)).rows.map((r) => r.id);
    const saved = await createAudience(t.db, { name: "Fifty", kind: "static", memberIds: ids });
    const aud = await frequencyMovement(t.db, { scope: { kind: "audience", audienceId: saved.id } }, NOW);
    expect(aud.total).toBe(50);
    expect(links(aud)).toEqual(await expected([0, 1, 2, 4], A, B, `SELECT id FROM members WHERE id = ANY('{${ids.join(",")}}'::int[])`));
    await expect(frequencyMovement(t.db, { scope: { kind: "audience", audienceId: "nope" } }, NOW)).rejects.toMatchObject({ code: "not_found" });
  });

  it("lists a link's or a node's members, paged, with the counts the chart shows", async () => {
    const m = await frequencyMovement(t.db, {}, NOW);
    const link = m.biggest[0]!;
    const all: number[] = [];
    for (let page = 1; ; page++) {
      const p = await frequencyMembers(t.db, { selection: { a: link.a, b: link.b }, page, pageSize: 7 }, NOW);
      expect(p.total).toBe(link.count);
      all.push(...p.members.map((r) => r.id));
      if (page >= p.pageCount) break;
    }
    expect(new Set(all).size).toBe(link.count);
    const node = await frequencyMembers(t.db, { selection: { b: 0 } }, NOW);
    expect(node.total).toBe(m.nodesB[0]);
    const first = node.members[0]!;
    expect(first).toMatchObject({ externalId: expect.any(String), name: expect.any(String), ordersB: 0 });
    expect(first.tier?.nameEn).toBeTruthy();
  });

  it("saves a selection as a static audience with its provenance, and targets it in a new flow", async () => {
    const m = await frequencyMovement(t.db, {}, NOW);
    const link = m.biggest[0]!;
    const saved = await saveFrequencyAudience(t.db, { name: "Fell", selection: { a: link.a, b: link.b } }, "tester@x", undefined, NOW);
    expect(saved.audience.size).toBe(link.count);
    const stored = (await t.pool.query<{ member_id: number }>(`SELECT member_id FROM audience_members WHERE audience_id = $1 ORDER BY 1`, [saved.audience.id])).rows.map((r) => r.member_id);
    const { rows: selected } = await t.pool.query<{ id: number }>(`
      SELECT s.id FROM members s WHERE
        (SELECT count(*) FROM orders o WHERE o.member_id = s.id AND NOT (o.refunded_at IS NOT NULL AND o.refunded_amount >= o.total_amount)
           AND (o.placed_at AT TIME ZONE 'Asia/Shanghai')::date BETWEEN '${A.from}' AND '${A.to}') BETWEEN $1 AND $2
        AND (SELECT count(*) FROM orders o WHERE o.member_id = s.id AND NOT (o.refunded_at IS NOT NULL AND o.refunded_amount >= o.total_amount)
           AND (o.placed_at AT TIME ZONE 'Asia/Shanghai')::date BETWEEN '${B.from}' AND '${B.to}') BETWEEN $3 AND $4
      ORDER BY 1`, [m.bands[link.a]!.min, m.bands[link.a]!.max ?? 1e9, m.bands[link.b]!.min, m.bands[link.b]!.max ?? 1e9]);
    expect(stored).toEqual(selected.map((r) => r.id));
    const provenance = await audienceProvenance(t.db, saved.audience.id);
    expect(provenance).toMatchObject({
      chart: "frequency-sankey",
      scope: { kind: "all" },
      bands: [0, 1, 2, 4],
      periodA: A,
      periodB: B,
      timezone: "Asia/Shanghai",
      selection: { a: link.a, b: link.b },
      members: link.count,
      savedAt: NOW.toISOString(),
      savedBy: "tester@x",
    });
    const row = (await t.pool.query(`SELECT kind, origin, size FROM audiences WHERE id = $1`, [saved.audience.id])).rows[0];
    expect(row).toEqual({ kind: "static", origin: "chart:frequency-sankey", size: link.count });
    expect((await t.pool.query(`SELECT count(*)::int AS n FROM audit_logs WHERE entity_id = $1 AND action = 'audience.create'`, [saved.audience.id])).rows[0].n).toBe(1);

    const flow = await targetAudienceInFlow(t.db, { audienceId: saved.audience.id }, "tester@x", NOW);
    const opened = await getFlow(t.db, flow.id);
    expect(opened.name).toBe("Target: Fell");
    expect(opened.draft.nodes).toHaveLength(1);
    expect(opened.draft.nodes[0]).toMatchObject({
      kind: "schedule_trigger",
      config: { schedule: { mode: "once", at: "2026-11-24T10:00:00+08:00" }, entry: { mode: "audience", audienceId: saved.audience.id } },
    });
    expect(opened.issues.filter((i) => i.nodeId === "start" && /audience|entry/i.test(JSON.stringify(i)))).toEqual([]);
    await expect(targetAudienceInFlow(t.db, { audienceId: "missing" })).rejects.toMatchObject({ code: "not_found" });
  });

  it("is all-or-nothing: a failing save leaves no audience and no members", async () => {
    const before = (await t.pool.query(`SELECT count(*)::int AS n FROM audiences`)).rows[0].n;
    const members = (await t.pool.query(`SELECT count(*)::int AS n FROM audience_members`)).rows[0].n;
    // The audit entry is the last write of the transaction; make it fail.
    await t.pool.query(`CREATE FUNCTION fail_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'boom'; END $$`);
    await t.pool.query(`CREATE TRIGGER fail_audit BEFORE INSERT ON audit_logs FOR EACH ROW EXECUTE FUNCTION fail_audit()`);
    try {
      await expect(saveFrequencyAudience(t.db, { name: "Never", selection: { b: 0 } }, "x", undefined, NOW)).rejects.toThrow();
    } finally {
      await t.pool.query(`DROP TRIGGER fail_audit ON audit_logs; DROP FUNCTION fail_audit()`);
    }
    expect((await t.pool.query(`SELECT count(*)::int AS n FROM audiences`)).rows[0].n).toBe(before);
    expect((await t.pool.query(`SELECT count(*)::int AS n FROM audience_members`)).rows[0].n).toBe(members);
  });

  it("refuses hostile input, naming the field", () => {
    const bad = (input: unknown) => {
      const r = frequencyInput.safeParse(input);
      return r.success ? null : r.error.issues.map((i) => i.path.join("."));
    };
    expect(bad({ bands: [1, 2] })).toEqual(["bands"]);
    expect(bad({ bands: [0, 2, 2] })).toEqual(["bands"]);
    expect(bad({ bands: [0, 1e12] })).toEqual(["bands.1"]);
    expect(bad({ periodA: { from: "2026-02-30", to: "2026-03-01" }, periodB: B })).toEqual(["periodA.from"]);
    expect(bad({ periodA: { from: "2026-03-01", to: "2026-02-01" }, periodB: B })).toEqual(["periodA.to"]);
    expect(bad({ periodA: { from: "2024-01-01", to: "2026-02-01" }, periodB: B })).toEqual(["periodA.to"]);
    expect(bad({ scope: { kind: "audience", audienceId: "a\u0000" } })).toEqual(["scope.audienceId"]);
    expect(bad({ scope: { kind: "evil" } })).toEqual(["scope.kind"]);
    const sel = frequencyMembersInput.safeParse({ selection: { a: 5 } });
    expect(sel.success ? null : sel.error.issues.map((i) => i.path.join("."))).toEqual(["selection.a"]);
    const none = frequencyMembersInput.safeParse({ selection: {} });
    expect(none.success).toBe(false);
  });

  // Last: it rolls the days and changes rolled ones.
  it("reads rolled days from the daily rollup, and days changed since live, with the same counts and members", async () => {
    const ids = (await t.pool.query<{ id: number }>(`SELECT id FROM members ORDER BY id LIMIT 80`)).rows.map((r) => r.id);
    const saved = await createAudience(t.db, { name: "Eighty", kind: "static", memberIds: ids });
    const scopes = [
      { scope: { kind: "all" as const }, sql: "SELECT id FROM members" },
      { scope: { kind: "tier" as const, tierId: "silver" }, sql: "SELECT id FROM members WHERE tier_id = 'silver'" },
      { scope: { kind: "audience" as const, audienceId: saved.id }, sql: `SELECT id FROM members WHERE id = ANY('{${ids.join(",")}}'::int[])` },
    ];
    /** Every scope's links, and a link's and a zero band's members, against independent SQL. */
    const expectMatchesSql = async (rolledDays: number) => {
      for (const { scope, sql } of scopes) {
        const m = await frequencyMovement(t.db, { scope }, NOW);
        expect(m.rollup.days).toBe(rolledDays);
        expect(links(m)).toEqual(await expected([0, 1, 2, 4], A, B, sql));
      }
      const perMember = await t.pool.query<{ id: number; a: number; b: number }>(`
        SELECT m.id,
               count(o.id) FILTER (WHERE (o.placed_at AT TIME ZONE 'Asia/Shanghai')::date BETWEEN '${A.from}' AND '${A.to}')::int AS a,
               count(o.id) FILTER (WHERE (o.placed_at AT TIME ZONE 'Asia/Shanghai')::date BETWEEN '${B.from}' AND '${B.to}')::int AS b
        FROM members m LEFT JOIN orders o ON o.member_id = m.id AND NOT (o.refunded_at IS NOT NULL AND o.refunded_amount >= o.total_amount)
        GROUP BY m.id ORDER BY m.id`);
      for (const selection of [{ a: 1, b: 0 }, { a: 0 }, { a: 0, b: 0 }]) {
        const band = (n: number) => (n >= 4 ? 3 : n >= 2 ? 2 : n);
        const want = perMember.rows.filter((r) => (selection.a === undefined || band(r.a) === selection.a) && (selection.b === undefined || band(r.b) === selection.b));
        for (const page of [1, 2]) {
          const got = await frequencyMembers(t.db, { selection, page, pageSize: 100 }, NOW);
          expect(got.total).toBe(want.length);
          expect(got.members.map((r) => ({ id: r.id, a: r.ordersA, b: r.ordersB }))).toEqual(want.slice((page - 1) * 100, page * 100));
        }
      }
    };
    await expectMatchesSql(0);
    const rolled = await refreshInsightsDays(t.pool, NOW);
    expect(rolled.remaining).toBe(0);
    const { rows } = await t.pool.query(`SELECT count(*)::int AS n, sum(length(order_members) / 4)::int AS orders, sum(orders)::int AS counted FROM insights_days`);
    expect(rows[0].n).toBeGreaterThan(59);
    expect(rows[0].orders).toBe(rows[0].counted); // one id per counted order
    // A: 30 rolled days; B: 29 rolled days and today (live).
    await expectMatchesSql(59);

    // Changes to rolled days: a late order in A, a full refund in B. Both are read live until rolled again.
    await t.pool.query(`INSERT INTO orders (external_id, member_id, placed_at, total_amount) VALUES ('LATE-S1', $1, '2026-10-01T03:00:00Z', 40), ('LATE-S2', $1, '2026-10-02T03:00:00Z', 40)`, [ids[3]]);
    await t.pool.query(`UPDATE orders SET refunded_amount = total_amount, refunded_at = now()
                        WHERE id = (SELECT id FROM orders WHERE placed_at >= '2026-11-01T00:00:00Z' AND placed_at < '2026-11-20T00:00:00Z' AND refunded_at IS NULL ORDER BY id LIMIT 1)`);
    await expectMatchesSql(56);
    await refreshInsightsDays(t.pool, NOW);
    await expectMatchesSql(59);
  });
});
