// The contract between the engine and a node kind's executor. An executor takes a batch of
// journeys standing at its node (one visit each) and decides, set-based, where each goes and which
// effects it produces, through the effect writer. It never loops over members with a query each,
// and it knows nothing of the runtime (Inngest or graphile-worker) that called the engine.
import type { FlowDefinition, FlowNodeOf } from "@/server/flows/definition";
import type { NodeKind } from "@/server/flows/kinds";
import { sql, type Sql, type Tx } from "@/server/db/sql";
import type { EffectWriter } from "./effects";

/** One journey standing at the node being executed. */
export type BatchJourney = { journeyId: number; memberId: number; visit: number; isControl: boolean };

/** The flow version being run. */
export type RunningFlow = { flowId: string; versionId: string; definition: FlowDefinition };

export type ExecContext<K extends NodeKind = NodeKind> = {
  tx: Tx;
  flow: RunningFlow;
  node: FlowNodeOf<K>;
  batch: BatchJourney[];
  now: Date;
  effects: EffectWriter;
};

/** What a wait asks for: a deadline, and for a response wait the event it listens for. */
export type WaitSpec = {
  until: Date;
  event?: { name: string; match: WaitMatch };
  /** The branch taken when the deadline passes: "out" for delays, "timeout" for responses. */
  onDeadline: string;
};

/** How a waiting journey recognises its response (stored as journeys.waiting_for). */
export type WaitMatch = {
  conditions: unknown[];
  /** The effect the response must be about: the coupon, message or banner this node issued. */
  source?: { table: "coupons" | "notifications" | "banners"; nodeId: string; property: string };
};

export type Routing =
  | { type: "branch"; branch: string } // everyone in the batch leaves by one branch
  | { type: "branches"; branchOf: Map<number, string>; controls?: Set<number> } // per journey id
  | { type: "wait"; wait: WaitSpec }
  | { type: "end"; reason: "exit_node" };

export type Executor<K extends NodeKind = NodeKind> = (ctx: ExecContext<K>) => Promise<Routing>;

/** The batch as a relation `(journey_id, member_id, visit, is_control)`, for `FROM ${batchRows(b)} b`. */
export function batchRows(batch: readonly BatchJourney[]): Sql {
  return sql`(SELECT * FROM unnest(
    ${batch.map((j) => j.journeyId)}::bigint[], ${batch.map((j) => j.memberId)}::int[],
    ${batch.map((j) => j.visit)}::int[], ${batch.map((j) => j.isControl)}::boolean[]
  ) AS u(journey_id, member_id, visit, is_control))`;
}

/** Holdout members pass action nodes with the effect recorded as suppressed, never issued. */
export async function suppressHoldout<K extends NodeKind>(ctx: ExecContext<K>, kind: string): Promise<BatchJourney[]> {
  const control = ctx.batch.filter((j) => j.isControl);
  if (control.length > 0) {
    await ctx.effects.insert(
      "suppressed_effects",
      sql`SELECT b.member_id, ${kind}, 'holdout', ${ctx.flow.flowId}, b.journey_id, ${ctx.node.id}, b.visit FROM ${batchRows(control)} b`,
      ["member_id", "kind", "reason", "flow_id", "journey_id", "node_id", "visit"],
    );
  }
  return ctx.batch.filter((j) => !j.isControl);
}
