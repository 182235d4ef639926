import Papa from "papaparse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/server/testing/db";
import { seedDemoData } from "@/prisma/seed";
import { ExportBusyError, exportColumns, MAX_CONCURRENT_EXPORTS, openMemberExport, type ExportLabels } from "./export";
import { listMembers } from "./service";
import { memberQuery, type MemberListInput } from "./schemas";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemoData(t.url, { members: 300, now: new Date("2026-11-23T00:00:00Z") });
  // What a spreadsheet must not run, a line break inside a value, and a member without stats.
  await t.pool.query(`UPDATE members SET name = '=HYPERLINK("http://x")', email = E'a\\nb@example.com' WHERE id = (SELECT min(id) FROM members)`);
  await t.pool.query(`INSERT INTO members (external_id, name, phone, registered_at, registration_channel, tier_id) VALUES ('T-NOSTATS', '无统计', '+8613800000000', '2026-01-01T00:00:00Z', 'web', 'gold')`);
}, 120_000);
afterAll(() => t.drop());

const labels: ExportLabels = {
  columns: Object.fromEntries(exportColumns.map((c) => [c, `col:${c}`])) as ExportLabels["columns"],
  tier: (tier) => tier.nameEn,
  lifecycle: (stage) => `stage:${stage}`,
  timeZone: "Asia/Shanghai",
};

async function exportCsv(input: Omit<MemberListInput, "page" | "pageSize">, batchRows = 17) {
  const { total, stream } = await openMemberExport(t.pool, memberQuery.parse(input), labels, batchRows);
  const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  return { total, bytes, text: new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes) };
}

/** Every member of a list query, in the list's order. */
async function listed(input: Omit<MemberListInput, "page" | "pageSize">) {
  const out: string[] = [];
  for (let page = 1; ; page++) {
    const result = await listMembers(t.db, { ...input, page, pageSize: 100 });
    out.push(...result.members.map((m) => m.externalId));
    if (page >= result.pageCount) return out;
  }
}

const idleInTransaction = async () =>
  (await t.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'`)).rows[0]!.n;

describe("members CSV export", () => {
  it("is exactly the filtered, sorted list: every row, in order, one line each, UTF-8 with a BOM", async () => {
    for (const input of [{}, { sort: "spend" as const, direction: "asc" as const }, { sort: "tier" as const }, { lifecycleStages: ["active" as const, "churned" as const], sort: "name" as const }, { tagIds: [1, 2, 3], search: "M0" }]) {
      const { total, bytes, text } = await exportCsv(input);
      expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const lines = text.slice(1).split("\r\n");
      expect(lines.at(-1)).toBe("");
      const parsed = Papa.parse<string[]>(text.slice(1), { skipEmptyLines: true }).data;
      expect(parsed[0]).toEqual(exportColumns.map((c) => `col:${c}`));
      const expected = await listed(input);
      expect(total).toBe(expected.length);
      expect(lines.length - 2).toBe(total);
      expect(parsed.slice(1).map((r) => r[0])).toEqual(expected);
    }
  });

  it("writes each member's values as the database holds them, with labels", async () => {
    const { text } = await exportCsv({ sort: "orders", direction: "desc" });
    const rows = Papa.parse<string[]>(text.slice(1), { header: true, skipEmptyLines: true }).data as unknown as Record<string, string>[];
    const top = rows[0]!;
    const db = (await t.pool.query(
      `SELECT m.name, m.city, t.name_en AS tier, s.lifecycle_stage::text AS stage, s.order_count, s.total_spend::text AS spend, m.points_balance,
              to_char(m.registered_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') AS registered,
              (SELECT string_agg(g.name, ' / ' ORDER BY g.name) FROM member_tags mt JOIN tags g ON g.id = mt.tag_id WHERE mt.member_id = m.id) AS tags
         FROM members m JOIN tiers t ON t.id = m.tier_id JOIN member_stats s ON s.member_id = m.id WHERE m.external_id = $1`,
      [top["col:externalId"]],
    )).rows[0];
    expect(top).toMatchObject({
      "col:name": db.name, "col:city": db.city ?? "", "col:tier": db.tier, "col:lifecycle": `stage:${db.stage}`, "col:orders": String(db.order_count),
      "col:spend": db.spend, "col:points": String(db.points_balance), "col:registered": db.registered, "col:tags": db.tags ?? "",
    });
    // A formula is defused, a line break flattened; a phone number stays as it is.
    const first = rows.find((r) => r["col:name"]!.includes("HYPERLINK"))!;
    expect(first["col:name"]).toBe(`'=HYPERLINK("http://x")`);
    expect(first["col:email"]).toBe("a b@example.com");
    const noStats = rows.find((r) => r["col:externalId"] === "T-NOSTATS")!;
    expect(noStats).toMatchObject({ "col:phone": "+8613800000000", "col:lifecycle": "", "col:orders": "0", "col:tier": "Gold" });
    expect(rows.at(-1)!["col:externalId"]).toBe("T-NOSTATS");
  });

  it("gives its connection back when the reader cancels, and allows only a few at once", async () => {
    const { stream } = await openMemberExport(t.pool, memberQuery.parse({}), labels, 10);
    const reader = stream.getReader();
    await reader.read();
    await reader.read();
    expect(await idleInTransaction()).toBe(1);
    await reader.cancel();
    expect(await idleInTransaction()).toBe(0);

    const open = await Promise.all(Array.from({ length: MAX_CONCURRENT_EXPORTS }, () => openMemberExport(t.pool, memberQuery.parse({}), labels)));
    await expect(openMemberExport(t.pool, memberQuery.parse({}), labels)).rejects.toBeInstanceOf(ExportBusyError);
    await Promise.all(open.map((e) => e.stream.cancel()));
    const again = await exportCsv({ tierId: "gold" });
    expect(again.total).toBeGreaterThan(0);
    expect(await idleInTransaction()).toBe(0);
  });
});
