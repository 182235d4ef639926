import { describe, it, expect } from "vitest";
import { defaultFlowSettings, emptyFlowDefinition, flowDefinitionSchema, flowDraftSchema, flowSettingsSchema } from "./definition";
import { validateFlow } from "./validate";
import { flowTemplates } from "./templates";

describe("flow definition schema", () => {
  it("accepts the templates and refuses an unknown kind or a bad config", () => {
    const def = structuredClone(flowTemplates[0]!.definition);
    expect(flowDefinitionSchema.safeParse(def).success).toBe(true);
    const unknownKind = { ...def, nodes: [...def.nodes, { id: "z", kind: "teleport", config: {} }] };
    expect(flowDefinitionSchema.safeParse(unknownKind).success).toBe(false);
    const badConfig = { ...def, nodes: [...def.nodes, { id: "z", kind: "delay", config: { amount: -1, unit: "days" } }] };
    const result = flowDefinitionSchema.safeParse(badConfig);
    expect(result.success).toBe(false);
    if (!result.success) expect(result.error.issues[0]!.path).toEqual(["nodes", def.nodes.length, "config", "amount"]);
  });

  it("saves half-finished drafts that the full schema refuses", () => {
    const draft = { ...emptyFlowDefinition(), nodes: [{ id: "a", kind: "tag", config: { action: "add", tags: [] } }] };
    expect(flowDraftSchema.safeParse(draft).success).toBe(true);
    expect(flowDefinitionSchema.safeParse(draft).success).toBe(false);
  });

  it("refuses a node id that cannot be a handle or a URL part", () => {
    const def = { ...emptyFlowDefinition(), nodes: [{ id: "a b", kind: "exit", config: {} }] };
    expect(flowDefinitionSchema.safeParse(def).success).toBe(false);
  });

  it("starts empty, with settings that parse, asking only for a trigger", () => {
    const empty = emptyFlowDefinition();
    expect(flowSettingsSchema.safeParse(empty.settings).success).toBe(true);
    expect(validateFlow(empty).map((i) => i.code)).toEqual(["no_trigger"]);
    expect(emptyFlowDefinition()).not.toBe(empty);
  });

  it("validates settings", () => {
    const ok = defaultFlowSettings();
    const bad = [
      { ...ok, timezone: "China" },
      { ...ok, reEntry: { mode: "cooldown", days: 0 } },
      { ...ok, reEntry: { mode: "sometimes" } },
      { ...ok, frequencyCaps: { sms: { max: 0, days: 7 } } },
      { ...ok, quietHours: { start: "22:00", end: "22:00" } },
      { ...ok, quietHours: { start: "10pm", end: "08:00" } },
      { ...ok, sendRateLimits: { push: 0 } },
      { ...ok, goal: { event: "Order Placed", conditions: [], windowDays: 7 } },
      { ...ok, conversionWindowDays: 0 },
    ];
    for (const settings of bad) expect(flowSettingsSchema.safeParse(settings).success, JSON.stringify(settings)).toBe(false);
    expect(
      flowSettingsSchema.safeParse({
        ...ok,
        reEntry: { mode: "cooldown", days: 30 },
        sendRateLimits: { sms: 600 },
        goal: { event: "order.placed", conditions: [{ path: "amount", operator: "gte", value: 100 }], windowDays: 14 },
      }).success,
    ).toBe(true);
  });
});
