// Test fixtures for the runtimes' tests (Inngest functions and the graphile-worker runtime):
// members, and flows published the way the app publishes them (a flow row pointing at its
// version, the version's triggers armed), written with plain SQL.
import { randomUUID } from "node:crypto";
import type pg from "pg";
import { sql, withTransaction, type Pool } from "@/server/db/sql";
import { defaultFlowSettings, flowDefinitionSchema, type FlowDefinition, type FlowEdge, type FlowNode } from "@/server/flows/definition";
import { armTriggers } from "@/server/engine/triggers";

/** A tier and `count` members; returns their ids in order. */
export async function createMembers(pool: pg.Pool, count: number, prefix = "M"): Promise<number[]> {
  await pool.query(`INSERT INTO tiers (id, name, name_en, rank, growth_threshold) VALUES ('bronze', '青铜', 'Bronze', 1, 0) ON CONFLICT (id) DO NOTHING`);
  const { rows } = await pool.query<{ id: number }>(
    `INSERT INTO members (external_id, name, registered_at, registration_channel, tier_id, consent_in_app)
     SELECT $1 || '-' || n, 'Member ' || n, '2024-01-01T00:00:00Z', 'app', 'bronze', TRUE FROM generate_series(1, $2::int) AS n
     RETURNING id`,
    [`${prefix}-${randomUUID().slice(0, 8)}`, count],
  );
  return rows.map((r) => Number(r.id)).sort((a, b) => a - b);
}

/** A linear flow: the nodes in order, each joined to the next by its "out" branch. */
export function linearFlow(nodes: FlowNode[]): FlowDefinition {
  const edges: FlowEdge[] = nodes.slice(1).map((node, i) => ({ id: `e${i}`, source: nodes[i]!.id, branch: "out", target: node.id }));
  const definition = { nodes, edges, settings: { ...defaultFlowSettings(), quietHours: null, frequencyCaps: {} } };
  return flowDefinitionSchema.parse(definition) as FlowDefinition;
}

/** A schedule trigger that fired once, a minute ago, for every member. */
export const scheduledOnceForAll = (at = new Date(Date.now() - 60_000)): FlowNode => ({
  id: "start",
  kind: "schedule_trigger",
  config: { schedule: { mode: "once", at: at.toISOString() }, timezone: "Asia/Shanghai", entry: { mode: "all" } },
});

export const inlineCoupon = (id = "coupon"): FlowNode => ({
  id,
  kind: "issue_coupon",
  config: { template: { mode: "inline", name: "¥10 off", type: "amount", value: 10, minSpend: 0, validDays: 7 } },
});

export const exitNode = (id = "done"): FlowNode => ({ id, kind: "exit", config: {} });

/** Publishes `definition` as an active flow's current version and arms its triggers. */
export async function publishFlow(pool: Pool, definition: FlowDefinition, now = new Date()): Promise<{ flowId: string; versionId: string }> {
  const flowId = `flow_${randomUUID().slice(0, 8)}`;
  const versionId = `${flowId}_v1`;
  await withTransaction(pool, async (tx) => {
    const json = JSON.stringify(definition);
    await tx.execute(sql`INSERT INTO flows (id, name, status, draft) VALUES (${flowId}, ${"Test flow"}, 'active', ${json}::jsonb)`);
    await tx.execute(sql`INSERT INTO flow_versions (id, flow_id, version, definition) VALUES (${versionId}, ${flowId}, 1, ${json}::jsonb)`);
    await tx.execute(sql`UPDATE flows SET current_version_id = ${versionId} WHERE id = ${flowId}`);
    await armTriggers(tx, flowId, versionId, definition, now);
  });
  return { flowId, versionId };
}
