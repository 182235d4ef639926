// Server-only (the lint rule keeps components/ away from execute.ts files).
import { sql } from "@/server/db/sql";
import { batchRows, suppressHoldout, type Executor } from "@/server/engine/executor";

export const execute: Executor<"show_banner"> = async (ctx) => {
  const batch = await suppressHoldout(ctx, "banner");
  const c = ctx.node.config;
  if (batch.length > 0) {
    const now = ctx.now.toISOString();
    await ctx.effects.insert(
      "banners",
      sql`SELECT b.member_id, ${c.placement}, ${c.imageUrl}, ${c.title}, ${c.link},
                 ${now}::timestamptz, ${now}::timestamptz + make_interval(days => ${c.validDays}::int),
                 b.journey_id, ${ctx.node.id}, b.visit, ${ctx.flow.flowId}
          FROM ${batchRows(batch)} b`,
      ["member_id", "placement", "image_url", "title", "link", "valid_from", "valid_to", "journey_id", "node_id", "visit", "flow_id"],
    );
  }
  return { type: "branch", branch: "out" };
};
