// The builder's test run and forecast over a flow's current draft (or a published version).
import type { PrismaClient } from "@prisma/client";
import { flowDefinitionSchema, type FlowDefinition } from "@/server/flows/definition";
import { validateFlow, hasErrors } from "@/server/flows/validate";
import { referenceContext } from "@/server/flows/service";
import { flowDraftSchema, type FlowDraft } from "@/server/flows/definition";
import { DomainError } from "@/server/errors";
import type { Pool } from "@/server/db/sql";
import { forecast, testRun } from "./test-run";

async function runnableDraft(db: PrismaClient, flowId: string): Promise<FlowDefinition> {
  const flow = await db.flow.findUnique({ where: { id: flowId }, select: { draft: true } });
  if (!flow) throw new DomainError("not_found", `Flow ${flowId} does not exist`);
  return runnable(db, flowDraftSchema.parse(flow.draft));
}

async function runnable(db: PrismaClient, draft: FlowDraft): Promise<FlowDefinition> {
  const issues = validateFlow(draft, await referenceContext(db, draft));
  if (hasErrors(issues)) throw new DomainError("invalid", "Fix the flow's errors before a test run or a forecast", { issues });
  return flowDefinitionSchema.parse(draft) as FlowDefinition;
}

function triggerOf(definition: FlowDefinition, nodeId?: string): string {
  const trigger = definition.nodes.find((n) => (nodeId ? n.id === nodeId : n.kind.endsWith("_trigger")));
  if (!trigger) throw new DomainError("invalid", "The flow has no trigger to start from");
  return trigger.id;
}

export async function testRunDraft(
  db: PrismaClient,
  pool: Pool,
  input: { flowId: string; memberId: number; triggerNodeId?: string; responses?: Record<string, "responded" | "timeout"> },
) {
  const definition = await runnableDraft(db, input.flowId);
  const member = await db.member.findUnique({ where: { id: input.memberId }, select: { id: true } });
  if (!member) throw new DomainError("not_found", `Member ${input.memberId} does not exist`);
  return testRun(pool, { flowId: input.flowId, definition, memberId: input.memberId, triggerNodeId: triggerOf(definition, input.triggerNodeId), responses: input.responses });
}

export async function forecastDraft(db: PrismaClient, pool: Pool, input: { flowId: string; triggerNodeId?: string }) {
  return forecastOf(pool, input.flowId, await runnableDraft(db, input.flowId), input.triggerNodeId);
}

/** The forecast of a given draft (a snapshot waiting for approval), as the builder's forecast computes it. */
export async function forecastSnapshot(db: PrismaClient, pool: Pool, input: { flowId: string; draft: FlowDraft; triggerNodeId?: string }) {
  return forecastOf(pool, input.flowId, await runnable(db, input.draft), input.triggerNodeId);
}

async function forecastOf(pool: Pool, flowId: string, definition: FlowDefinition, triggerNodeId?: string) {
  const trigger = triggerOf(definition, triggerNodeId);
  const kind = definition.nodes.find((n) => n.id === trigger)!.kind;
  if (kind === "event_trigger" || kind === "manual_trigger") {
    throw new DomainError("invalid", "A forecast needs an entry audience: a schedule, date or audience trigger");
  }
  return forecast(pool, { flowId, definition, triggerNodeId: trigger });
}
