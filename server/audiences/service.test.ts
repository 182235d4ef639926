import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/server/testing/db";
import { and, rule } from "./condition";
import {
  archiveAudience,
  audienceOptions,
  createAudience,
  importCsvAudience,
  listAudiences,
  parseExternalIds,
  refreshAudienceSize,
  sampleSavedAudience,
  updateAudience,
} from "./service";
import { insertCatalog, insertMembers, randomMembers } from "./test-data";

const NOW = new Date("2026-11-23T04:30:00Z");
let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await insertCatalog(t.pool);
  await insertMembers(t.pool, randomMembers(5, 40, NOW), NOW);
});
afterAll(() => t?.drop());

describe("saved audiences", () => {
  it("creates a condition audience with its size, updates and archives it", async () => {
    const a = await createAudience(t.db, { kind: "condition", name: "金卡", condition: and(rule("tier", "eq", "gold")) });
    const gold = await t.db.member.count({ where: { tierId: "gold" } });
    expect(a.size).toBe(gold);
    expect(a.computedAt).toBeInstanceOf(Date);
    const b = await updateAudience(t.db, { id: a.id, condition: and(rule("tier", "in", ["gold", "silver"])) });
    expect(b.size).toBe(await t.db.member.count({ where: { tierId: { in: ["gold", "silver"] } } }));
    expect((await sampleSavedAudience(t.db, a.id, 3)).length).toBe(Math.min(3, b.size!));
    await archiveAudience(t.db, a.id);
    expect((await listAudiences(t.db, {})).items.map((x) => x.id)).not.toContain(a.id);
    expect((await listAudiences(t.db, { includeArchived: true })).items.map((x) => x.id)).toContain(a.id);
  });

  it("rejects an invalid tree with the field path", async () => {
    await expect(createAudience(t.db, { kind: "condition", name: "x", condition: and(rule("city", "in", [])) })).rejects.toThrow(/children/);
  });

  it("creates a static audience from a chart selection", async () => {
    const a = await createAudience(t.db, { kind: "static", name: "图表选择", memberIds: [1, 2, 3, 99999], origin: "chart:radar" });
    expect(a.size).toBe(3);
    expect((await refreshAudienceSize(t.db, a.id)).size).toBe(3);
  });

  it("imports a CSV of external ids (header or not, BOM, quotes, unknown ids)", async () => {
    expect(parseExternalIds('\uFEFFname,external_id\n"a, b",EXT-1\nc,EXT-2\n\n')).toEqual(["EXT-1", "EXT-2"]);
    expect(parseExternalIds("EXT-1\nEXT-3\nEXT-1\n")).toEqual(["EXT-1", "EXT-3"]);
    const r = await importCsvAudience(t.db, { name: "CSV", csv: "external_id\nEXT-1\nEXT-2\nNOPE-'; DROP TABLE members; --\n" });
    expect(r.rows).toBe(3);
    expect(r.unknownSample).toEqual(["NOPE-'; DROP TABLE members; --"]);
    expect(r.matched).toBe(await t.db.member.count({ where: { externalId: { in: ["EXT-1", "EXT-2"] } } }));
  });

  it("lists option values", async () => {
    expect((await audienceOptions(t.db, { source: "tags", search: "高" })).options.map((o) => o.value)).toEqual(["高价值"]);
    expect((await audienceOptions(t.db, { source: "tiers" })).options.map((o) => o.value)).toEqual(["bronze", "silver", "gold", "platinum", "diamond"]);
    expect((await audienceOptions(t.db, { source: "cities" })).options.length).toBeGreaterThan(0);
    expect((await audienceOptions(t.db, { source: "event_names" })).options.map((o) => o.value)).toEqual(["custom.quiz", "notification.clicked", "order.placed"]);
    expect(await audienceOptions(t.db, { source: "products", search: "%" })).toEqual({ options: [], total: 0, exact: true });
  });

  it("labels values an audience already holds, in the user's language", async () => {
    const product = await t.db.product.findFirstOrThrow({ orderBy: { id: "asc" } });
    expect((await audienceOptions(t.db, { source: "products", values: [product.id] })).options).toEqual([{ value: product.id, label: product.name, hint: product.sku }]);
    const gold = await t.db.tier.findUniqueOrThrow({ where: { id: "gold" } });
    expect((await audienceOptions(t.db, { source: "tiers", values: ["gold"], locale: "en" })).options).toEqual([{ value: "gold", label: gold.nameEn }]);
    expect((await audienceOptions(t.db, { source: "tiers", locale: "zh-CN" })).options[0]?.label).toBe(
      (await t.db.tier.findFirstOrThrow({ orderBy: { rank: "asc" } })).name,
    );
    expect((await audienceOptions(t.db, { source: "cities", values: ["上海市"] })).options).toEqual([{ value: "上海市", label: "上海市" }]);
  });
});
