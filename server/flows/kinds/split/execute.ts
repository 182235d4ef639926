// Server-only (the lint rule keeps components/ away from execute.ts files).
import { compileCondition } from "@/server/audiences/compile";
import { join, sql } from "@/server/db/sql";
import { batchRows, type Executor } from "@/server/engine/executor";
import { elseBranchId } from "./spec";

// One statement: each member goes to the first group whose conditions it matches (the audience
// compiler's predicate over `m`, evaluated in order by CASE), else to "else".
export const execute: Executor<"split"> = async ({ tx, node, batch, now }) => {
  const cases = node.config.groups.map((g) => sql`WHEN ${compileCondition(g.conditions, { now })} THEN ${g.id}`);
  const rows = await tx.query<{ journey_id: number; branch: string }>(sql`
    SELECT b.journey_id, CASE ${join(cases, " ")} ELSE ${elseBranchId} END AS branch
    FROM ${batchRows(batch)} b JOIN members m ON m.id = b.member_id`);
  const branchOf = new Map(rows.map((r) => [r.journey_id, r.branch]));
  // A member deleted meanwhile matches nothing: everyone else.
  for (const j of batch) if (!branchOf.has(j.journeyId)) branchOf.set(j.journeyId, elseBranchId);
  return { type: "branches", branchOf };
};
