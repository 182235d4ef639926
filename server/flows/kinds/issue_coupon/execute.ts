// Server-only (the lint rule keeps components/ away from execute.ts files).
import { sql } from "@/server/db/sql";
import { batchRows, suppressHoldout, type ExecContext, type Executor } from "@/server/engine/executor";
import type { IssueCouponConfig } from "./spec";

/** The template a node issues from; a coupon described inline becomes a template of the flow's own. */
export const inlineTemplateId = (flowId: string, nodeId: string) => `flow_${flowId}_${nodeId}`;

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

// One INSERT … SELECT for the batch. The template row is locked for the statement's transaction,
// so the total stock and the per-member maximum hold when several batches issue at once; members
// over either limit get no coupon and move on. Codes and ids come from the database's defaults.
export const execute: Executor<"issue_coupon"> = async (ctx) => {
  const batch = await suppressHoldout(ctx, "coupon");
  if (batch.length === 0) return { type: "branch", branch: "out" };
  const templateId = await templateIdFor(ctx, ctx.node.config);
  const [template] = await ctx.tx.query<{ remaining: number | null }>(sql`
    SELECT CASE WHEN total_limit IS NULL THEN NULL ELSE greatest(total_limit - issued_count, 0) END AS remaining
    FROM coupon_templates WHERE id = ${templateId} FOR UPDATE`);
  if (!template) throw new Error(`coupon template ${templateId} does not exist`);
  const now = ctx.now.toISOString();
  const issued = await ctx.effects.insert<{ id: string }>(
    "coupons",
    sql`
      SELECT t.code_prefix || mf_coupon_code(), t.id, b.member_id, ${now}::timestamptz,
             CASE WHEN t.valid_days IS NOT NULL THEN ${now}::timestamptz + make_interval(days => t.valid_days)
                  ELSE coalesce(t.valid_to, ${now}::timestamptz + interval '30 days') END,
             ${now}::timestamptz, b.journey_id, ${ctx.node.id}, b.visit, ${ctx.flow.flowId}
      FROM ${batchRows(batch)} b CROSS JOIN coupon_templates t
      WHERE t.id = ${templateId}
        AND (SELECT count(*) FROM coupons c WHERE c.template_id = t.id AND c.member_id = b.member_id) < t.per_member_max
      ORDER BY b.journey_id
      LIMIT ${template.remaining}`,
    ["code", "template_id", "member_id", "valid_from", "valid_to", "issued_at", "journey_id", "node_id", "visit", "flow_id"],
    ["id"],
  );
  if (issued.length > 0) {
    await ctx.effects.apply(sql`UPDATE coupon_templates SET issued_count = issued_count + ${issued.length}::int WHERE id = ${templateId}`);
  }
  return { type: "branch", branch: "out" };
};
