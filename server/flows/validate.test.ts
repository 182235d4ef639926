import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { validateFlow, hasErrors, cyclicComponents } from "./validate";
import type { FlowIssue } from "./validate";
import { defaultFlowSettings } from "./definition";
import type { FlowDraft, FlowDraftNode, FlowEdge } from "./definition";
import { nodeKindSpec } from "./kinds";

const node = (id: string, kind: string, config: unknown, extra: Partial<FlowDraftNode> = {}): FlowDraftNode => ({ id, kind, config, ...extra });
const edge = (source: string, target: string, branch = "out", id = `${source}-${branch}`): FlowEdge => ({ id, source, branch, target });

const trigger = node("t", "event_trigger", { event: "order.placed", conditions: [] });
const coupon = node("c", "issue_coupon", { template: { mode: "existing", id: "tpl_1" } });
const sms = node("n", "send_notification", { channel: "sms", content: { mode: "inline", title: "", body: "券码 {{coupon.code}}" } });
const tagNode = (id: string, extra: Partial<FlowDraftNode> = {}) => node(id, "tag", { action: "add", tags: ["x"] }, extra);
const exitNode = node("x", "exit", {});
const waitRedeem = (extra: Partial<FlowDraftNode> = { visitLimit: 3 }) =>
  node("w", "wait_for_response", { event: { type: "coupon.redeemed", sourceNodeId: "c" }, window: { amount: 3, unit: "days" } }, extra);
const reminder = (extra: Partial<FlowDraftNode> = { visitLimit: 2 }) =>
  node("r", "send_notification", { channel: "push", content: { mode: "inline", title: "Reminder", body: "{{coupon.code}}" } }, extra);

const flow = (nodes: FlowDraftNode[], edges: FlowEdge[]): FlowDraft => ({ nodes, edges, settings: defaultFlowSettings() });

/** A good flow with a reminder loop: t → c → n → w; w.responded → x; w.timeout → r → w. */
const goodFlow = (): FlowDraft =>
  flow(
    [trigger, coupon, sms, waitRedeem(), reminder(), exitNode],
    [edge("t", "c"), edge("c", "n"), edge("n", "w"), edge("w", "x", "responded"), edge("w", "r", "timeout"), edge("r", "w")],
  );

const brief = (issues: FlowIssue[]) => issues.map((i) => [i.code, i.nodeId ?? null]);

describe("validateFlow", () => {
  it("finds nothing wrong with a good flow, a loop through a wait included", () => {
    expect(validateFlow(goodFlow())).toEqual([]);
    expect(validateFlow(goodFlow(), { existingIds: { couponTemplates: new Set(["tpl_1"]), audiences: new Set() } })).toEqual([]);
  });

  it("warns when a message quotes a coupon some members were never issued", () => {
    // t → n quotes {{coupon.code}} with no coupon before it.
    const direct = validateFlow(flow([trigger, sms, exitNode], [edge("t", "n"), edge("n", "x")]));
    expect(brief(direct)).toEqual([["missing_upstream", "n"]]);
    expect(direct[0]!.severity).toBe("warning");
    expect(direct[0]!.message.en).toContain('"Issue coupon"');
    // One branch of a split gets a coupon, the other goes straight to the message.
    const split = node("s", "random_split", { buckets: [{ id: "a", name: "A", percent: 50 }, { id: "b", name: "B", percent: 50 }], holdout: null });
    const partly = validateFlow(
      flow([trigger, split, coupon, sms, exitNode], [edge("t", "s"), edge("s", "c", "a"), edge("s", "n", "b"), edge("c", "n"), edge("n", "x")]),
    );
    expect(brief(partly)).toEqual([["missing_upstream", "n"]]);
    // Every path through the coupon: nothing to say (see the good flow above); nor for plain text.
    const plain = node("n", "send_notification", { channel: "sms", content: { mode: "inline", title: "", body: "Hi {{member.name}}" } });
    expect(validateFlow(flow([trigger, plain, exitNode], [edge("t", "n"), edge("n", "x")]))).toEqual([]);
  });

  it("reports config errors with the field path, in both languages", () => {
    const def = goodFlow();
    def.nodes[1] = node("c", "issue_coupon", { template: { mode: "existing", id: "" } });
    const issues = validateFlow(def);
    expect(brief(issues)).toEqual([["invalid_config", "c"]]);
    expect(issues[0]).toMatchObject({ severity: "error", path: ["config", "template", "id"] });
    expect(issues[0]!.message.en).toBe("Choose a coupon template");
    expect(issues[0]!.message["zh-CN"]).toBe("请选择优惠券模板");
  });

  it("reports an unknown kind", () => {
    const def = flow([trigger, node("k", "teleport", {})], [edge("t", "k")]);
    expect(brief(validateFlow(def))).toEqual([["unknown_kind", "k"]]);
  });

  it("reports bad node fields", () => {
    const def = goodFlow();
    def.nodes[4] = reminder({ visitLimit: 0 });
    const issues = validateFlow(def);
    expect(brief(issues)).toEqual([["invalid_node", "r"]]);
    expect(issues[0]!.path).toEqual(["visitLimit"]);
  });

  it("reports bad settings with their path", () => {
    const def = goodFlow();
    def.settings = { ...def.settings, timezone: "Nowhere/Land" };
    const issues = validateFlow(def);
    expect(brief(issues)).toEqual([["invalid_settings", null]]);
    expect(issues[0]!.path).toEqual(["settings", "timezone"]);
  });

  it("requires a trigger", () => {
    expect(brief(validateFlow(flow([exitNode], [])))).toEqual([
      ["no_trigger", null],
      ["unreachable_node", "x"],
    ]);
  });

  it("refuses edges into a trigger", () => {
    const def = flow([trigger, tagNode("a")], [edge("t", "a"), edge("a", "t")]);
    const issues = validateFlow(def);
    expect(brief(issues)).toEqual([["trigger_has_incoming", "t"]]);
    expect(issues[0]!.edgeId).toBe("a-out");
  });

  it("refuses duplicate node ids", () => {
    const def = flow([trigger, tagNode("a"), tagNode("a"), exitNode], [edge("t", "a"), edge("a", "x")]);
    expect(brief(validateFlow(def))).toEqual([["duplicate_node_id", "a"]]);
  });

  it("refuses duplicate edge ids", () => {
    const split = node("s", "random_split", { buckets: [{ id: "a", name: "A", percent: 50 }, { id: "b", name: "B", percent: 50 }], holdout: null });
    const def = flow([trigger, split, exitNode], [edge("t", "s"), edge("s", "x", "a", "same"), edge("s", "x", "b", "same")]);
    const issues = validateFlow(def);
    expect(brief(issues)).toEqual([["duplicate_edge_id", "s"]]);
    expect(issues[0]!.edgeId).toBe("same");
  });

  it("refuses edges to or from missing nodes", () => {
    const toGhost = goodFlow();
    toGhost.edges[4] = edge("w", "ghost", "timeout");
    expect(brief(validateFlow(toGhost))).toEqual([
      ["edge_unknown_target", "w"],
      ["missing_branch", "w"],
      ["unreachable_node", "r"],
    ]);
    const fromGhost = flow([trigger, exitNode], [edge("t", "x"), edge("ghost", "x")]);
    const issues = validateFlow(fromGhost);
    expect(brief(issues)).toEqual([["edge_unknown_source", "x"]]);
    expect(issues[0]!.edgeId).toBe("ghost-out");
  });

  it("refuses edges from a branch the node does not have", () => {
    const def = flow([trigger, tagNode("a"), exitNode], [edge("t", "a"), edge("a", "x"), edge("a", "x", "maybe")]);
    const issues = validateFlow(def);
    expect(brief(issues)).toEqual([["edge_unknown_branch", "a"]]);
    expect(issues[0]!.edgeId).toBe("a-maybe");
  });

  it("requires every branch of a decision to be connected", () => {
    const def = goodFlow();
    def.edges = def.edges.filter((e) => e.branch !== "responded");
    const issues = validateFlow(def);
    expect(brief(issues)).toEqual([["missing_branch", "w"], ["unreachable_node", "x"]]);
    expect(issues[0]).toMatchObject({ severity: "error", path: ["branches", "responded"] });
  });

  it("requires a trigger to lead somewhere", () => {
    expect(brief(validateFlow(flow([trigger], [])))).toEqual([["missing_branch", "t"]]);
  });

  it("lets an action end the flow, with a warning", () => {
    const issues = validateFlow(flow([trigger, tagNode("a")], [edge("t", "a")]));
    expect(brief(issues)).toEqual([["implicit_exit", "a"]]);
    expect(issues[0]!.severity).toBe("warning");
    expect(hasErrors(issues)).toBe(false);
  });

  it("refuses a branch with two edges", () => {
    const def = flow([trigger, tagNode("a"), tagNode("b"), exitNode], [edge("t", "a"), edge("t", "b", "out", "t-out-2"), edge("a", "x"), edge("b", "x")]);
    const issues = validateFlow(def);
    expect(brief(issues)).toEqual([["branch_multiple_edges", "t"]]);
    expect(issues[0]!.edgeId).toBe("t-out-2");
  });

  it("reports nodes no trigger reaches", () => {
    const def = goodFlow();
    def.nodes.push(tagNode("orphan"));
    def.edges.push(edge("orphan", "x"));
    expect(brief(validateFlow(def))).toEqual([["unreachable_node", "orphan"]]);
  });

  it("refuses a cycle without a wait", () => {
    const def = flow(
      [trigger, tagNode("a", { visitLimit: 2 }), tagNode("b", { visitLimit: 2 })],
      [edge("t", "a"), edge("a", "b"), edge("b", "a")],
    );
    const issues = validateFlow(def);
    expect(brief(issues)).toEqual([["cycle_without_wait", "a"]]);
    // Nodes are named as the marketer sees them: their name, else their kind and id.
    expect(issues[0]!.message.en).toContain("Add / remove tags · a → Add / remove tags · b");
    const named = validateFlow({ ...def, nodes: def.nodes.map((n) => (n.id === "a" ? { ...n, name: "Tag VIP" } : n)) });
    expect(named[0]!.message.en).toContain("(Tag VIP → Add / remove tags · b)");
    expect(named[0]!.message["zh-CN"]).toContain("Tag VIP → ");
  });

  it("refuses a self-loop without a wait", () => {
    const split = node("s", "random_split", { buckets: [{ id: "again", name: "Again", percent: 50 }, { id: "on", name: "On", percent: 50 }], holdout: null }, { visitLimit: 3 });
    const def = flow([trigger, split, exitNode], [edge("t", "s"), edge("s", "s", "again"), edge("s", "x", "on")]);
    expect(brief(validateFlow(def))).toEqual([["cycle_without_wait", "s"]]);
  });

  it("checks every cycle, not just every loop region: a wait elsewhere in the region does not excuse a waitless cycle", () => {
    // a → b → a has no wait, although a → w → a does.
    const wait = node("w", "delay", { amount: 1, unit: "days" }, { visitLimit: 3 });
    const split = node("a", "random_split", { buckets: [{ id: "p", name: "P", percent: 50 }, { id: "q", name: "Q", percent: 50 }], holdout: null }, { visitLimit: 3 });
    const def = flow([trigger, split, tagNode("b", { visitLimit: 3 }), wait], [edge("t", "a"), edge("a", "b", "p"), edge("b", "a"), edge("a", "w", "q"), edge("w", "a")]);
    expect(brief(validateFlow(def))).toEqual([["cycle_without_wait", "a"]]);
  });

  it("requires a visit limit on every node of a loop", () => {
    const def = goodFlow();
    def.nodes[4] = reminder({});
    const issues = validateFlow(def);
    expect(brief(issues)).toEqual([["loop_without_visit_limit", "r"]]);
    expect(issues[0]!.path).toEqual(["visitLimit"]);
  });

  it("requires random split percentages to add up to 100", () => {
    const split = node("s", "random_split", { buckets: [{ id: "a", name: "A", percent: 50 }, { id: "b", name: "B", percent: 40 }], holdout: null });
    const issues = validateFlow(flow([trigger, split, exitNode], [edge("t", "s"), edge("s", "x", "a"), edge("s", "x", "b")]));
    expect(brief(issues)).toEqual([["random_split_total", "s"]]);
    expect(issues[0]!.path).toEqual(["config", "buckets"]);
    expect(issues[0]!.message.en).toContain("90%");
  });

  it("requires a connected control branch when there is a holdout", () => {
    const split = node("s", "random_split", { buckets: [{ id: "a", name: "A", percent: 90 }], holdout: { percent: 10 } });
    const issues = validateFlow(flow([trigger, split, exitNode], [edge("t", "s"), edge("s", "x", "a")]));
    expect(brief(issues)).toEqual([["missing_branch", "s"]]);
    // The branch is named by its label on the canvas, not its id.
    const control = nodeKindSpec("random_split").branches(split.config as never).find((b) => b.id === "control")!;
    expect(issues[0]!.message.en).toContain(`"${control.label.en}"`);
    expect(issues[0]!.message.en).not.toContain('"control"');
  });

  it("reports references to missing templates and audiences only when told what exists", () => {
    const withAudience = flow([node("t", "audience_trigger", { audienceId: "aud_gone" }), coupon, exitNode], [edge("t", "c"), edge("c", "x")]);
    expect(validateFlow(withAudience)).toEqual([]);
    const issues = validateFlow(withAudience, { existingIds: { couponTemplates: new Set(), audiences: new Set(["aud_1"]) } });
    expect(brief(issues)).toEqual([["missing_reference", "t"], ["missing_reference", "c"]]);
    expect(issues[1]!.message.en).toBe('Coupon template "tpl_1" does not exist');
  });

  it("refuses edges out of an exit", () => {
    const def = goodFlow();
    def.edges.push(edge("x", "c"));
    const issues = validateFlow(def);
    expect(brief(issues)).toEqual([["exit_has_outgoing", "x"]]);
    expect(issues[0]!.edgeId).toBe("x-out");
  });

  it("refuses a response wait on a node that is missing or of the wrong kind", () => {
    const wrongKind = goodFlow();
    wrongKind.nodes[3] = node("w", "wait_for_response", { event: { type: "coupon.redeemed", sourceNodeId: "n" }, window: { amount: 3, unit: "days" } }, { visitLimit: 3 });
    expect(brief(validateFlow(wrongKind))).toEqual([["response_source_invalid", "w"]]);
    const missing = goodFlow();
    missing.nodes[3] = node("w", "wait_for_response", { event: { type: "coupon.redeemed", sourceNodeId: "gone" }, window: { amount: 3, unit: "days" } }, { visitLimit: 3 });
    const issues = validateFlow(missing);
    expect(brief(issues)).toEqual([["response_source_invalid", "w"]]);
    expect(issues[0]!.path).toEqual(["config", "event", "sourceNodeId"]);
  });

  it("names a node in every issue about a node or an edge", () => {
    const messy = flow(
      [trigger, tagNode("a"), tagNode("a"), node("k", "teleport", {}), tagNode("b"), exitNode],
      [edge("t", "a"), edge("a", "b"), edge("b", "a"), edge("x", "t"), edge("a", "ghost", "maybe"), edge("k", "x")],
    );
    const issues = validateFlow(messy);
    expect(issues.length).toBeGreaterThan(5);
    for (const issue of issues) if (issue.code !== "no_trigger" && issue.code !== "invalid_settings") expect(issue.nodeId).toBeTypeOf("string");
  });
});

// Random graphs over a few real kinds: the validator never throws, is deterministic, and its
// loop rule agrees with a brute-force search for a waitless cycle.
const kinds = ["tag", "delay", "random_split", "exit"] as const;
const configs: Record<(typeof kinds)[number], unknown> = {
  tag: { action: "add", tags: ["x"] },
  delay: { amount: 1, unit: "days" },
  random_split: { buckets: [{ id: "a", name: "A", percent: 50 }, { id: "b", name: "B", percent: 50 }], holdout: null },
  exit: {},
};
const arbitraryFlow = fc
  .record({
    kinds: fc.array(fc.constantFrom(...kinds), { minLength: 1, maxLength: 8 }),
    edges: fc.array(fc.record({ s: fc.nat(8), t: fc.nat(8), branch: fc.constantFrom("out", "a", "b") }), { maxLength: 16 }),
    limits: fc.boolean(),
  })
  .map(({ kinds: ks, edges, limits }): FlowDraft => {
    const nodes = [trigger, ...ks.map((k, i) => node(`n${i}`, k, configs[k], limits ? { visitLimit: 3 } : {}))];
    const ids = nodes.map((n) => n.id);
    return flow(
      nodes,
      [edge("t", "n0"), ...edges.map((e, i) => edge(ids[e.s % ids.length]!, ids[e.t % ids.length]!, e.branch, `e${i}`))],
    );
  });

function hasWaitlessCycle(def: FlowDraft, branchesOk: (e: FlowEdge) => boolean): boolean {
  const isWait = (id: string) => def.nodes.find((n) => n.id === id)?.kind === "delay";
  const succ = new Map<string, string[]>();
  for (const e of def.edges) {
    if (!branchesOk(e) || isWait(e.source) || isWait(e.target) || e.target === "t") continue;
    succ.set(e.source, [...(succ.get(e.source) ?? []), e.target]);
  }
  // A cycle exists iff some node can reach itself.
  for (const start of succ.keys()) {
    const seen = new Set<string>();
    const stack = [...(succ.get(start) ?? [])];
    while (stack.length) {
      const id = stack.pop()!;
      if (id === start) return true;
      if (seen.has(id)) continue;
      seen.add(id);
      stack.push(...(succ.get(id) ?? []));
    }
  }
  return false;
}

describe("validateFlow on random graphs", () => {
  it("never throws, is deterministic, and finds exactly the waitless cycles", () => {
    fc.assert(
      fc.property(arbitraryFlow, (def) => {
        const issues = validateFlow(def);
        expect(validateFlow(structuredClone(def))).toEqual(issues);
        const kindOf = (id: string) => def.nodes.find((n) => n.id === id)?.kind;
        const valid = (e: FlowEdge) => {
          const k = kindOf(e.source);
          if (k === "exit" || k === undefined) return false;
          return k === "random_split" ? e.branch === "a" || e.branch === "b" : e.branch === "out";
        };
        expect(issues.some((i) => i.code === "cycle_without_wait")).toBe(hasWaitlessCycle(def, valid));
      }),
      { numRuns: 300 },
    );
  });
});

describe("cyclicComponents", () => {
  it("lists loop regions in definition order and ignores acyclic parts", () => {
    const succ = new Map([
      ["a", ["b"]],
      ["b", ["c", "a"]],
      ["c", ["c"]],
      ["d", ["a"]],
    ]);
    expect(cyclicComponents(["d", "c", "b", "a"], succ)).toEqual([["c"], ["b", "a"]]);
  });
});
