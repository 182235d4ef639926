// Journeys move here: entered in batches, advanced node by node, and written back once.
//
// A batch of journeys is advanced in memory through every node it can pass in one transaction:
// the journeys standing at one node are one executor call (a few set-based statements), and when
// they come to rest — a wait, an exit, the end of a path — their rows are written with one
// UPDATE … FROM unnest(…), guarded on the node, visit and status they had. Per-node counts are
// added in the same transaction. One code path serves one member entering on an event and a
// million entering on a schedule (the caller picks the batch size).
import type { FlowNode } from "@/server/flows/definition";
import { executors } from "@/server/flows/kinds/executors";
import type { ExecContext, Routing } from "./executor";
import { readStoredDefinition } from "@/server/flows/upgrade";
import { sql, type Sql, type Tx } from "@/server/db/sql";
import type { BatchJourney, RunningFlow, WaitSpec } from "./executor";
import { databaseWriter, type EffectWriter } from "./effects";
import { wakeEngine } from "./runtimes/worker/jobs";

export type JourneyStatus = "active" | "waiting" | "completed" | "exited" | "failed";
export type EndReason = "end_of_path" | "exit_node" | "goal" | "visit_limit" | "migrated" | "archived";

/** A journey as the engine holds it while moving it. */
export type JourneyState = {
  journeyId: number;
  memberId: number;
  isControl: boolean;
  nodeId: string;
  visit: number;
  visits: Record<string, number>;
  /** Node ids entered during this advance, appended to journeys.path. */
  added: string[];
  /** Where the row stood when it was read: the write-back is guarded on it. */
  from: { nodeId: string; visit: number; status: "active" | "waiting" };
  status: JourneyStatus;
  wait?: WaitSpec;
  endReason?: EndReason;
};

/** Rows each counter is split over (flow_node_counts.shard): transactions on different connections rarely share one. */
const COUNTER_SHARDS = 16;

/** Members per node and outcome, flushed to flow_node_counts with the journeys. */
export class NodeCounts {
  private readonly counts = new Map<string, number>();
  add(versionId: string, nodeId: string, metric: string, n = 1) {
    const key = `${versionId}\u0000${nodeId}\u0000${metric}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + n);
  }
  /** [versionId, nodeId, metric] and the count, for callers that read counts instead of writing them. */
  *entries(): Generator<[[string, string, string], number]> {
    for (const [k, n] of this.counts) yield [k.split("\u0000") as [string, string, string], n];
  }
  async flush(tx: Tx) {
    if (this.counts.size === 0) return;
    // Sorted, so concurrent transactions lock the counter rows in one order (no deadlocks).
    const keys = [...this.counts.keys()].sort();
    const parts = keys.map((k) => k.split("\u0000") as [string, string, string]);
    await tx.execute(sql`
      INSERT INTO flow_node_counts (flow_version_id, node_id, metric, shard, members)
      SELECT c.version_id, c.node_id, c.metric, pg_backend_pid() % ${COUNTER_SHARDS}::int, c.members
      FROM unnest(${parts.map((p) => p[0])}::text[], ${parts.map((p) => p[1])}::text[], ${parts.map((p) => p[2])}::text[],
                  ${keys.map((k) => this.counts.get(k)!)}::bigint[]) AS c(version_id, node_id, metric, members)
      ON CONFLICT (flow_version_id, node_id, metric, shard) DO UPDATE SET members = flow_node_counts.members + EXCLUDED.members`);
    this.counts.clear();
  }
}

// Published versions never change: read each once per process.
const versionCache = new Map<string, RunningFlow>();
export async function loadVersion(tx: Tx, versionId: string): Promise<RunningFlow> {
  const cached = versionCache.get(versionId);
  if (cached) return cached;
  const [row] = await tx.query<{ flow_id: string; definition: unknown; definition_schema: number }>(
    sql`SELECT flow_id, definition, definition_schema FROM flow_versions WHERE id = ${versionId}`,
  );
  if (!row) throw new Error(`flow version ${versionId} does not exist`);
  const flow = { flowId: row.flow_id, versionId, definition: readStoredDefinition(row.definition, row.definition_schema) };
  versionCache.set(versionId, flow);
  return flow;
}

type Graph = { node(id: string): FlowNode | undefined; target(source: string, branch: string): string | undefined };
const graphs = new WeakMap<RunningFlow, Graph>();
function graphOf(flow: RunningFlow): Graph {
  let graph = graphs.get(flow);
  if (!graph) {
    const nodes = new Map(flow.definition.nodes.map((n) => [n.id, n]));
    const edges = new Map(flow.definition.edges.map((e) => [`${e.source}\u0000${e.branch}`, e.target]));
    graph = { node: (id) => nodes.get(id), target: (source, branch) => edges.get(`${source}\u0000${branch}`) };
    graphs.set(flow, graph);
  }
  return graph;
}

/** A loop that never reaches a wait (the validator refuses those) stops here instead of spinning. */
const MAX_NODE_RUNS = 10_000;

export type AdvanceOptions = { now: Date; effects?: EffectWriter; counts: NodeCounts };

/**
 * Moves journeys on: those in `leaving` first leave their current node by the given branch (a
 * wait that was answered or timed out); the others run their current node. Returns when every
 * journey is at rest; the caller writes them back with `saveJourneys`.
 */
export async function advanceJourneys(
  tx: Tx,
  flow: RunningFlow,
  states: JourneyState[],
  options: AdvanceOptions & { leaving?: Map<number, string> },
): Promise<void> {
  const graph = graphOf(flow);
  const effects = options.effects ?? databaseWriter(tx);
  const pending = new Map<string, JourneyState[]>();
  const queue = (s: JourneyState) => {
    const list = pending.get(s.nodeId);
    if (list) list.push(s);
    else pending.set(s.nodeId, [s]);
  };
  const end = (s: JourneyState, status: JourneyStatus, reason: EndReason) => {
    s.status = status;
    s.endReason = reason;
    s.wait = undefined;
    options.counts.add(flow.versionId, s.nodeId, `ended:${reason}`);
  };
  const move = (s: JourneyState, branch: string) => {
    options.counts.add(flow.versionId, s.nodeId, `branch:${branch}`);
    const target = graph.target(s.nodeId, branch);
    if (!target) return end(s, "completed", "end_of_path");
    const visit = (s.visits[target] ?? 0) + 1;
    s.nodeId = target;
    s.visit = visit;
    s.added.push(target);
    const limit = graph.node(target)?.visitLimit;
    if (limit !== undefined && visit > limit) return end(s, "exited", "visit_limit");
    s.visits[target] = visit;
    options.counts.add(flow.versionId, target, "entered");
    queue(s);
  };

  for (const s of states) {
    s.status = "active";
    const branch = options.leaving?.get(s.journeyId);
    if (branch !== undefined) move(s, branch);
    else queue(s);
  }

  for (let runs = 0; pending.size > 0; runs++) {
    if (runs > MAX_NODE_RUNS) throw new Error(`flow ${flow.flowId}: journeys did not come to rest (a loop without a wait?)`);
    const [nodeId, group] = pending.entries().next().value as [string, JourneyState[]];
    pending.delete(nodeId);
    const node = graph.node(nodeId);
    if (!node) {
      // A journey on a node its version does not have cannot go on: it ends where it is.
      for (const s of group) end(s, "exited", "migrated");
      continue;
    }
    const batch: BatchJourney[] = group.map((s) => ({ journeyId: s.journeyId, memberId: s.memberId, visit: s.visit, isControl: s.isControl }));
    // The registry is typed per kind; here the node's kind picks its own executor.
    const execute = executors[node.kind] as unknown as (ctx: Omit<ExecContext, "node"> & { node: FlowNode }) => Promise<Routing>;
    const routing = await execute({ tx, flow, node, batch, now: options.now, effects });
    switch (routing.type) {
      case "branch":
        for (const s of group) move(s, routing.branch);
        break;
      case "branches":
        for (const s of group) {
          if (routing.controls?.has(s.journeyId)) s.isControl = true;
          move(s, routing.branchOf.get(s.journeyId) ?? "else");
        }
        break;
      case "wait":
        for (const s of group) {
          s.status = "waiting";
          s.wait = routing.wait;
        }
        break;
      case "end":
        for (const s of group) end(s, "completed", routing.reason);
        break;
    }
  }
}

/** The engine wants waking before the next sweep: a wait ending within the minute gets a timer of its own (in this transaction). */
async function wakeForSoonWaits(tx: Tx, states: JourneyState[], now: Date) {
  const soonest = states.reduce((min, s) => (s.status === "waiting" && s.wait ? Math.min(min, s.wait.until.getTime()) : min), Infinity);
  if (soonest < now.getTime() + 60_000) await wakeEngine(tx, new Date(soonest));
}

/** The columns a journey's state is written to, as arrays for one `unnest`. */
function stateColumns(states: JourneyState[]) {
  const col = <T>(pick: (s: JourneyState) => T) => states.map(pick);
  const ended = (s: JourneyState) => s.status === "completed" || s.status === "exited" || s.status === "failed";
  return sql`
      ${col((s) => s.journeyId)}::bigint[], ${col((s) => s.status)}::text[], ${col((s) => s.nodeId)}::text[], ${col((s) => s.visit)}::int[],
      ${col((s) => JSON.stringify(s.visits))}::text[], ${col((s) => s.added.join(","))}::text[], ${col((s) => s.isControl)}::boolean[],
      ${col((s) => (s.status === "waiting" ? s.wait!.until.toISOString() : null))}::timestamptz[],
      ${col((s) => (s.status === "waiting" ? (s.wait!.event?.name ?? null) : null))}::text[],
      ${col((s) => (s.status === "waiting" ? JSON.stringify({ ...(s.wait!.event?.match ?? {}), onDeadline: s.wait!.onDeadline }) : null))}::text[],
      ${col(ended)}::boolean[], ${col((s) => s.endReason ?? null)}::text[],
      ${col((s) => s.from.nodeId)}::text[], ${col((s) => s.from.visit)}::int[], ${col((s) => s.from.status)}::text[], ${col((s) => s.memberId)}::int[]
    ) AS u(id, status, node_id, visit, visits, added, is_control, wait_until, wait_event, waiting_for, ended, end_reason, from_node, from_visit, from_status, member_id`;
}

/**
 * Writes journeys that entered in this transaction, in the state their first advance left them.
 * A member another transaction entered meanwhile makes the live index refuse the row: the whole
 * transaction is then retried as a serialization failure (withTransaction), and the retry skips them.
 */
export async function insertJourneys(tx: Tx, flow: RunningFlow, triggerNodeId: string, entryKeys: string[], states: JourneyState[], now: Date): Promise<void> {
  await wakeForSoonWaits(tx, states, now);
  const at = now.toISOString();
  try {
    await tx.execute(sql`
      INSERT INTO journeys (id, flow_id, flow_version_id, member_id, entry_key, status, current_node_id, current_visit, visits, path, is_control,
                            node_entered_at, entered_at, wait_until, wait_event, waiting_for, ended_at, end_reason)
      SELECT u.id, ${flow.flowId}, ${flow.versionId}, u.member_id, k.entry_key, u.status::"JourneyStatus", u.node_id, u.visit, u.visits::jsonb,
             ARRAY[${triggerNodeId}]::text[] || string_to_array(u.added, ','), u.is_control, ${at}::timestamptz, ${at}::timestamptz,
             u.wait_until, u.wait_event, u.waiting_for::jsonb, CASE WHEN u.ended THEN ${at}::timestamptz END, u.end_reason
      FROM unnest(${stateColumns(states)}) JOIN unnest(${states.map((s) => s.journeyId)}::bigint[], ${entryKeys}::text[]) AS k(id, entry_key) ON k.id = u.id`);
  } catch (error) {
    if ((error as { code?: string }).code !== "23505") throw error;
    throw Object.assign(new Error("a member entered this flow in another transaction meanwhile"), { code: "40001", cause: error });
  }
}

/** Writes journeys back in one statement, guarded on where each stood when it was read. */
export async function saveJourneys(tx: Tx, states: JourneyState[], now: Date): Promise<number> {
  if (states.length === 0) return 0;
  await wakeForSoonWaits(tx, states, now);
  return tx.execute(sql`
    UPDATE journeys j SET
      status = u.status::"JourneyStatus", current_node_id = u.node_id, current_visit = u.visit, visits = u.visits::jsonb,
      path = j.path || string_to_array(u.added, ','), is_control = u.is_control,
      node_entered_at = CASE WHEN u.node_id IS DISTINCT FROM j.current_node_id OR u.visit <> j.current_visit THEN ${now.toISOString()}::timestamptz ELSE j.node_entered_at END,
      wait_until = u.wait_until, wait_event = u.wait_event, waiting_for = u.waiting_for::jsonb,
      ended_at = CASE WHEN u.ended THEN ${now.toISOString()}::timestamptz END, end_reason = u.end_reason
    FROM unnest(${stateColumns(states)})
    WHERE j.id = u.id AND j.current_node_id = u.from_node AND j.current_visit = u.from_visit AND j.status = u.from_status::"JourneyStatus"`);
}

export type LockedRow = {
  id: number;
  member_id: number;
  flow_version_id: string;
  current_node_id: string;
  current_visit: number;
  visits: Record<string, number>;
  is_control: boolean;
  status: "active" | "waiting";
  waiting_for: { onDeadline?: string; conditions?: unknown[]; source?: { table: string; nodeId: string; property: string } } | null;
  wait_event: string | null;
  wait_until: Date | null;
  node_entered_at: Date;
  entered_at: Date;
};

/** Reads and locks live journeys (skipping ones another transaction holds), grouped by version. */
export async function lockJourneys(
  tx: Tx,
  where: Sql,
  limit: number,
  options: { skipLocked?: boolean } = {},
): Promise<Map<string, { states: JourneyState[]; rows: LockedRow[] }>> {
  // Sweeps skip rows another transaction holds (it is moving them); event ingestion waits for
  // them, so no event is missed. Rows are locked in id order either way (no deadlocks).
  const rows = await tx.query<LockedRow>(sql`
    SELECT j.id, j.member_id, j.flow_version_id, j.current_node_id, j.current_visit, j.visits, j.is_control, j.status::text AS status,
           j.waiting_for, j.wait_event, j.wait_until, j.node_entered_at, j.entered_at
    FROM journeys j WHERE j.status IN ('active', 'waiting') AND (${where})
    ORDER BY j.id LIMIT ${limit}::int FOR UPDATE OF j${options.skipLocked === false ? sql`` : sql` SKIP LOCKED`}`);
  const byVersion = new Map<string, { states: JourneyState[]; rows: LockedRow[] }>();
  for (const r of rows) {
    const entry = byVersion.get(r.flow_version_id) ?? { states: [], rows: [] };
    entry.rows.push(r);
    entry.states.push({
      journeyId: r.id,
      memberId: r.member_id,
      isControl: r.is_control,
      nodeId: r.current_node_id,
      visit: r.current_visit,
      visits: { ...r.visits },
      added: [],
      from: { nodeId: r.current_node_id, visit: r.current_visit, status: r.status },
      status: r.status,
    });
    byVersion.set(r.flow_version_id, entry);
  }
  return byVersion;
}

/** Ends journeys where they are (the goal, an archived flow), counted at their node. */
export async function endJourneys(tx: Tx, flow: RunningFlow, states: JourneyState[], reason: EndReason, counts: NodeCounts, now: Date) {
  for (const s of states) {
    s.status = "exited";
    s.endReason = reason;
    s.wait = undefined;
    counts.add(flow.versionId, s.nodeId, `ended:${reason}`);
  }
  await saveJourneys(tx, states, now);
}
