// Member price lists: made here or inline in a flow's "Set member price" node (which then lives
// here too), edited without touching prices already handed out (member_prices keep a copy of the
// rule), archived (flows that use one keep setting it), previewed against the catalogue, and
// shown with what they have handed out and the flows that use them.
import type { PrismaClient } from "@prisma/client";
import { sql, type Tx } from "@/server/db/sql";
import { DomainError } from "@/server/errors";
import { flowsUsingLibrary, refuseFlowOwnEdit } from "./flow-usage";
import { memberPriceOf, priceListInput, type PriceListInput, type PriceRule, type PriceTarget } from "./price-list-schema";

type Actor = { actor?: string };
type Parsed = ReturnType<typeof priceListInput.parse>;

function columns(input: Parsed) {
  return {
    name: input.name,
    description: input.description,
    productIds: input.target.type === "products" ? [...new Set(input.target.productIds)] : [],
    categoryIds: input.target.type === "categories" ? [...new Set(input.target.categoryIds)] : [],
    price: input.price.type === "fixed" ? input.price.amount : null,
    percentOff: input.price.type === "percent_off" ? input.price.percent : null,
    validDays: input.validity.kind === "days" ? input.validity.days : null,
    validFrom: input.validity.kind === "range" ? new Date(input.validity.from) : null,
    validTo: input.validity.kind === "range" ? new Date(input.validity.to) : null,
  };
}

/** Products and categories must exist: a list pointing at nothing would set prices nobody sees. */
async function assertTargetsExist(db: PrismaClient, target: PriceTarget) {
  const ids = target.type === "products" ? target.productIds : target.categoryIds;
  const found =
    target.type === "products"
      ? await db.product.findMany({ where: { id: { in: ids } }, select: { id: true } })
      : await db.productCategory.findMany({ where: { id: { in: ids } }, select: { id: true } });
  const known = new Set(found.map((r) => r.id));
  const missing = ids.filter((id) => !known.has(id));
  if (missing.length > 0) {
    const field = target.type === "products" ? "target.productIds" : "target.categoryIds";
    throw new DomainError("invalid", `No such ${target.type === "products" ? "product" : "category"}: ${missing.slice(0, 5).join(", ")}`, { field });
  }
}

export async function createPriceList(db: PrismaClient, raw: PriceListInput, { actor = "cli" }: Actor = {}) {
  const input = priceListInput.parse(raw);
  await assertTargetsExist(db, input.target);
  return db.$transaction(async (tx) => {
    const list = await tx.priceList.create({ data: columns(input), select: { id: true, name: true } });
    await tx.auditLog.create({ data: { actor, action: "price_list.create", entityType: "price_list", entityId: list.id, details: { name: list.name } } });
    return list;
  });
}

/** Edits apply to prices flows set from now on; member prices already set keep their copy. */
export async function updatePriceList(db: PrismaClient, id: string, raw: PriceListInput, { actor = "cli" }: Actor = {}) {
  const input = priceListInput.parse(raw);
  await assertTargetsExist(db, input.target);
  return db.$transaction(async (tx) => {
    const before = await tx.priceList.findUnique({ where: { id } });
    if (!before) throw new DomainError("not_found", `No price list ${id}`);
    const next = columns(input);
    if (before.sourceFlowId) {
      // Everything but the description is the node's (the name too: it is made from the node).
      const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
      const changed = [
        !same(before.name, next.name) && "name",
        !(same(before.productIds, next.productIds) && same(before.categoryIds, next.categoryIds)) && "target",
        !(same(before.price === null ? null : Number(before.price), next.price) && same(before.percentOff === null ? null : Number(before.percentOff), next.percentOff)) && "price",
        !(same(before.validDays, next.validDays) && same(before.validFrom?.getTime(), next.validFrom?.getTime()) && same(before.validTo?.getTime(), next.validTo?.getTime())) && "validity",
      ].filter((f): f is string => f !== false);
      refuseFlowOwnEdit(before.sourceFlowId, changed, ["name", "target", "price", "validity"]);
    }
    const list = await tx.priceList.update({ where: { id }, data: { ...next, updatedAt: new Date() }, select: { id: true, name: true } });
    await tx.auditLog.create({ data: { actor, action: "price_list.update", entityType: "price_list", entityId: id, details: { name: list.name } } });
    return list;
  });
}

export async function setPriceListArchived(db: PrismaClient, id: string, archived: boolean, { actor = "cli" }: Actor = {}) {
  return db.$transaction(async (tx) => {
    const found = await tx.priceList.findUnique({ where: { id }, select: { id: true } });
    if (!found) throw new DomainError("not_found", `No price list ${id}`);
    const list = await tx.priceList.update({ where: { id }, data: { archivedAt: archived ? new Date() : null }, select: { id: true, archivedAt: true } });
    await tx.auditLog.create({ data: { actor, action: archived ? "price_list.archive" : "price_list.unarchive", entityType: "price_list", entityId: id, details: {} } });
    return list;
  });
}

/** An inline member price of a flow, as the publish step hands it over. */
export type InlinePrice = { nodeId: string; name: string; target: PriceTarget; price: PriceRule; validDays: number };

/** On publish: each inline member price becomes (or updates) the flow's own library list. */
export async function syncInlinePriceLists(tx: Tx, flowId: string, inline: (InlinePrice & { id: string })[]) {
  for (const p of inline) {
    const productIds = p.target.type === "products" ? p.target.productIds : [];
    const categoryIds = p.target.type === "categories" ? p.target.categoryIds : [];
    const price = p.price.type === "fixed" ? p.price.amount : null;
    const percentOff = p.price.type === "percent_off" ? p.price.percent : null;
    await tx.execute(sql`
      INSERT INTO price_lists (id, name, product_ids, category_ids, price, percent_off, valid_days, source_flow_id)
      VALUES (${p.id}, ${p.name}, ${productIds}::int[], ${categoryIds}::int[], ${price}::numeric, ${percentOff}::numeric, ${p.validDays}, ${flowId})
      ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, product_ids = EXCLUDED.product_ids, category_ids = EXCLUDED.category_ids,
        price = EXCLUDED.price, percent_off = EXCLUDED.percent_off, valid_days = EXCLUDED.valid_days, valid_from = NULL, valid_to = NULL, updated_at = now()`);
  }
}

export type PriceListFigures = { set: number; active: number; members: number };
const noFigures: PriceListFigures = { set: 0, active: 0, members: 0 };

/** Member prices handed out per list: all time, valid now, and members holding one now. */
export async function priceListFigures(db: PrismaClient, now = new Date(), ids?: string[]): Promise<Map<string, PriceListFigures>> {
  const rows = await db.$queryRaw<{ price_list_id: string; set: number; active: number; members: number }[]>`
    SELECT price_list_id, count(*)::int AS set,
           count(*) FILTER (WHERE valid_from <= ${now} AND valid_to > ${now})::int AS active,
           count(DISTINCT member_id) FILTER (WHERE valid_from <= ${now} AND valid_to > ${now})::int AS members
    FROM member_prices
    WHERE price_list_id IS NOT NULL AND (${ids ?? null}::text[] IS NULL OR price_list_id = ANY(${ids ?? null}::text[]))
    GROUP BY price_list_id`;
  return new Map(rows.map((r) => [r.price_list_id, { set: r.set, active: r.active, members: r.members }]));
}

export const flowsUsingPriceLists = (db: PrismaClient) => flowsUsingLibrary(db, { kind: "member_price", field: "list", existingMode: "existing", idKey: "id" });

type ListRow = Awaited<ReturnType<PrismaClient["priceList"]["findMany"]>>[number];
function serialize(p: ListRow) {
  return {
    id: p.id,
    name: p.name,
    description: p.description,
    target: p.productIds.length > 0 ? { type: "products" as const, productIds: p.productIds } : { type: "categories" as const, categoryIds: p.categoryIds },
    price: p.price !== null ? { type: "fixed" as const, amount: Number(p.price) } : { type: "percent_off" as const, percent: Number(p.percentOff) },
    validity: p.validDays !== null ? { kind: "days" as const, days: p.validDays } : { kind: "range" as const, from: p.validFrom?.toISOString() ?? null, to: p.validTo?.toISOString() ?? null },
    sourceFlowId: p.sourceFlowId,
    archivedAt: p.archivedAt,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
  };
}

export async function listPriceLists(db: PrismaClient, { archived = false, now = new Date() }: { archived?: boolean; now?: Date } = {}) {
  const [lists, figures, flows] = await Promise.all([
    db.priceList.findMany({ where: archived ? {} : { archivedAt: null }, orderBy: { createdAt: "desc" } }),
    priceListFigures(db, now),
    flowsUsingPriceLists(db),
  ]);
  return lists.map((p) => ({ ...serialize(p), figures: figures.get(p.id) ?? noFigures, flows: flows.get(p.id) ?? [] }));
}

export async function getPriceList(db: PrismaClient, id: string, now = new Date()) {
  const list = await db.priceList.findUnique({ where: { id } });
  if (!list) throw new DomainError("not_found", `No price list ${id}`);
  const [figures, flows] = await Promise.all([priceListFigures(db, now, [id]), flowsUsingPriceLists(db)]);
  return { ...serialize(list), figures: figures.get(id) ?? noFigures, flows: flows.get(id) ?? [] };
}

export const PREVIEW_PRODUCTS = 20;

/**
 * What a rule does to the catalogue: the products it covers (active ones), each with its
 * catalogue and member price, and totals over all of them — shown live while the form is filled.
 */
export async function previewPrices(db: PrismaClient, target: PriceTarget, price: PriceRule) {
  const ids = target.type === "products" ? target.productIds : target.categoryIds;
  const covered = target.type === "products" ? sql`p.id = ANY(${ids}::int[])` : sql`p.category_id = ANY(${ids}::int[])`;
  const fixed = price.type === "fixed" ? price.amount : null;
  const percent = price.type === "percent_off" ? price.percent : null;
  // One expression for the member price in SQL, the same rule memberPriceOf applies per product.
  const memberPrice = sql`greatest(0.01, round(coalesce(${fixed}::numeric, p.price * (1 - ${percent}::numeric / 100)), 2))`;
  const [totals] = await db.$queryRaw<{ products: number; above: number; saving: number | null }[]>(sql`
    SELECT count(*)::int AS products,
           count(*) FILTER (WHERE ${memberPrice} >= p.price)::int AS above,
           avg(1 - ${memberPrice} / nullif(p.price, 0))::float8 AS saving
    FROM products p WHERE p.active AND ${covered}`);
  const sample = await db.$queryRaw<{ id: number; sku: string; name: string; price: number }[]>(
    sql`SELECT p.id, p.sku, p.name, p.price::float8 AS price FROM products p WHERE p.active AND ${covered} ORDER BY p.name, p.id LIMIT ${PREVIEW_PRODUCTS}`,
  );
  return {
    products: totals?.products ?? 0,
    /** Products whose member price is not below the catalogue price: the list gives them nothing. */
    notCheaper: totals?.above ?? 0,
    averageSaving: totals?.saving ?? null,
    sample: sample.map((p) => ({ ...p, memberPrice: memberPriceOf(price, p.price) })),
  };
}
