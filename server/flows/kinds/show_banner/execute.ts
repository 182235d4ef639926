// Server-only (the lint rule keeps components/ away from execute.ts files).
import { sql } from "@/server/db/sql";
import { batchRows, suppressHoldout, type ExecContext, type Executor } from "@/server/engine/executor";
import { creativeImageUrlSql, inlineCreativeId } from "@/server/content/banner-images";
import type { ShowBannerConfig } from "./spec";

/**
 * The library creative a node shows. An inline banner is its flow's own creative, written when
 * the flow is published; made here too for versions published before that (when its placement is
 * one the library manages — a storefront's own placement has no library row to point at).
 */
async function creativeIdFor(ctx: ExecContext<"show_banner">, config: ShowBannerConfig): Promise<string> {
  const banner = config.banner;
  if (banner.mode === "existing") return banner.id;
  const id = inlineCreativeId(ctx.flow.flowId, ctx.node.id);
  await ctx.tx.execute(sql`
    INSERT INTO banner_creatives (id, name, placement_id, image_url, title, link, valid_days, source_flow_id)
    SELECT ${id}, ${banner.title}, p.id, ${banner.imageUrl}, ${banner.title}, ${banner.link}, ${banner.validDays}, ${ctx.flow.flowId}
    FROM banner_placements p WHERE p.id = ${banner.placement}
    ON CONFLICT (id) DO NOTHING`);
  return id;
}

// One banner row per member, a copy of the creative (so editing it never changes what a member
// was shown): valid for its days from now, or its fixed period — which shows nothing once ended.
// An inline banner whose placement the library does not manage is shown from the node itself.
export const execute: Executor<"show_banner"> = async (ctx) => {
  const batch = await suppressHoldout(ctx, "banner");
  if (batch.length === 0) return { type: "branch", branch: "out" };
  const creativeId = await creativeIdFor(ctx, ctx.node.config);
  const now = ctx.now.toISOString();
  const columns = ["member_id", "placement", "image_url", "title", "link", "valid_from", "valid_to", "journey_id", "node_id", "visit", "flow_id", "creative_id"];
  const [known] = await ctx.tx.query<{ found: boolean }>(sql`SELECT EXISTS (SELECT 1 FROM banner_creatives WHERE id = ${creativeId}) AS found`);
  const banner = ctx.node.config.banner;
  if (!known?.found && banner.mode === "inline") {
    await ctx.effects.insert(
      "banners",
      sql`SELECT b.member_id, ${banner.placement}, ${banner.imageUrl}, ${banner.title}, ${banner.link},
                 ${now}::timestamptz, ${now}::timestamptz + make_interval(days => ${banner.validDays}::int),
                 b.journey_id, ${ctx.node.id}, b.visit, ${ctx.flow.flowId}, NULL::text
          FROM ${batchRows(batch)} b`,
      columns,
    );
    return { type: "branch", branch: "out" };
  }
  await ctx.effects.insert(
    "banners",
    sql`SELECT b.member_id, c.placement_id, ${creativeImageUrlSql("c")}, c.title, c.link,
               CASE WHEN c.valid_days IS NULL THEN greatest(${now}::timestamptz, c.valid_from) ELSE ${now}::timestamptz END,
               CASE WHEN c.valid_days IS NULL THEN c.valid_to ELSE ${now}::timestamptz + make_interval(days => c.valid_days) END,
               b.journey_id, ${ctx.node.id}, b.visit, ${ctx.flow.flowId}, c.id
        FROM ${batchRows(batch)} b CROSS JOIN banner_creatives c
        WHERE c.id = ${creativeId} AND (c.valid_days IS NOT NULL OR c.valid_to > ${now}::timestamptz)`,
    columns,
  );
  return { type: "branch", branch: "out" };
};
