// Pure converters between the executable definition (+ a layout) and React Flow's shapes.
// Positions are kept apart from the definition: moving a node is not a new flow version.
// Structural types only, so this module needs neither React nor @xyflow/react.
import { findNodeKindSpec } from "./kinds";
import type { BranchSpec } from "./kinds/spec";
import type { FlowDraftNode, FlowEdge, FlowSettings } from "./definition";

export type CanvasPosition = { x: number; y: number };
/** Top-left position of each node by node id. */
export type FlowLayout = Record<string, CanvasPosition>;

export type CanvasNode<N extends FlowDraftNode = FlowDraftNode> = {
  id: string;
  type: string;
  position: CanvasPosition;
  data: { node: N };
};
export type CanvasEdge = { id: string; source: string; sourceHandle: string; target: string; targetHandle: "in" };

/** What React Flow hands back: extra fields (selected, measured…) are ignored, handles may be null. */
export type CanvasNodeInput<N extends FlowDraftNode = FlowDraftNode> = {
  id: string;
  type?: string;
  position: CanvasPosition;
  data: { node: N };
};
export type CanvasEdgeInput = {
  id: string;
  source: string;
  target: string;
  sourceHandle?: string | null;
  targetHandle?: string | null;
};

type Graph<N extends FlowDraftNode> = { nodes: N[]; edges: FlowEdge[] };

/**
 * The size the canvas draws a node at; the layout spaces nodes by it. A node with named branches
 * (split groups, responded / timeout…) has a row labelling them under its body; others are shorter.
 */
export const nodeSize = { width: 240, height: 94 } as const;
export const branchlessNodeHeight = 74;

/** A node's way out as the canvas draws it; `unknown` marks an edge on a branch the node no longer has. */
export type CanvasBranch = BranchSpec & { unknown?: true };

/**
 * A node's branches in display order, then the branches of its outgoing edges it no longer has
 * (kept visible, and flagged). A config too broken to read keeps the one "out" (an exit has none).
 */
export function nodeBranches(node: FlowDraftNode, outgoing: readonly string[] = []): CanvasBranch[] {
  const spec = findNodeKindSpec(node.kind);
  let branches: CanvasBranch[] = [];
  if (spec) {
    try {
      branches = [...spec.branches(node.config)];
    } catch {
      branches = spec.category === "exit" ? [] : [{ id: "out", label: { en: "Next", "zh-CN": "下一步" } }];
    }
  }
  const known = new Set(branches.map((b) => b.id));
  for (const id of outgoing) {
    if (known.has(id)) continue;
    known.add(id);
    branches.push({ id, label: { en: id, "zh-CN": id }, unknown: true });
  }
  return branches;
}

/** Nodes with named ways out (split groups, responded / timeout…) label them in a row at the bottom. */
export function hasBranchRow(branches: readonly { id: string }[]): boolean {
  return branches.length > 1 || (branches.length === 1 && branches[0]!.id !== "out");
}

/**
 * A label's width in px at the branch row's 10px, estimated on the generous side (DejaVu Sans,
 * the widest common UI font) so that the server's layout and the canvas agree without a browser.
 */
export function branchLabelWidth(text: string): number {
  let width = 0;
  for (const ch of text) {
    if (ch.codePointAt(0)! >= 0x2e80) width += 10; // CJK, kana, hangul, full-width forms: one em
    else if ("mwMW@%".includes(ch)) width += 10;
    else if (" iljftrI.,:;'!|()[]/-".includes(ch)) width += 4;
    else if (ch >= "A" && ch <= "Z") width += 7.9;
    else width += 6.4;
  }
  return Math.ceil(width);
}

export type NodeBox = { width: number; height: number; labelLines: 1 | 2 };

/** One column per branch, each at most this wide; a longer label wraps to a second line. */
const BRANCH_COLUMN_MAX = 176;
/** Beside each label: its padding and a published flow's live count (the box does not change on publish). */
const BRANCH_LABEL_ROOM = 8 + 4 + 34;
export const branchRowHeight = { 1: 20, 2: 30 } as const;

/**
 * The box the canvas draws a node in, and the layout spaces it by: nodeSize, widened so each
 * branch label fits its (equal) column, and a second label line when even the widest column is
 * too narrow. Labels in every locale count, so the size does not depend on the language shown.
 */
export function nodeBox(branches: readonly CanvasBranch[]): NodeBox {
  if (!hasBranchRow(branches)) return { width: nodeSize.width, height: branchlessNodeHeight, labelLines: 1 };
  const label = Math.max(...branches.map((b) => Math.max(branchLabelWidth(b.label.en), branchLabelWidth(b.label["zh-CN"]))));
  const border = 2;
  const column = Math.max((nodeSize.width - border) / branches.length, Math.min(label + BRANCH_LABEL_ROOM, BRANCH_COLUMN_MAX));
  // Wider in steps of the canvas's 20px grid, so a node grows only when a label needs it.
  const width = Math.max(nodeSize.width, Math.ceil((column * branches.length + border) / 20) * 20);
  const labelLines = label + BRANCH_LABEL_ROOM > (width - border) / branches.length ? 2 : 1;
  return { width, height: branchlessNodeHeight + branchRowHeight[labelLines], labelLines };
}

export function toCanvas<N extends FlowDraftNode>(
  def: Graph<N>,
  layout: FlowLayout,
): { nodes: CanvasNode<N>[]; edges: CanvasEdge[] } {
  // The server completes a flow's layout before the editor sees it (layout.ts): a node without a
  // position here is one the editor is about to place, drawn at the origin meanwhile.
  return {
    nodes: def.nodes.map((node) => ({
      id: node.id,
      type: node.kind,
      position: { ...(layout[node.id] ?? { x: 0, y: 0 }) },
      data: { node },
    })),
    edges: def.edges.map((e) => ({ id: e.id, source: e.source, sourceHandle: e.branch, target: e.target, targetHandle: "in" })),
  };
}

export function fromCanvas<N extends FlowDraftNode>(
  nodes: readonly CanvasNodeInput<N>[],
  edges: readonly CanvasEdgeInput[],
  settings: FlowSettings,
): { definition: Graph<N> & { settings: FlowSettings }; layout: FlowLayout } {
  const layout: FlowLayout = {};
  const defNodes: N[] = [];
  for (const n of nodes) {
    // The canvas id wins: React Flow addresses nodes by it.
    defNodes.push(n.data.node.id === n.id ? n.data.node : { ...n.data.node, id: n.id });
    layout[n.id] = { x: n.position.x, y: n.position.y };
  }
  const defEdges: FlowEdge[] = edges.map((e) => ({
    id: e.id,
    source: e.source,
    // A node with a single handle may report no handle id; that handle is "out".
    branch: e.sourceHandle ?? "out",
    target: e.target,
  }));
  return { definition: { nodes: defNodes, edges: defEdges, settings }, layout };
}

/**
 * Edges that close a loop, found by depth-first search from the triggers (then from any node
 * not yet visited), in definition order. Left out of ranking so loops do not push the flow upside down.
 */
export function backEdges(def: Graph<FlowDraftNode>): Set<string> {
  const ids = new Set(def.nodes.map((n) => n.id));
  const out = new Map<string, FlowEdge[]>(def.nodes.map((n) => [n.id, []]));
  for (const e of def.edges) if (ids.has(e.source) && ids.has(e.target)) out.get(e.source)?.push(e);
  const isTrigger = (n: FlowDraftNode) => findNodeKindSpec(n.kind)?.category === "trigger";
  const roots = [...def.nodes.filter(isTrigger), ...def.nodes.filter((n) => !isTrigger(n))].map((n) => n.id);

  const state = new Map<string, "open" | "done">();
  const back = new Set<string>();
  for (const root of roots) {
    if (state.has(root)) continue;
    const work: { id: string; next: number }[] = [{ id: root, next: 0 }];
    state.set(root, "open");
    while (work.length > 0) {
      const frame = work[work.length - 1] as { id: string; next: number };
      const edges = out.get(frame.id) ?? [];
      const edge = edges[frame.next++];
      if (!edge) {
        state.set(frame.id, "done");
        work.pop();
        continue;
      }
      const seen = state.get(edge.target);
      if (seen === "open") back.add(edge.id);
      else if (seen === undefined) {
        state.set(edge.target, "open");
        work.push({ id: edge.target, next: 0 });
      }
    }
  }
  return back;
}

/**
 * Deletes a node and its edges. When the node sat in a simple chain (one way in, one way out),
 * the predecessor's branch is reconnected to the successor, keeping the incoming edge's id.
 */
export function removeNodeKeepingChain<D extends Graph<FlowDraftNode>>(def: D, nodeId: string): D {
  const incoming = def.edges.filter((e) => e.target === nodeId && e.source !== nodeId);
  const outgoing = def.edges.filter((e) => e.source === nodeId && e.target !== nodeId);
  const edges = def.edges.filter((e) => e.source !== nodeId && e.target !== nodeId);
  const [into] = incoming;
  const [onward] = outgoing;
  // A reconnection onto the predecessor itself would make a new self-loop: leave that to the marketer.
  if (incoming.length === 1 && outgoing.length === 1 && into && onward && into.source !== onward.target) {
    const at = def.edges.indexOf(into);
    const reconnected: FlowEdge = { ...into, target: onward.target };
    // Keep the reconnected edge where the incoming one was, so the order stays stable.
    const before = def.edges.slice(0, at).filter((e) => e.source !== nodeId && e.target !== nodeId);
    edges.splice(before.length, 0, reconnected);
  }
  return { ...def, nodes: def.nodes.filter((n) => n.id !== nodeId), edges };
}
