// Server-only (the lint rule keeps components/ away from execute.ts files).
import { sql } from "@/server/db/sql";
import { batchRows, suppressHoldout, type Executor } from "@/server/engine/executor";

// A delivery row per member, with the values its body template uses; the sender calls the
// endpoint (signed) and retries (server/engine/messaging/deliver.ts).
export const execute: Executor<"webhook"> = async (ctx) => {
  const batch = await suppressHoldout(ctx, "webhook");
  const c = ctx.node.config;
  if (batch.length > 0) {
    await ctx.effects.insert(
      "webhook_deliveries",
      sql`SELECT b.member_id, ${c.url}, ${c.method}, ${JSON.stringify(c.headers)}::jsonb, ${c.bodyTemplate},
                 jsonb_build_object('member.id', m.id, 'member.externalId', m.external_id, 'member.name', m.name,
                                    'flow.id', ${ctx.flow.flowId}::text, 'journey.id', b.journey_id),
                 b.journey_id, ${ctx.node.id}, b.visit, ${ctx.flow.flowId}
          FROM ${batchRows(batch)} b JOIN members m ON m.id = b.member_id`,
      ["member_id", "url", "method", "headers", "body_template", "variables", "journey_id", "node_id", "visit", "flow_id"],
    );
  }
  return { type: "branch", branch: "out" };
};
