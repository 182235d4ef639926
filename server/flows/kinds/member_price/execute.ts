// Server-only (the lint rule keeps components/ away from execute.ts files).
import { sql } from "@/server/db/sql";
import { batchRows, suppressHoldout, type Executor } from "@/server/engine/executor";

// One member-price row per member: the products or categories it covers, a fixed price or a
// discount, valid from now for the node's number of days.
export const execute: Executor<"member_price"> = async (ctx) => {
  const batch = await suppressHoldout(ctx, "member_price");
  const { target, price, validDays } = ctx.node.config;
  if (batch.length > 0) {
    const now = ctx.now.toISOString();
    await ctx.effects.insert(
      "member_prices",
      sql`SELECT b.member_id, ${target.type === "products" ? target.productIds.map(Number) : []}::int[],
                 ${target.type === "categories" ? target.categoryIds.map(Number) : []}::int[],
                 ${price.type === "fixed" ? price.amount : null}::numeric, ${price.type === "percent_off" ? price.percent : null}::numeric,
                 ${now}::timestamptz, ${now}::timestamptz + make_interval(days => ${validDays}::int),
                 b.journey_id, ${ctx.node.id}, b.visit, ${ctx.flow.flowId}
          FROM ${batchRows(batch)} b`,
      ["member_id", "product_ids", "category_ids", "price", "percent_off", "valid_from", "valid_to", "journey_id", "node_id", "visit", "flow_id"],
    );
  }
  return { type: "branch", branch: "out" };
};
