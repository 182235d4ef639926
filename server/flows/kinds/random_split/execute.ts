// Server-only (the lint rule keeps components/ away from execute.ts files).
import { join, sql } from "@/server/db/sql";
import { batchRows, type Executor } from "@/server/engine/executor";
import { bucketKeyPrefix, bucketSlots, controlBranchId, stableHash } from "./spec";

// The bucket is FNV-1a of `${flowId}:${nodeId}:${memberId}` modulo 10,000 basis points, the same
// as the builder's preview (assignBucket): the prefix's hash state is computed here and SQL
// continues it over the member id (mf_fnv1a), so reruns send a member the same way.
export const execute: Executor<"random_split"> = async ({ tx, flow, node, batch }) => {
  const state = stableHash(bucketKeyPrefix(flow.flowId, node.id));
  const slots = bucketSlots(node.config);
  const cases = slots.map((s) => sql`WHEN slot < ${s.upTo}::int THEN ${s.branch}`);
  const rows = await tx.query<{ journey_id: number; branch: string }>(sql`
    SELECT journey_id, CASE ${join(cases, " ")} END AS branch
    FROM (SELECT b.journey_id, (mf_fnv1a(${state}::bigint, b.member_id::text) % 10000)::int AS slot FROM ${batchRows(batch)} b) s`);
  const branchOf = new Map(rows.map((r) => [r.journey_id, r.branch]));
  const controls = new Set(rows.filter((r) => r.branch === controlBranchId).map((r) => r.journey_id));
  return { type: "branches", branchOf, controls };
};
