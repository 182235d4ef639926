// Server-only (the lint rule keeps components/ away from execute.ts files).
import { sql } from "@/server/db/sql";
import { suppressHoldout, type ExecContext, type Executor } from "@/server/engine/executor";
import { issueCoupons } from "@/server/content/coupon-issue";
import { inlineTemplateId } from "@/server/content/coupon-template-schema";
import type { IssueCouponConfig } from "./spec";

/**
 * The template a node issues from. An inline coupon is its flow's own template, written (and
 * revised) when the flow is published; made here too for versions published before that.
 */
async function templateIdFor(ctx: ExecContext<"issue_coupon">, config: IssueCouponConfig): Promise<string> {
  const t = config.template;
  if (t.mode === "existing") return t.id;
  const id = inlineTemplateId(ctx.flow.flowId, ctx.node.id);
  await ctx.tx.execute(sql`
    INSERT INTO coupon_templates (id, name, type, value, min_spend, valid_days, source_flow_id)
    VALUES (${id}, ${t.name}, ${t.type}::"CouponType", ${t.value}, ${t.minSpend}, ${t.validDays}, ${ctx.flow.flowId})
    ON CONFLICT (id) DO NOTHING`);
  return id;
}

// The issuing itself (stock, per-member maximum, locks, validity) is the content library's one
// issuer: points redemptions issue through it too.
export const execute: Executor<"issue_coupon"> = async (ctx) => {
  const batch = await suppressHoldout(ctx, "coupon");
  if (batch.length === 0) return { type: "branch", branch: "out" };
  const templateId = await templateIdFor(ctx, ctx.node.config);
  await issueCoupons(ctx.tx, ctx.effects, templateId, batch, { flowId: ctx.flow.flowId, nodeId: ctx.node.id }, ctx.now);
  return { type: "branch", branch: "out" };
};
