import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { backEdges, branchLabelWidth, fromCanvas, nodeBox, nodeBranches, removeNodeKeepingChain, toCanvas } from "./canvas";
import { autoLayout, completeLayout } from "./layout";
import type { FlowLayout } from "./canvas";
import { defaultFlowSettings } from "./definition";
import type { FlowDefinition, FlowDraftNode, FlowEdge, FlowNode } from "./definition";
import { validateFlow } from "./validate";
import { flowTemplates } from "./templates";

const e = (source: string, target: string, branch = "out", id = `${source}-${branch}`): FlowEdge => ({ id, source, branch, target });

const nodes: FlowNode[] = [
  { id: "t", kind: "event_trigger", config: { event: "order.placed", conditions: [] } },
  { id: "c", kind: "issue_coupon", config: { template: { mode: "existing", id: "tpl_1" } }, name: "Welcome coupon" },
  { id: "w", kind: "wait_for_response", visitLimit: 3, config: { event: { type: "coupon.redeemed", sourceNodeId: "c" }, window: { amount: 3, unit: "days" } } },
  { id: "r", kind: "send_notification", visitLimit: 2, config: { channel: "push", content: { mode: "inline", title: "Reminder", body: "{{coupon.code}}" } } },
  { id: "x", kind: "exit", config: {} },
];
const def: FlowDefinition = {
  nodes,
  edges: [e("t", "c"), e("c", "w"), e("w", "x", "responded"), e("w", "r", "timeout"), e("r", "w")],
  settings: defaultFlowSettings(),
};
const layout: FlowLayout = { t: { x: 0, y: 0 }, c: { x: 0, y: 120 }, w: { x: 0, y: 240 }, r: { x: 300, y: 360 }, x: { x: -300, y: 360 } };

describe("toCanvas / fromCanvas", () => {
  it("builds React Flow nodes and edges", () => {
    const canvas = toCanvas(def, layout);
    expect(canvas.nodes[1]).toEqual({ id: "c", type: "issue_coupon", position: { x: 0, y: 120 }, data: { node: nodes[1] } });
    expect(canvas.edges[3]).toEqual({ id: "w-timeout", source: "w", sourceHandle: "timeout", target: "r", targetHandle: "in" });
  });

  it("round-trips the definition and the layout", () => {
    const canvas = toCanvas(def, layout);
    const back = fromCanvas(canvas.nodes, canvas.edges, def.settings);
    expect(back).toStrictEqual({ definition: def, layout });
    // The canvas owns its own position objects: moving a node does not move the saved layout.
    expect(canvas.nodes[0]!.position).not.toBe(layout.t);
  });

  it("reads what React Flow hands back: extra fields, null handles, the canvas id", () => {
    const back = fromCanvas(
      [
        { id: "t", type: "event_trigger", position: { x: 1, y: 2 }, data: { node: nodes[0]! }, selected: true, measured: { width: 240 } } as never,
        { id: "x2", position: { x: 3, y: 4 }, data: { node: nodes[4]! } },
      ],
      [{ id: "e1", source: "t", target: "x2", sourceHandle: null, targetHandle: "in" }],
      def.settings,
    );
    expect(back.definition.nodes.map((n) => n.id)).toEqual(["t", "x2"]);
    expect(back.definition.edges).toEqual([{ id: "e1", source: "t", branch: "out", target: "x2" }]);
    expect(back.layout).toEqual({ t: { x: 1, y: 2 }, x2: { x: 3, y: 4 } });
  });

  it("places nodes missing from the layout automatically, keeping the placed ones", () => {
    const layout = completeLayout(def, { t: { x: 5, y: 5 } });
    const auto = autoLayout(def);
    expect(layout.t).toEqual({ x: 5, y: 5 });
    expect(layout.w).toEqual(auto.w);
    const placed = { ...layout };
    expect(completeLayout(def, placed)).toBe(placed);
  });

  it("round-trips random graphs and layouts", () => {
    const arbitrary = fc
      .uniqueArray(fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/), { minLength: 1, maxLength: 12 })
      .chain((ids) =>
        fc.record({
          nodes: fc.tuple(
            ...ids.map((id) =>
              fc.record(
                {
                  id: fc.constant(id),
                  kind: fc.constantFrom("tag", "delay", "split", "exit", "event_trigger"),
                  config: fc.jsonValue(),
                  name: fc.string(),
                  visitLimit: fc.integer({ min: 1, max: 5 }),
                },
                { requiredKeys: ["id", "kind", "config"], noNullPrototype: true },
              ),
            ),
          ),
          edges: fc.uniqueArray(
            fc.record(
              { id: fc.uuid(), source: fc.constantFrom(...ids), branch: fc.constantFrom("out", "else", "responded", "g1"), target: fc.constantFrom(...ids) },
              { noNullPrototype: true },
            ),
            { selector: (x) => x.id, maxLength: 20 },
          ),
          positions: fc.tuple(...ids.map(() => fc.record({ x: fc.integer({ min: -5000, max: 5000 }), y: fc.integer({ min: -5000, max: 5000 }) }, { noNullPrototype: true }))),
        }),
      );
    fc.assert(
      fc.property(arbitrary, ({ nodes: ns, edges, positions }) => {
        const draft = { nodes: ns as FlowDraftNode[], edges, settings: defaultFlowSettings() };
        const lay: FlowLayout = Object.fromEntries(ns.map((n, i) => [n.id, positions[i]!]));
        const canvas = toCanvas(draft, lay);
        expect(fromCanvas(canvas.nodes, canvas.edges, draft.settings)).toStrictEqual({ definition: draft, layout: lay });
      }),
      { numRuns: 200 },
    );
  });
});

const emptyTree = { type: "group", op: "and", children: [] };
const split = (id: string, names: string[], elseName = "Else"): FlowDraftNode => ({
  id,
  kind: "split",
  config: { groups: names.map((name, i) => ({ id: `group-${i + 1}`, name, conditions: emptyTree })), elseName },
});

describe("nodeBox", () => {
  it("keeps plain nodes at nodeSize, shorter without a branch row", () => {
    expect(nodeBox(nodeBranches(nodes[1]!))).toEqual({ width: 240, height: 74, labelLines: 1 });
    expect(nodeBox(nodeBranches(nodes[4]!))).toEqual({ width: 240, height: 74, labelLines: 1 });
    expect(nodeBox(nodeBranches(nodes[2]!))).toEqual({ width: 240, height: 94, labelLines: 1 });
    expect(nodeBox(nodeBranches(split("s", ["A", "B"])))).toEqual({ width: 240, height: 94, labelLines: 1 });
  });

  it("widens a split, in 20px steps, until every label fits its column beside a live count", () => {
    const box = nodeBox(nodeBranches(split("s", ["Shanghai gold members", "Beijing silver"], "Everyone else")));
    expect(box.width).toBeGreaterThan(240);
    expect(box.width % 20).toBe(0);
    expect(box.labelLines).toBe(1);
    expect((box.width - 2) / 3).toBeGreaterThanOrEqual(branchLabelWidth("Shanghai gold members") + 46);
  });

  it("wraps a label too long even for the widest column to a second line", () => {
    const box = nodeBox(nodeBranches(split("s", ["Members in Beijing, Tianjin and Hebei who hold a silver card"])));
    expect(box).toEqual({ width: 360, height: 104, labelLines: 2 });
  });

  it("counts Chinese labels at a full em each", () => {
    expect(branchLabelWidth("上海金卡会员")).toBe(60);
    expect(branchLabelWidth("Gold")).toBeLessThan(branchLabelWidth("上海金卡"));
    expect(nodeBox(nodeBranches(split("s", ["上海金卡会员专属分组"], "其余会员"))).width).toBeGreaterThan(240);
  });

  it("sizes a node by the branches of its outgoing edges it no longer has, too", () => {
    const branches = nodeBranches(nodes[1]!, ["out", "a-branch-that-was-removed-long-ago"]);
    expect(branches.map((b) => [b.id, b.unknown ?? false])).toEqual([
      ["out", false],
      ["a-branch-that-was-removed-long-ago", true],
    ]);
    expect(nodeBox(branches).width).toBeGreaterThan(240);
  });
});

describe("autoLayout", () => {
  it("places every node, top to bottom along forward edges, ignoring the loop's back edge", () => {
    const auto = autoLayout(def);
    expect(Object.keys(auto).sort()).toEqual(["c", "r", "t", "w", "x"]);
    expect(backEdges(def)).toEqual(new Set(["r-out"]));
    for (const edge of def.edges) {
      if (edge.id === "r-out") continue;
      expect(auto[edge.target]!.y).toBeGreaterThan(auto[edge.source]!.y);
    }
    // The reminder loops back up to the wait, drawn below it.
    expect(auto.r!.y).toBeGreaterThan(auto.w!.y);
    expect(autoLayout(def)).toEqual(auto);
  });

  it("keeps nodes of one rank apart", () => {
    const auto = autoLayout(def);
    expect(Math.abs(auto.r!.x - auto.x!.x)).toBeGreaterThanOrEqual(240);
  });

  it("spaces a wide split from the node beside it by the box it is drawn in", () => {
    const wide = split("s", ["Shanghai gold members", "Members in Beijing who hold a silver card"], "Everyone else in the country");
    const flow = {
      nodes: [nodes[0]!, { ...nodes[0]!, id: "t2" }, wide, { id: "beside", kind: "exit", config: {} }],
      edges: [e("t", "s"), e("t2", "beside")],
    };
    const auto = autoLayout(flow);
    const box = nodeBox(nodeBranches(wide));
    expect(auto.s!.y).toBe(auto.beside!.y);
    const [left, right] = auto.s!.x < auto.beside!.x ? [{ ...auto.s!, width: box.width }, auto.beside!] : [{ ...auto.beside!, width: 240 }, auto.s!];
    expect(right.x - (left.x + left.width)).toBeGreaterThanOrEqual(48);
  });

  it("puts each node's ways out left to right in the order its branches are drawn, so they do not cross", () => {
    // The win-back template's wait used to get "timeout" on the left and "responded" on the right.
    let checked = 0;
    for (const t of flowTemplates) {
      const back = backEdges(t.definition);
      for (const node of t.definition.nodes) {
        const targets = nodeBranches(node)
          .map((b) => t.definition.edges.find((edge) => edge.source === node.id && edge.branch === b.id && !back.has(edge.id))?.target)
          .filter((id): id is string => id !== undefined);
        const distinct = targets.filter((id, i) => targets.indexOf(id) === i);
        if (distinct.length < 2) continue;
        const xs = distinct.map((id) => t.layout[id]!.x);
        expect(xs, `${t.id} ${node.id}`).toEqual([...xs].sort((a, b) => a - b));
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(5);
  });

  it("lays out every template without overlaps", () => {
    for (const t of flowTemplates) {
      const boxes = Object.values(t.layout);
      for (let i = 0; i < boxes.length; i++)
        for (let j = i + 1; j < boxes.length; j++) {
          const a = boxes[i]!;
          const b = boxes[j]!;
          expect(Math.abs(a.x - b.x) >= 240 || Math.abs(a.y - b.y) >= 72).toBe(true);
        }
    }
  });
});

describe("removeNodeKeepingChain", () => {
  const chain: FlowDefinition = {
    nodes: [
      nodes[0]!,
      { id: "a", kind: "tag", config: { action: "add", tags: ["a"] } },
      { id: "b", kind: "points", config: { action: "award", amount: 10, reason: "r" } },
      nodes[4]!,
    ],
    edges: [e("t", "a"), e("a", "b"), e("b", "x")],
    settings: defaultFlowSettings(),
  };

  it("reconnects predecessor to successor, keeping the incoming edge id and branch", () => {
    const result = removeNodeKeepingChain(chain, "a");
    expect(result.nodes.map((n) => n.id)).toEqual(["t", "b", "x"]);
    expect(result.edges).toEqual([e("t", "b"), e("b", "x")]);
    expect(validateFlow(result)).toEqual([]);
    // The input is left alone (the editor's undo relies on it).
    expect(chain.edges).toHaveLength(3);
    expect(chain.nodes).toHaveLength(4);
  });

  it("keeps a decision's branch name when reconnecting", () => {
    const withTag: FlowDefinition = {
      ...def,
      nodes: [...def.nodes, { id: "a", kind: "tag", config: { action: "add", tags: ["no_response"] } }],
      edges: [e("t", "c"), e("c", "w"), e("w", "x", "responded"), e("w", "a", "timeout"), e("a", "x")],
    };
    expect(removeNodeKeepingChain(withTag, "a").edges).toEqual([e("t", "c"), e("c", "w"), e("w", "x", "responded"), e("w", "x", "timeout")]);
  });

  it("does not turn a loop into a self-loop", () => {
    // w.timeout → r → w: reconnecting would give w.timeout → w.
    expect(removeNodeKeepingChain(def, "r").edges).toEqual([e("t", "c"), e("c", "w"), e("w", "x", "responded")]);
  });

  it("does not guess when the node has several ways out", () => {
    const result = removeNodeKeepingChain(def, "w");
    expect(result.nodes.map((n) => n.id)).toEqual(["t", "c", "r", "x"]);
    expect(result.edges).toEqual([e("t", "c")]);
  });

  it("does not guess when the node has several ways in", () => {
    const twoIn: FlowDefinition = { ...chain, edges: [e("t", "a"), e("a", "b"), e("b", "x"), e("x", "b", "out", "stray")] };
    expect(removeNodeKeepingChain(twoIn, "b").edges).toEqual([e("t", "a")]);
  });

  it("removes a node at the end of the chain with its edge", () => {
    const result = removeNodeKeepingChain(chain, "x");
    expect(result.edges).toEqual([e("t", "a"), e("a", "b")]);
  });

  it("returns the flow unchanged for an unknown id", () => {
    expect(removeNodeKeepingChain(chain, "nope")).toEqual(chain);
  });
});
