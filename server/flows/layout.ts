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
  for (const e of def.edges) {
    if (back.has(e.id) || e.source === e.target) continue;
    if (!g.hasNode(e.source) || !g.hasNode(e.target)) continue;
    g.setEdge(e.source, e.target);
  }
  dagre.layout(g);
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

/** The layout with every node placed: nodes without a position (an imported file) get the automatic one. */
export function completeLayout(def: Graph, layout: FlowLayout): FlowLayout {
  if (def.nodes.every((n) => layout[n.id])) return layout;
  const auto = autoLayout(def);
  const complete: FlowLayout = { ...layout };
  for (const n of def.nodes) complete[n.id] ??= auto[n.id]!;
  return complete;
}
