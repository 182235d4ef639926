// Server-only (the lint rule keeps components/ away from execute.ts files).
import { sql } from "@/server/db/sql";
import { batchRows, suppressHoldout, type Executor } from "@/server/engine/executor";

// The change is recorded once per (journey, node, visit) in tag_changes, and only the rows just
// recorded are applied to member_tags: a retried batch changes nothing twice.
export const execute: Executor<"tag"> = async (ctx) => {
  const batch = await suppressHoldout(ctx, "tag");
  const { action, tags } = ctx.node.config;
  if (batch.length === 0) return { type: "branch", branch: "out" };
  if (!ctx.effects.recording) {
    await ctx.tx.execute(sql`INSERT INTO tags (name, category) SELECT unnest(${tags}::text[]), 'flow' ON CONFLICT (name) DO NOTHING`);
  }
  const written = await ctx.effects.insert<{ member_id: number; tag_ids: number[] }>(
    "tag_changes",
    sql`SELECT b.member_id, ${action}, ARRAY(SELECT id FROM tags WHERE name = ANY(${tags}::text[]) ORDER BY id), ${ctx.flow.flowId},
               b.journey_id, ${ctx.node.id}, b.visit
        FROM ${batchRows(batch)} b`,
    ["member_id", "action", "tag_ids", "flow_id", "journey_id", "node_id", "visit"],
    ["member_id", "tag_ids"],
  );
  if (written.length === 0) return { type: "branch", branch: "out" };
  const members = written.map((w) => w.member_id);
  const tagIds = written[0]!.tag_ids;
  await ctx.effects.apply(
    action === "add"
      ? sql`INSERT INTO member_tags (member_id, tag_id, source)
            SELECT m, t, ${`flow:${ctx.flow.flowId}`} FROM unnest(${members}::int[]) m CROSS JOIN unnest(${tagIds}::int[]) t
            ON CONFLICT DO NOTHING`
      : sql`DELETE FROM member_tags WHERE member_id = ANY(${members}::int[]) AND tag_id = ANY(${tagIds}::int[])`,
  );
  return { type: "branch", branch: "out" };
};
