// Automatic layout with dagre. Kept out of canvas.ts so the editor loads dagre only when a
// marketer asks for a layout; the server completes stored layouts before the editor opens them.
import dagre from "@dagrejs/dagre";
import { backEdges, nodeSize, type FlowLayout } from "./canvas";
import type { FlowDraftNode, FlowEdge } from "./definition";

type Graph = { nodes: FlowDraftNode[]; edges: FlowEdge[] };

/** Top-to-bottom layout with dagre; positions are top-left corners, rounded to whole pixels. */
export function autoLayout(def: Graph): FlowLayout {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: "TB", nodesep: 48, ranksep: 72, marginx: 0, marginy: 0 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of def.nodes) g.setNode(n.id, { width: nodeSize.width, height: nodeSize.height });
  const back = backEdges(def);
  for (const e of def.edges) {
    if (back.has(e.id) || e.source === e.target) continue;
    if (!g.hasNode(e.source) || !g.hasNode(e.target)) continue;
    g.setEdge(e.source, e.target);
  }
  dagre.layout(g);
  const layout: FlowLayout = {};
  for (const n of def.nodes) {
    const placed = g.node(n.id);
    layout[n.id] = {
      x: Math.round(placed.x - nodeSize.width / 2),
      y: Math.round(placed.y - nodeSize.height / 2),
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
