// Server-only (the lint rule keeps components/ away from execute.ts files).
import { sql } from "@/server/db/sql";
import { batchRows, suppressHoldout, type ExecContext, type Executor } from "@/server/engine/executor";
import { inlinePriceListId } from "@/server/content/price-list-schema";
import type { MemberPriceConfig } from "./spec";

/**
 * The library list a node sets prices from. An inline rule is its flow's own list, written when
 * the flow is published; made here too for versions published before that.
 */
async function priceListIdFor(ctx: ExecContext<"member_price">, config: MemberPriceConfig): Promise<string> {
  const list = config.list;
  if (list.mode === "existing") return list.id;
  const id = inlinePriceListId(ctx.flow.flowId, ctx.node.id);
  const { target, price } = list;
  await ctx.tx.execute(sql`
    INSERT INTO price_lists (id, name, product_ids, category_ids, price, percent_off, valid_days, source_flow_id)
    VALUES (${id}, ${ctx.node.name ?? ctx.node.id}, ${target.type === "products" ? target.productIds : []}::int[],
            ${target.type === "categories" ? target.categoryIds : []}::int[], ${price.type === "fixed" ? price.amount : null}::numeric,
            ${price.type === "percent_off" ? price.percent : null}::numeric, ${list.validDays}, ${ctx.flow.flowId})
    ON CONFLICT (id) DO NOTHING`);
  return id;
}

// One member-price row per member, a copy of the list's rule (so editing the list never changes
// a price a member holds): valid for the list's days from now, or its fixed period — which sets
// nothing once it has ended.
export const execute: Executor<"member_price"> = async (ctx) => {
  const batch = await suppressHoldout(ctx, "member_price");
  if (batch.length === 0) return { type: "branch", branch: "out" };
  const listId = await priceListIdFor(ctx, ctx.node.config);
  const now = ctx.now.toISOString();
  await ctx.effects.insert(
    "member_prices",
    sql`SELECT b.member_id, p.product_ids, p.category_ids, p.price, p.percent_off,
               CASE WHEN p.valid_days IS NULL THEN greatest(${now}::timestamptz, p.valid_from) ELSE ${now}::timestamptz END,
               CASE WHEN p.valid_days IS NULL THEN p.valid_to ELSE ${now}::timestamptz + make_interval(days => p.valid_days) END,
               b.journey_id, ${ctx.node.id}, b.visit, ${ctx.flow.flowId}, p.id
        FROM ${batchRows(batch)} b CROSS JOIN price_lists p
        WHERE p.id = ${listId} AND (p.valid_days IS NOT NULL OR p.valid_to > ${now}::timestamptz)`,
    ["member_id", "product_ids", "category_ids", "price", "percent_off", "valid_from", "valid_to", "journey_id", "node_id", "visit", "flow_id", "price_list_id"],
  );
  return { type: "branch", branch: "out" };
};
