// Server-only (the lint rule keeps components/ away from execute.ts files).
import { compileCondition } from "@/server/audiences/compile";
import { join, sql, type Sql } from "@/server/db/sql";
import { batchRows, type Executor } from "@/server/engine/executor";
import { elseBranchId, type SplitConfig } from "./spec";

/**
 * The branch of member `m`: the first group whose conditions it matches (the audience compiler's
 * predicate, evaluated in order by CASE), else "else". The builder's split counts use it too.
 */
export function splitBranchSql(groups: readonly { id: string; conditions: SplitConfig["groups"][number]["conditions"] }[], now: Date): Sql {
  const cases = groups.map((g) => sql`WHEN ${compileCondition(g.conditions, { now })} THEN ${g.id}`);
  return sql`CASE ${join(cases, " ")} ELSE ${elseBranchId} END`;
}

// One statement for the whole batch.
export const execute: Executor<"split"> = async ({ tx, node, batch, now }) => {
  const rows = await tx.query<{ journey_id: number; branch: string }>(sql`
    SELECT b.journey_id, ${splitBranchSql(node.config.groups, now)} AS branch
    FROM ${batchRows(batch)} b JOIN members m ON m.id = b.member_id`);
  const branchOf = new Map(rows.map((r) => [r.journey_id, r.branch]));
  // A member deleted meanwhile matches nothing: everyone else.
  for (const j of batch) if (!branchOf.has(j.journeyId)) branchOf.set(j.journeyId, elseBranchId);
  return { type: "branches", branchOf };
};
