// Flows built in code (the demo flows, tests and benchmarks), published through the real service.
import type { PrismaClient } from "@prisma/client";
import type { FlowDraft, FlowEdge, FlowSettings } from "@/server/flows/definition";
import { defaultFlowSettings } from "@/server/flows/definition";
import { createFlow, publishFlow } from "@/server/flows/service";

export type NodeInput = { id: string; kind: string; config: unknown; visitLimit?: number; name?: string };

/** A flow from nodes and `source:branch>target` edge strings ("a>b" means branch "out"). */
export function flowDraft(nodes: NodeInput[], edges: string[], settings: Partial<FlowSettings> = {}): FlowDraft {
  const parsed: FlowEdge[] = edges.map((e, i) => {
    const [from, target] = e.split(">") as [string, string];
    const [source, branch = "out"] = from.split(":") as [string, string?];
    return { id: `e${i}`, source, branch, target };
  });
  return {
    nodes,
    edges: parsed,
    settings: { ...defaultFlowSettings(), quietHours: null, frequencyCaps: {}, ...settings },
  };
}

export async function publishDraft(db: PrismaClient, name: string, draft: FlowDraft) {
  const flow = await createFlow(db, { name, definition: draft });
  const published = await publishFlow(db, { id: flow.id });
  return { flowId: flow.id, versionId: published.versionId };
}

export const inlineCoupon = (value = 20, validDays = 7) => ({
  template: { mode: "inline", name: `¥${value} off`, type: "amount", value, minSpend: 0, validDays },
});
export const onceNow = (at = new Date(Date.now() - 60_000)) => ({
  schedule: { mode: "once", at: at.toISOString() },
  timezone: "Asia/Shanghai",
  entry: { mode: "all" },
});
export const sms = (body: string) => ({ channel: "sms", content: { mode: "inline", title: "", body } });
