// What publishing, pausing and archiving a flow mean for its journeys and triggers. Called inside
// the flows service's own transaction, so a status change and its effect on the engine commit together.
import type { FlowDefinition } from "@/server/flows/definition";
import { sql, type Tx } from "@/server/db/sql";
import { armTriggers } from "./triggers";
import { runtime } from "@/server/env";
import { FLOW_PAUSED, type FlowPausedData } from "./inngest/functions/events";

export { armTriggers };

/** Archiving ends the flow's journeys where they are and stops its triggers and runs. */
export async function archiveFlowEngine(tx: Tx, flowId: string, now: Date): Promise<void> {
  await tx.execute(sql`UPDATE flow_triggers SET armed = FALSE WHERE flow_id = ${flowId}`);
  await tx.execute(sql`UPDATE trigger_occurrences SET status = 'cancelled', finished_at = ${now.toISOString()}::timestamptz
                       WHERE flow_id = ${flowId} AND status IN ('pending', 'running')`);
  await tx.execute(sql`
    UPDATE journeys SET status = 'exited', end_reason = 'archived', ended_at = ${now.toISOString()}::timestamptz,
      wait_until = NULL, wait_event = NULL, waiting_for = NULL
    WHERE flow_id = ${flowId} AND status IN ('active', 'waiting')`);
}

/**
 * Moves the flow's members in flight onto a new version. Nodes keep their ids across versions, so
 * a member stays at the node of the same id; members at a node the new version removed go where
 * the marketer said (`removedNodeTargets`), or leave the flow ("migrated"). Waiting members keep
 * their deadlines; if the node they are moved to is not a wait, they move on at the next sweep.
 */
export async function migrateJourneys(
  tx: Tx,
  flowId: string,
  toVersionId: string,
  definition: FlowDefinition,
  removedNodeTargets: Record<string, string>,
  now: Date,
): Promise<{ moved: number; exited: number }> {
  const ids = new Set(definition.nodes.map((n) => n.id));
  const waits = new Set(definition.nodes.filter((n) => ["delay", "wait_until", "wait_for_response"].includes(n.kind)).map((n) => n.id));
  const from = Object.keys(removedNodeTargets).filter((k) => ids.has(removedNodeTargets[k]!));
  const to = from.map((k) => removedNodeTargets[k]!);
  const moved = await tx.execute(sql`
    WITH target AS (
      SELECT j.id, coalesce(CASE WHEN j.current_node_id = ANY(${[...ids]}::text[]) THEN j.current_node_id END, m.to_node) AS node_id
      FROM journeys j LEFT JOIN unnest(${from}::text[], ${to}::text[]) AS m(from_node, to_node) ON m.from_node = j.current_node_id
      WHERE j.flow_id = ${flowId} AND j.status IN ('active', 'waiting') AND j.flow_version_id <> ${toVersionId}
    )
    UPDATE journeys j SET flow_version_id = ${toVersionId}, current_node_id = t.node_id,
      -- a member moved onto a node that is not a wait is due at once and moves on by its "out" branch
      wait_until = CASE WHEN t.node_id = ANY(${[...waits]}::text[]) AND t.node_id = j.current_node_id THEN j.wait_until ELSE ${now.toISOString()}::timestamptz END,
      status = 'waiting', waiting_for = CASE WHEN t.node_id = j.current_node_id THEN j.waiting_for ELSE '{"onDeadline":"out"}'::jsonb END,
      wait_event = CASE WHEN t.node_id = j.current_node_id THEN j.wait_event END
    FROM target t WHERE j.id = t.id AND t.node_id IS NOT NULL`);
  const exited = await tx.execute(sql`
    UPDATE journeys SET status = 'exited', end_reason = 'migrated', ended_at = ${now.toISOString()}::timestamptz
    WHERE flow_id = ${flowId} AND status IN ('active', 'waiting') AND flow_version_id <> ${toVersionId}`);
  return { moved, exited };
}

/**
 * After a pause or an archive commits: in the Inngest runtime, cancels the flow's occurrence runs
 * at once (`memberflow/flow.paused`). Best effort — a run that misses it stops at its next chunk,
 * which reads the flow's status. graphile-worker's chunk jobs read it the same way.
 */
export async function announceFlowStopped(flowId: string): Promise<void> {
  if (runtime() !== "inngest") return;
  const { inngest } = await import("./inngest/client");
  await inngest.send({ name: FLOW_PAUSED, data: { flowId } satisfies FlowPausedData }).catch((error: unknown) => {
    console.warn(`[memberflow] could not announce that flow ${flowId} stopped: ${error instanceof Error ? error.message : String(error)}`);
  });
}
