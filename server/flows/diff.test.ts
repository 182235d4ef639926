import { describe, it, expect } from "vitest";
import { diffFlows, deepEqual } from "./diff";
import { flowTemplates } from "./templates";
import type { FlowDefinition } from "./definition";

const base = (): FlowDefinition => structuredClone(flowTemplates.find((t) => t.id === "win-back-churned")!.definition);

describe("diffFlows", () => {
  it("finds nothing between equal flows", () => {
    expect(diffFlows(base(), base())).toEqual({ added: [], removed: [], changed: [], edgesAdded: [], edgesRemoved: [], settingsChanged: [] });
  });

  it("reports added and removed nodes and edges by stable id", () => {
    const a = base();
    const b = base();
    b.nodes = b.nodes.filter((n) => n.id !== "tag_won_back");
    b.nodes.push({ id: "thanks", kind: "points", config: { action: "award", amount: 50, reason: "Welcome back" } });
    b.edges = b.edges.filter((e) => e.source !== "tag_won_back");
    b.edges = b.edges.map((e) => (e.target === "tag_won_back" ? { ...e, target: "thanks" } : e));
    b.edges.push({ id: "e-thanks-out", source: "thanks", branch: "out", target: "done" });
    const d = diffFlows(a, b);
    expect(d.added).toEqual(["thanks"]);
    expect(d.removed).toEqual(["tag_won_back"]);
    expect(d.changed).toEqual([]);
    // Re-pointing a branch keeps its edge id but is a different connection.
    expect(d.edgesRemoved).toEqual([
      { id: "e-wait_redeem-responded", source: "wait_redeem", branch: "responded", target: "tag_won_back" },
      { id: "e-tag_won_back-out", source: "tag_won_back", branch: "out", target: "done" },
    ]);
    expect(d.edgesAdded).toEqual([
      { id: "e-wait_redeem-responded", source: "wait_redeem", branch: "responded", target: "thanks" },
      { id: "e-thanks-out", source: "thanks", branch: "out", target: "done" },
    ]);
  });

  it("reports changed node fields down to the config key", () => {
    const b = base();
    const wait = b.nodes.find((n) => n.id === "wait_redeem")!;
    if (wait.kind !== "wait_for_response") throw new Error("fixture");
    wait.config = { ...wait.config, window: { amount: 5, unit: "days" } };
    wait.visitLimit = 4;
    const coupon = b.nodes.find((n) => n.id === "winback_coupon")!;
    coupon.name = "Bigger coupon";
    const d = diffFlows(base(), b);
    expect(d.changed).toEqual([
      { nodeId: "winback_coupon", fields: ["name"] },
      { nodeId: "wait_redeem", fields: ["visitLimit", "config.window"] },
    ]);
  });

  it("reports a kind change", () => {
    const b = base();
    const i = b.nodes.findIndex((n) => n.id === "tag_won_back");
    b.nodes[i] = { id: "tag_won_back", kind: "points", config: { action: "award", amount: 1, reason: "x" } };
    expect(diffFlows(base(), b).changed).toEqual([{ nodeId: "tag_won_back", fields: ["kind", "config.action", "config.amount", "config.reason", "config.tags"] }]);
  });

  it("reports changed settings by path", () => {
    const b = base();
    b.settings = {
      ...b.settings,
      reEntry: { mode: "cooldown", days: 60 },
      frequencyCaps: { ...b.settings.frequencyCaps, sms: { max: 1, days: 7 }, email: { max: 2, days: 30 } },
      quietHours: null,
    };
    expect(diffFlows(base(), b).settingsChanged).toEqual(["frequencyCaps.email", "frequencyCaps.sms", "quietHours", "reEntry.days"]);
  });

  it("ignores key order", () => {
    const b = base();
    b.nodes = b.nodes.map((n) => Object.fromEntries(Object.entries(n).reverse()) as typeof n);
    expect(diffFlows(base(), b).changed).toEqual([]);
    expect(deepEqual({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toBe(true);
    expect(deepEqual({ a: [1, 2] }, { a: [2, 1] })).toBe(false);
    expect(deepEqual({ a: null }, { a: undefined })).toBe(false);
  });
});
