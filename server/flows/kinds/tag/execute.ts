// Server-only (the lint rule keeps components/ away from execute.ts files).
import { sql } from "@/server/db/sql";
import { batchRows, suppressHoldout, type Executor } from "@/server/engine/executor";
import { changeTags } from "@/server/loyalty/tags/writer";

// The change is recorded once per (journey, node, visit) in tag_changes, and only the rows just
// recorded are applied, through the one tag writer (member_tags, then tag.added / tag.removed for
// what really changed): a retried batch changes nothing twice.
export const execute: Executor<"tag"> = async (ctx) => {
  const batch = await suppressHoldout(ctx, "tag");
  const { action, tags } = ctx.node.config;
  if (batch.length === 0) return { type: "branch", branch: "out" };
  if (!ctx.effects.recording) {
    await ctx.tx.execute(sql`INSERT INTO tags (name, category) SELECT unnest(${tags}::text[]), 'flow' ON CONFLICT (name) DO NOTHING`);
  }
  const written = await ctx.effects.insert<{ id: number; member_id: number; tag_ids: number[] }>(
    "tag_changes",
    sql`SELECT b.member_id, ${action}, ARRAY(SELECT id FROM tags WHERE name = ANY(${tags}::text[]) ORDER BY id), ${ctx.flow.flowId},
               b.journey_id, ${ctx.node.id}, b.visit
        FROM ${batchRows(batch)} b`,
    ["member_id", "action", "tag_ids", "flow_id", "journey_id", "node_id", "visit"],
    ["id", "member_id", "tag_ids"],
  );
  // The forecast writes nothing (and returns no rows); the test run writes in a transaction it rolls back.
  if (written.length === 0 || ctx.effects.recording) return { type: "branch", branch: "out" };
  const changeOf = new Map(written.map((w) => [w.member_id, w.id]));
  await changeTags(ctx.tx, {
    action,
    tagIds: written[0]!.tag_ids,
    memberIds: written.map((w) => w.member_id),
    source: `flow:${ctx.flow.flowId}`,
    eventKey: (memberId) => `tc:${changeOf.get(memberId)}`,
    now: ctx.now,
  });
  return { type: "branch", branch: "out" };
};
