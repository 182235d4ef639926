// Member price lists on a real PostgreSQL: flows set a copy of the list's rule (edits never change
// a price a member holds), fixed periods are kept, inline prices land in the library on publish,
// the preview agrees with independent SQL, and flows written in the old format still run.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPool, withTransaction, type Pool } from "@/server/db/sql";
import { runOccurrence, startManualRun } from "@/server/engine/triggers";
import { flowDraft, publishDraft } from "@/server/flows/build";
import { exportFlow, importFlow } from "@/server/flows/service";
import { readStoredDefinition } from "@/server/flows/upgrade";
import { createTestDatabase, type TestDatabase } from "@/server/testing/db";
import { inlinePriceListId, memberPriceOf, priceListInput, type PriceListInput } from "./price-list-schema";
import { createPriceList, getPriceList, listPriceLists, previewPrices, setPriceListArchived, updatePriceList } from "./price-lists";

let t: TestDatabase;
let pool: Pool;
let food: number;
let shoes: number;
let productIds: number[];
const MEMBERS = 12;

beforeAll(async () => {
  t = await createTestDatabase();
  pool = createPool(t.url, 4);
  await t.pool.query(`INSERT INTO tiers (id, name, name_en, rank, growth_threshold) VALUES ('silver', '银卡', 'Silver', 1, 0)`);
  await t.pool.query(
    `INSERT INTO members (external_id, name, registered_at, registration_channel, tier_id)
     SELECT 'M-' || i, '会员' || i, now() - interval '100 days', 'app', 'silver' FROM generate_series(1, $1::int) i`,
    [MEMBERS],
  );
  food = (await t.pool.query(`INSERT INTO product_categories (name, name_en) VALUES ('食品', 'Food') RETURNING id`)).rows[0].id;
  shoes = (await t.pool.query(`INSERT INTO product_categories (name, name_en) VALUES ('鞋', 'Shoes') RETURNING id`)).rows[0].id;
  const inserted = await t.pool.query(
    `INSERT INTO products (sku, name, category_id, price, active)
     VALUES ('F-1', '牛奶', $1, 12.50, true), ('F-2', '面包', $1, 8.00, true), ('F-3', '咖啡豆', $1, 98.00, true), ('F-4', '旧货', $1, 5.00, false),
            ('S-1', '跑鞋', $2, 499.00, true)
     RETURNING id`,
    [food, shoes],
  );
  productIds = inserted.rows.map((r: { id: number }) => r.id);
});
afterAll(async () => {
  await pool.end();
  await t.drop();
});

const count = async (text: string, values: unknown[] = []) => Number((await t.pool.query(text, values)).rows[0].n);
const memberIds = async (n: number) => (await t.pool.query(`SELECT id FROM members ORDER BY id LIMIT $1`, [n])).rows.map((r: { id: number }) => r.id as number);

async function publishSetting(config: unknown, name = `Prices ${Math.random()}`) {
  const draft = flowDraft(
    [
      { id: "start", kind: "manual_trigger", config: {} },
      { id: "price", kind: "member_price", config },
    ],
    ["start>price"],
  );
  return (await publishDraft(t.db, name, draft)).flowId;
}
async function runFor(flowId: string, members: number[]) {
  const occurrence = await withTransaction(pool, (tx) => startManualRun(tx, flowId, members, `test-${Date.now()}-${Math.random()}`));
  await runOccurrence(pool, occurrence);
}

const base = { name: "Food 15% off", target: { type: "categories" as const, categoryIds: [1] }, price: { type: "percent_off" as const, percent: 15 }, validity: { kind: "days" as const, days: 7 } };

describe("the form's rules", () => {
  it("report each mistake on its field", () => {
    const issues = (raw: unknown) => priceListInput.safeParse(raw).error?.issues.map((i) => i.path.join(".")) ?? [];
    expect(issues({ ...base, price: { type: "percent_off", percent: 100 } })).toEqual(["price.percent"]);
    expect(issues({ ...base, price: { type: "fixed", amount: 0 } })).toEqual(["price.amount"]);
    expect(issues({ ...base, price: { type: "fixed", amount: 9.999 } })).toEqual(["price.amount"]);
    expect(issues({ ...base, target: { type: "categories", categoryIds: [] } })).toEqual(["target.categoryIds"]);
    expect(issues({ ...base, target: { type: "products", productIds: [2 ** 31] } })).toEqual(["target.productIds.0"]);
    expect(issues({ ...base, validity: { kind: "range", from: "2026-12-10T00:00:00Z", to: "2026-12-01T00:00:00Z" } })).toEqual(["validity.to"]);
    expect(issues({ ...base, name: "a\u0000b" })).toEqual(["name"]);
    expect(issues({ ...base, target: { type: "categories", categoryIds: [1] } })).toEqual([]);
  });

  it("refuses products that do not exist, naming the field, and writes nothing", async () => {
    const before = await count(`SELECT count(*) AS n FROM price_lists`);
    await expect(createPriceList(t.db, { ...base, target: { type: "products", productIds: [productIds[0]!, 999_999] } })).rejects.toMatchObject({
      code: "invalid",
      details: { field: "target.productIds" },
    });
    expect(await count(`SELECT count(*) AS n FROM price_lists`)).toBe(before);
  });
});

describe("a list a flow sets", () => {
  let listId: string;
  let flowId: string;

  beforeAll(async () => {
    ({ id: listId } = await createPriceList(t.db, { ...base, target: { type: "categories", categoryIds: [food] } }));
    flowId = await publishSetting({ list: { mode: "existing", id: listId } }, "Food week");
  });

  it("gives each member a copy of the rule, linked to the list, valid for its days", async () => {
    const members = await memberIds(4);
    await runFor(flowId, members);
    const rows = (await t.pool.query(`SELECT member_id, category_ids, percent_off::float8 AS p, price, price_list_id, valid_to - valid_from AS span FROM member_prices WHERE flow_id = $1`, [flowId])).rows;
    expect(rows).toHaveLength(4);
    for (const r of rows) expect(r).toMatchObject({ category_ids: [food], p: 15, price: null, price_list_id: listId, span: { days: 7 } });
  });

  it("keeps members' prices when the list is edited; members given it later get the new rule", async () => {
    await updatePriceList(t.db, listId, { ...base, target: { type: "categories", categoryIds: [food, shoes] }, price: { type: "fixed", amount: 9.9 } });
    expect(await count(`SELECT count(*) AS n FROM member_prices WHERE price_list_id = $1 AND percent_off = 15 AND price IS NULL`, [listId])).toBe(4);
    const [later] = await memberIds(5).then((ids) => ids.slice(4));
    await runFor(flowId, [later!]);
    const row = (await t.pool.query(`SELECT category_ids, price::float8 AS price, percent_off FROM member_prices WHERE member_id = $1 AND price_list_id = $2`, [later, listId])).rows[0];
    expect(row).toEqual({ category_ids: [food, shoes], price: 9.9, percent_off: null });
  });

  it("shows what it handed out and which flows use it, as independent SQL counts it", async () => {
    const listed = (await listPriceLists(t.db)).find((l) => l.id === listId)!;
    const sql = (await t.pool.query(
      `SELECT count(*)::int AS set, count(DISTINCT member_id) FILTER (WHERE valid_to > now())::int AS members FROM member_prices WHERE price_list_id = $1`,
      [listId],
    )).rows[0];
    expect(listed.figures).toMatchObject({ set: sql.set, members: sql.members });
    expect(sql.set).toBe(5);
    expect(listed.flows.map((f) => f.name)).toEqual(["Food week"]);
  });

  it("keeps setting prices once archived, but leaves the library list", async () => {
    await setPriceListArchived(t.db, listId, true);
    expect((await listPriceLists(t.db)).some((l) => l.id === listId)).toBe(false);
    expect((await listPriceLists(t.db, { archived: true })).some((l) => l.id === listId)).toBe(true);
    const [next] = (await memberIds(6)).slice(5);
    await runFor(flowId, [next!]);
    expect(await count(`SELECT count(*) AS n FROM member_prices WHERE member_id = $1 AND price_list_id = $2`, [next, listId])).toBe(1);
  });
});

describe("a fixed period", () => {
  it("starts members' prices at its start and ends them at its end; once ended it sets nothing", async () => {
    const from = new Date(Date.now() + 86_400_000);
    const to = new Date(Date.now() + 3 * 86_400_000);
    const { id: coming } = await createPriceList(t.db, { ...base, name: "Next week", target: { type: "categories", categoryIds: [food] }, validity: { kind: "range", from: from.toISOString(), to: to.toISOString() } });
    const { id: over } = await createPriceList(t.db, {
      ...base,
      name: "Last week",
      target: { type: "categories", categoryIds: [food] },
      validity: { kind: "range", from: new Date(Date.now() - 9 * 86_400_000).toISOString(), to: new Date(Date.now() - 2 * 86_400_000).toISOString() },
    });
    const members = (await memberIds(8)).slice(6);
    await runFor(await publishSetting({ list: { mode: "existing", id: coming } }), members);
    await runFor(await publishSetting({ list: { mode: "existing", id: over } }), members);
    const rows = (await t.pool.query(`SELECT valid_from, valid_to FROM member_prices WHERE price_list_id = $1`, [coming])).rows;
    expect(rows).toHaveLength(2);
    for (const r of rows) expect([r.valid_from.getTime(), r.valid_to.getTime()]).toEqual([from.getTime(), to.getTime()]);
    expect(await count(`SELECT count(*) AS n FROM member_prices WHERE price_list_id = $1`, [over])).toBe(0);
  });
});

describe("an inline member price", () => {
  it("becomes the flow's own library list on publish, and the prices it sets point at it", async () => {
    const config = { list: { mode: "inline", target: { type: "products", productIds: [productIds[0]] }, price: { type: "fixed", amount: 10 }, validDays: 3 } };
    const flowId = await publishSetting(config, "Milk deal");
    const id = inlinePriceListId(flowId, "price");
    const list = await getPriceList(t.db, id);
    expect(list).toMatchObject({ sourceFlowId: flowId, target: { type: "products", productIds: [productIds[0]] }, price: { type: "fixed", amount: 10 }, validity: { kind: "days", days: 3 } });
    expect(list.flows.map((f) => f.id)).toEqual([flowId]);
    const [member] = (await memberIds(9)).slice(8);
    await runFor(flowId, [member!]);
    expect(await count(`SELECT count(*) AS n FROM member_prices WHERE member_id = $1 AND price_list_id = $2 AND price = 10`, [member, id])).toBe(1);
  });

  it("keeps its rule in the flow: the library refuses editing it, and edits the description", async () => {
    const config = { list: { mode: "inline", target: { type: "products", productIds: [productIds[1]] }, price: { type: "percent_off", percent: 20 }, validDays: 4 } };
    const flowId = await publishSetting(config, "Bread deal");
    const id = inlinePriceListId(flowId, "price");
    const list = await getPriceList(t.db, id);
    const asForm: PriceListInput = { name: list.name, description: "", target: { type: "products", productIds: [productIds[1]!] }, price: { type: "percent_off", percent: 20 }, validity: { kind: "days", days: 4 } };
    await expect(updatePriceList(t.db, id, { ...asForm, price: { type: "percent_off", percent: 30 } })).rejects.toMatchObject({ code: "invalid", details: { field: "price", sourceFlowId: flowId } });
    await expect(updatePriceList(t.db, id, { ...asForm, target: { type: "categories", categoryIds: [food] } })).rejects.toMatchObject({ details: { field: "target" } });
    await updatePriceList(t.db, id, { ...asForm, description: "Set by the bread flow" });
    expect(await getPriceList(t.db, id)).toMatchObject({ description: "Set by the bread flow", price: { type: "percent_off", percent: 20 } });
  });
});

describe("the preview", () => {
  it("covers the active products of the target and prices each as the rule does, agreeing with SQL", async () => {
    const rule = { type: "percent_off" as const, percent: 15 };
    const preview = await previewPrices(t.db, { type: "categories", categoryIds: [food] }, rule);
    const active = (await t.pool.query(`SELECT name, price::float8 AS price FROM products WHERE category_id = $1 AND active ORDER BY name`, [food])).rows;
    expect(preview.products).toBe(active.length);
    expect(preview.sample.map((p) => [p.name, p.price, p.memberPrice])).toEqual(active.map((p: { name: string; price: number }) => [p.name, p.price, Math.round(p.price * 85) / 100]));
    expect(preview.notCheaper).toBe(0);
    expect(preview.averageSaving).toBeCloseTo(0.15, 3);
  });

  it("flags products a fixed member price does not make cheaper", async () => {
    const preview = await previewPrices(t.db, { type: "categories", categoryIds: [food] }, { type: "fixed", amount: 10 });
    // 牛奶 12.50 and 咖啡豆 98.00 get cheaper; 面包 8.00 does not.
    expect(preview.notCheaper).toBe(1);
    expect(preview.sample.find((p) => p.name === "面包")?.memberPrice).toBe(memberPriceOf({ type: "fixed", amount: 10 }, 8));
  });
});

describe("flows written before price lists (definition format 1)", () => {
  const v1 = { target: { type: "categories", categoryIds: [] as string[] }, price: { type: "percent_off", percent: 20 }, validDays: 5 };

  it("a stored version runs: its rule is upgraded to an inline list", () => {
    const definition = readStoredDefinition(
      flowDraft([{ id: "start", kind: "manual_trigger", config: {} }, { id: "price", kind: "member_price", config: { ...v1, target: { type: "categories", categoryIds: [String(food)] } } }], ["start>price"]),
      1,
    );
    expect(definition.nodes[1]!.config).toEqual({ list: { mode: "inline", target: { type: "categories", categoryIds: [food] }, price: v1.price, validDays: 5 } });
  });

  it("a flow file of format 1 imports, and exports in today's format", async () => {
    const file = {
      format: "memberflow.flow",
      formatVersion: 1,
      name: "Old file",
      definition: flowDraft(
        [
          { id: "start", kind: "manual_trigger", config: {} },
          { id: "price", kind: "member_price", config: { ...v1, target: { type: "categories", categoryIds: [String(shoes)] } } },
          { id: "banner", kind: "show_banner", config: { placement: "app_home_top", imageUrl: "https://cdn.example.com/a.png", title: "Sale", link: "/sale", validDays: 2 } },
        ],
        ["start>price", "price>banner"],
      ),
    };
    const { flow, published } = await importFlow(t.db, file, { publish: true });
    expect(published?.version).toBe(1);
    const exported = await exportFlow(t.db, flow.id);
    expect(exported.formatVersion).toBe(2);
    expect(exported.definition.nodes.map((n) => n.config)).toEqual([
      {},
      { list: { mode: "inline", target: { type: "categories", categoryIds: [shoes] }, price: v1.price, validDays: 5 } },
      { banner: { mode: "inline", placement: "app_home_top", imageUrl: "https://cdn.example.com/a.png", title: "Sale", link: "/sale", validDays: 2 } },
    ]);
    await expect(importFlow(t.db, { ...file, formatVersion: 3 })).rejects.toThrow(/newer memberflow/);
  });
});
