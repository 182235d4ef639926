// The editor's pickers: a page of options with the number of matches in all (bounded), search
// beyond the first page, districts narrowed to the chosen cities, hostile input refused.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/server/testing/db";
import { audienceOptionsInput } from "./schemas";
import { audienceOptions, OPTION_COUNT_CAP } from "./service";
import { insertCatalog, insertMembers, randomMembers } from "./test-data";

const NOW = new Date("2026-11-23T04:30:00Z");
let t: TestDatabase;

const PRODUCTS = 1_234;
// 4 provinces, 9 cities × 25 districts, plus one district name shared by two cities.
const PLACES = [
  ["上海市", ["上海市"]],
  ["浙江省", ["杭州市", "宁波市"]],
  ["广东省", ["深圳市", "广州市", "珠海市"]],
  ["江苏省", ["南京市", "苏州市", "无锡市"]],
] as const;
const district = (city: string, i: number) => `${city.slice(0, 2)}商圈${String(i).padStart(2, "0")}`;

async function scalar(query: string, params: unknown[] = []): Promise<number> {
  const { rows } = await t.pool.query<{ n: number }>(query, params);
  return Number(rows[0]!.n);
}

beforeAll(async () => {
  t = await createTestDatabase();
  await insertCatalog(t.pool);
  await insertMembers(t.pool, randomMembers(7, 30, NOW), NOW);
});
afterAll(() => t?.drop());

describe("options without a reference table of places", () => {
  it("lists the members' own districts, narrowed by their cities", async () => {
    const all = await audienceOptions(t.db, { source: "districts" });
    const expected = await scalar("SELECT count(DISTINCT business_district) AS n FROM members");
    expect(all.total).toBe(expected);
    expect(all.exact).toBe(true);
    expect(all.options.length).toBe(Math.min(50, expected));
    const city = (await t.pool.query<{ city: string }>("SELECT city FROM members WHERE business_district IS NOT NULL AND city IS NOT NULL ORDER BY id LIMIT 1")).rows[0]!.city;
    const narrowed = await audienceOptions(t.db, { source: "districts", cities: [city] });
    expect(narrowed.total).toBe(await scalar("SELECT count(DISTINCT business_district) AS n FROM members WHERE city = $1", [city]));
    for (const o of narrowed.options) expect(o.hint).toBe(city);
  });
});

describe("picker options: a page and the count of all matches", () => {
  beforeAll(async () => {
    await t.pool.query(
      `INSERT INTO products (id, sku, name, category_id, price)
       SELECT 100 + i, 'W-' || lpad(i::text, 4, '0'), 'Widget ' || lpad(i::text, 4, '0'), 1 + i % 4, 10 FROM generate_series(1, $1::int) i`,
      [PRODUCTS],
    );
    const rows: string[][] = [];
    for (const [province, cities] of PLACES) for (const city of cities) for (let i = 1; i <= 25; i++) rows.push([province, city, district(city, i)]);
    rows.push(["浙江省", "杭州市", "万象城"], ["广东省", "深圳市", "万象城"]);
    await t.pool.query(
      "INSERT INTO business_districts (province, city, name) SELECT * FROM unnest($1::text[], $2::text[], $3::text[])",
      [rows.map((r) => r[0]), rows.map((r) => r[1]), rows.map((r) => r[2])],
    );
  });

  it("counts every match, as SQL does, and pages the first 50 in order", async () => {
    const page = await audienceOptions(t.db, { source: "products" });
    expect(page.total).toBe(await scalar("SELECT count(*) AS n FROM products"));
    expect(page.total).toBe(PRODUCTS + 8);
    expect(page.exact).toBe(true);
    const first = (await t.pool.query<{ id: number }>("SELECT id FROM products ORDER BY name, id LIMIT 50")).rows.map((r) => r.id);
    expect(page.options.map((o) => o.value)).toEqual(first);

    const searched = await audienceOptions(t.db, { source: "products", search: "widget 01" });
    expect(searched.total).toBe(await scalar("SELECT count(*) AS n FROM products WHERE name ILIKE '%widget 01%' OR sku ILIKE '%widget 01%'"));
    expect(searched.total).toBe(100);
    expect(searched.options).toHaveLength(50);

    const districts = await audienceOptions(t.db, { source: "districts" });
    expect(districts.total).toBe(await scalar("SELECT count(DISTINCT name) AS n FROM business_districts"));
    expect(districts.total).toBe(9 * 25 + 1);
    expect(districts.options).toHaveLength(50);
  });

  it("finds by search an option beyond the first page, and a short list is its own total", async () => {
    const page = await audienceOptions(t.db, { source: "products" });
    const last = (await t.pool.query<{ id: number; name: string; sku: string }>("SELECT id, name, sku FROM products ORDER BY name DESC, id DESC LIMIT 1")).rows[0]!;
    expect(page.options.map((o) => o.value)).not.toContain(last.id);
    expect(await audienceOptions(t.db, { source: "products", search: last.name })).toEqual({
      options: [{ value: last.id, label: last.name, hint: last.sku }],
      total: 1,
      exact: true,
    });
    // by SKU too, and the options that start with the search come first
    expect((await audienceOptions(t.db, { source: "products", search: last.sku.toLowerCase() })).options.map((o) => o.value)).toEqual([last.id]);
    const tags = await audienceOptions(t.db, { source: "tags" });
    expect(tags).toMatchObject({ total: tags.options.length, exact: true });
    expect(await audienceOptions(t.db, { source: "products", search: "no such product" })).toEqual({ options: [], total: 0, exact: true });
    // LIKE's wildcards are text, not patterns
    expect((await audienceOptions(t.db, { source: "products", search: "_" })).total).toBe(0);
  });

  it("narrows districts to the chosen cities (and provinces), and lists all with no city", async () => {
    const one = await audienceOptions(t.db, { source: "districts", cities: ["杭州市"] });
    expect(one.total).toBe(await scalar("SELECT count(DISTINCT name) AS n FROM business_districts WHERE city = '杭州市'"));
    expect(one.total).toBe(26);
    expect(one.options.every((o) => o.hint === "杭州市")).toBe(true);
    expect(one.options.map((o) => o.value)).toContain("万象城");

    const two = await audienceOptions(t.db, { source: "districts", cities: ["杭州市", "深圳市"], limit: 200 });
    expect(two.total).toBe(await scalar("SELECT count(DISTINCT name) AS n FROM business_districts WHERE city = ANY($1)", [["杭州市", "深圳市"]]));
    expect(two.options).toHaveLength(two.total);
    // a name in both cities is one option, hinted with both
    expect(two.options.find((o) => o.value === "万象城")?.hint).toBe("杭州市, 深圳市");
    expect(two.options.every((o) => o.hint!.split(", ").every((c) => c === "杭州市" || c === "深圳市"))).toBe(true);

    // search within the cities: the city's own districts only
    const searched = await audienceOptions(t.db, { source: "districts", cities: ["杭州市"], search: "深圳" });
    expect(searched).toEqual({ options: [], total: 0, exact: true });
    expect((await audienceOptions(t.db, { source: "districts", cities: ["杭州市"], search: "商圈25" })).options.map((o) => o.value)).toEqual([district("杭州市", 25)]);

    const province = await audienceOptions(t.db, { source: "districts", provinces: ["广东省"] });
    expect(province.total).toBe(3 * 25 + 1);
    const cities = await audienceOptions(t.db, { source: "cities", provinces: ["江苏省"] });
    expect(cities).toMatchObject({ total: 3, exact: true });
    expect(cities.options.map((o) => o.value).sort()).toEqual(["南京市", "无锡市", "苏州市"].sort());

    expect((await audienceOptions(t.db, { source: "districts", cities: [] })).total).toBe(9 * 25 + 1);
    expect((await audienceOptions(t.db, { source: "districts", cities: ["'; DROP TABLE members; --"] })).total).toBe(0);
  });

  it("labels selected values that are not on the current page", async () => {
    const last = (await t.pool.query<{ id: number; name: string; sku: string }>("SELECT id, name, sku FROM products ORDER BY name DESC LIMIT 1")).rows[0]!;
    expect(await audienceOptions(t.db, { source: "products", values: [last.id, String(last.id), 2_147_483_647] })).toMatchObject({
      options: [{ value: last.id, label: last.name, hint: last.sku }],
      total: 1,
    });
  });

  it("says where selected districts and cities are", async () => {
    expect((await audienceOptions(t.db, { source: "districts", values: ["万象城", district("南京市", 3), "nowhere"] })).options).toEqual([
      { value: "万象城", label: "万象城", hint: "杭州市, 深圳市" },
      { value: district("南京市", 3), label: district("南京市", 3), hint: "南京市" },
      { value: "nowhere", label: "nowhere" },
    ]);
    expect((await audienceOptions(t.db, { source: "cities", values: ["宁波市"] })).options).toEqual([{ value: "宁波市", label: "宁波市", hint: "浙江省" }]);
  });

  it("stops counting past the cap and says so", async () => {
    await t.pool.query("INSERT INTO badges (id, name) SELECT 1000 + i, 'badge ' || i FROM generate_series(1, $1::int) i", [OPTION_COUNT_CAP + 5]);
    const page = await audienceOptions(t.db, { source: "badges", search: "badge" });
    expect(page).toMatchObject({ total: OPTION_COUNT_CAP, exact: false });
    expect(page.options).toHaveLength(50);
    const exactly = await audienceOptions(t.db, { source: "badges", search: "badge 1" });
    expect(exactly.total).toBe(await scalar("SELECT count(*) AS n FROM badges WHERE name ILIKE '%badge 1%'"));
    expect(exactly.exact).toBe(true);
  });
});

describe("options input", () => {
  const refused = (input: unknown) => expect(audienceOptionsInput.safeParse(input).success).toBe(false);
  it("refuses hostile input before any SQL", async () => {
    refused({ source: "districts", cities: ["上海市\u0000"] });
    refused({ source: "districts", cities: [""] });
    refused({ source: "districts", cities: ["x".repeat(501)] });
    refused({ source: "districts", cities: Array.from({ length: 501 }, (_, i) => `c${i}`) });
    refused({ source: "districts", provinces: [1] });
    refused({ source: "districts", cities: "上海市" });
    refused({ source: "products", values: [2_147_483_648] });
    refused({ source: "products", values: [1.5] });
    refused({ source: "products", search: "a\u0007" });
    refused({ source: "products", limit: 201 });
    refused({ source: "nope" });
    await expect(audienceOptions(t.db, { source: "districts", cities: ["\u0000"] })).rejects.toThrow();
    expect(audienceOptionsInput.safeParse({ source: "districts", cities: Array.from({ length: 500 }, (_, i) => `c${i}`) }).success).toBe(true);
  });
});
