// Automatic layout with dagre. Kept out of canvas.ts so the editor loads dagre only when a
// marketer asks for a layout; the server completes stored layouts before the editor opens them.
import dagre from "@dagrejs/dagre";
import { backEdges, nodeBox, nodeBranches, nodeSize, type FlowLayout } from "./canvas";
import type { FlowDraftNode, FlowEdge } from "./definition";

type Graph = { nodes: FlowDraftNode[]; edges: FlowEdge[] };

/**
 * Top-to-bottom layout with dagre, spacing each node by the box the canvas draws it in (a split
 * with many or long branch labels is wider). Nodes of one rank share their top edge; positions are
 * top-left corners, rounded to whole pixels.
 */
export function autoLayout(def: Graph): FlowLayout {
  // dagre's crossing heuristic breaks ties either way, so a response wait's "timeout" can land left
  // of "responded" with the edges crossing. Its first ordering (depth-first, in the order edges are
  // added) keeps each node's ways out in the order they are drawn; it is kept unless the heuristic
  // finds fewer crossings.
  const inOrder = layoutWith(def, true);
  const heuristic = layoutWith(def, false);
  return crossings(def, heuristic) < crossings(def, inOrder) ? heuristic : inOrder;
}

function layoutWith(def: Graph, keepEdgeOrder: boolean): FlowLayout {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: "TB", nodesep: 48, ranksep: 72, marginx: 0, marginy: 0 });
  g.setDefaultEdgeLabel(() => ({}));
  const outgoing = new Map<string, string[]>();
  for (const e of def.edges) outgoing.set(e.source, [...(outgoing.get(e.source) ?? []), e.branch]);
  for (const n of def.nodes) {
    const box = nodeBox(nodeBranches(n, outgoing.get(n.id)));
    // Never shorter than a node with a branch row: ranks stay evenly spaced, as they always were.
    g.setNode(n.id, { width: box.width, height: Math.max(box.height, nodeSize.height) });
  }
  const back = backEdges(def);
  for (const e of edgesInBranchOrder(def)) {
    if (back.has(e.id) || e.source === e.target) continue;
    if (!g.hasNode(e.source) || !g.hasNode(e.target)) continue;
    g.setEdge(e.source, e.target);
  }
  dagre.layout(g, { disableOptimalOrderHeuristic: keepEdgeOrder });
  // dagre centres the nodes of a rank on one line: the tallest one sets where the rank's tops are.
  const rankHeight = new Map<number, number>();
  for (const n of def.nodes) {
    const placed = g.node(n.id);
    rankHeight.set(placed.y, Math.max(rankHeight.get(placed.y) ?? 0, placed.height));
  }
  const layout: FlowLayout = {};
  for (const n of def.nodes) {
    const placed = g.node(n.id);
    layout[n.id] = {
      x: Math.round(placed.x - placed.width / 2),
      y: Math.round(placed.y - rankHeight.get(placed.y)! / 2),
    };
  }
  return layout;
}

/** The edges grouped by source (in order of first appearance), each source's in the order its branches are drawn. */
function edgesInBranchOrder(def: Graph): FlowEdge[] {
  const nodes = new Map(def.nodes.map((n) => [n.id, n]));
  const outgoing = new Map<string, FlowEdge[]>();
  for (const e of def.edges) outgoing.set(e.source, [...(outgoing.get(e.source) ?? []), e]);
  return [...outgoing.values()].flatMap((edges) => {
    const node = nodes.get(edges[0]!.source);
    if (!node) return edges;
    const order = nodeBranches(node, edges.map((e) => e.branch)).map((b) => b.id);
    return [...edges].sort((a, b) => order.indexOf(a.branch) - order.indexOf(b.branch));
  });
}

/**
 * Pairs of forward edges that cross, counted as segments from a branch's handle to the target's
 * top, plus each pair of ways out of one node whose targets stand in the opposite order.
 */
function crossings(def: Graph, layout: FlowLayout): number {
  const back = backEdges(def);
  const nodes = new Map(def.nodes.map((n) => [n.id, n]));
  const outgoing = new Map<string, string[]>();
  for (const e of def.edges) outgoing.set(e.source, [...(outgoing.get(e.source) ?? []), e.branch]);
  const segments = def.edges.flatMap((e) => {
    const from = layout[e.source];
    const to = layout[e.target];
    const node = nodes.get(e.source);
    if (back.has(e.id) || e.source === e.target || !from || !to || !node) return [];
    const branches = nodeBranches(node, outgoing.get(e.source));
    const box = nodeBox(branches);
    const index = Math.max(0, branches.findIndex((b) => b.id === e.branch));
    const x = from.x + ((index + 0.5) / branches.length) * box.width;
    const target = nodes.get(e.target);
    const toWidth = target ? nodeBox(nodeBranches(target, outgoing.get(e.target))).width : nodeSize.width;
    return [{ e, index, a: { x, y: from.y + box.height }, b: { x: to.x + toWidth / 2, y: to.y } }];
  });
  const ccw = (p: Point, q: Point, r: Point) => (r.y - p.y) * (q.x - p.x) - (q.y - p.y) * (r.x - p.x);
  let count = 0;
  for (let i = 0; i < segments.length; i++) {
    for (let j = i + 1; j < segments.length; j++) {
      const s = segments[i]!;
      const t = segments[j]!;
      if (s.e.source === t.e.source) {
        if (s.e.target !== t.e.target && Math.sign(layout[s.e.target]!.x - layout[t.e.target]!.x) !== Math.sign(s.index - t.index)) count++;
        continue;
      }
      if (s.e.target === t.e.target) continue;
      const d1 = ccw(s.a, s.b, t.a);
      const d2 = ccw(s.a, s.b, t.b);
      const d3 = ccw(t.a, t.b, s.a);
      const d4 = ccw(t.a, t.b, s.b);
      if (d1 * d2 < 0 && d3 * d4 < 0) count++;
    }
  }
  return count;
}

type Point = { x: number; y: number };

/** The layout with every node placed: nodes without a position (an imported file) get the automatic one. */
export function completeLayout(def: Graph, layout: FlowLayout): FlowLayout {
  if (def.nodes.every((n) => layout[n.id])) return layout;
  const auto = autoLayout(def);
  const complete: FlowLayout = { ...layout };
  for (const n of def.nodes) complete[n.id] ??= auto[n.id]!;
  return complete;
}
