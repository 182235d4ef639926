// The editor's document: the executable draft plus the canvas layout. Every edit is a pure
// function from one document to the next, so it can become a command in the history.
import { findNodeKindSpec } from "@/server/flows/kinds";
import { nodeBox, nodeBranches, nodeSize, removeNodeKeepingChain } from "@/server/flows/canvas";
import { deepEqual } from "@/server/flows/diff";
import type { FlowLayout, CanvasPosition } from "@/server/flows/canvas";
import type { FlowDraft, FlowDraftNode, FlowEdge, FlowSettings } from "@/server/flows/definition";

export type EditorDoc = { draft: FlowDraft; layout: FlowLayout };

/** A readable, unique node id from the kind ("split", "split-2", …). */
export function newNodeId(kind: string, taken: ReadonlySet<string>): string {
  const base = kind.replace(/_/g, "-").replace(/-trigger$/, "");
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) {
    const id = `${base}-${i}`;
    if (!taken.has(id)) return id;
  }
}

export function newEdgeId(source: string, branch: string, taken: ReadonlySet<string>): string {
  const base = `e-${source}-${branch}`.slice(0, 120);
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) {
    const id = `${base}-${i}`;
    if (!taken.has(id)) return id;
  }
}

export function addNode(doc: EditorDoc, kind: string, position: CanvasPosition): { doc: EditorDoc; id: string } {
  const spec = findNodeKindSpec(kind);
  if (!spec) return { doc, id: "" };
  const id = newNodeId(kind, new Set(doc.draft.nodes.map((n) => n.id)));
  const node: FlowDraftNode = { id, kind, config: spec.defaults() };
  return {
    id,
    doc: {
      draft: { ...doc.draft, nodes: [...doc.draft.nodes, node] },
      layout: { ...doc.layout, [id]: { x: Math.round(position.x), y: Math.round(position.y) } },
    },
  };
}

/** Below a node, a node added after it keeps the layout's gap between ranks, and its own from neighbours. */
const RANK_GAP = 72;
const NODE_GAP = 48;

/**
 * Adds a node after another: connected from the first of its branches that leads nowhere yet, and
 * placed under that branch's handle, moved right past any node in the way. One new document, so
 * one command to undo. Null when a node cannot follow it (a trigger, or no such node placed).
 * When every branch is taken, the node is placed below it, unconnected.
 */
export function addNodeAfter(doc: EditorDoc, kind: string, afterId: string): { doc: EditorDoc; id: string; branch: string | null } | null {
  const after = doc.draft.nodes.find((n) => n.id === afterId);
  const at = doc.layout[afterId];
  const spec = findNodeKindSpec(kind);
  if (!after || !at || !spec || spec.category === "trigger") return null;
  const boxOf = (node: FlowDraftNode) => nodeBox(nodeBranches(node, doc.draft.edges.filter((e) => e.source === node.id).map((e) => e.branch)));

  const branches = nodeBranches(after, doc.draft.edges.filter((e) => e.source === afterId).map((e) => e.branch));
  const index = branches.findIndex((b) => !b.unknown && !doc.draft.edges.some((e) => e.source === afterId && e.branch === b.id));
  const box = boxOf(after);
  // Where FlowNodeView draws the branch's handle: columns of equal width inside a 1px border.
  const handleX = index < 0 ? at.x + box.width / 2 : at.x + 1 + ((index + 0.5) / branches.length) * (box.width - 2);
  const size = nodeBox(nodeBranches({ id: "", kind, config: spec.defaults() }));
  const place = { x: Math.round(handleX - size.width / 2), y: at.y + box.height + RANK_GAP };
  const others = doc.draft.nodes.flatMap((n) => {
    const p = doc.layout[n.id];
    return p ? [{ ...p, ...boxOf(n) }] : [];
  });
  for (let moved = true; moved; ) {
    moved = false;
    for (const o of others) {
      const clear =
        place.x >= o.x + o.width + NODE_GAP / 2 || place.x + size.width + NODE_GAP / 2 <= o.x ||
        place.y >= o.y + o.height + NODE_GAP / 2 || place.y + size.height + NODE_GAP / 2 <= o.y;
      if (clear) continue;
      place.x = o.x + o.width + NODE_GAP;
      moved = true;
    }
  }

  const added = addNode(doc, kind, place);
  const branch = index < 0 ? null : branches[index]!.id;
  return { id: added.id, branch, doc: branch ? connect(added.doc, afterId, branch, added.id) : added.doc };
}

/** Deletes nodes (keeping a simple chain connected) and edges. */
export function removeElements(doc: EditorDoc, nodeIds: readonly string[], edgeIds: readonly string[] = []): EditorDoc {
  if (nodeIds.length === 0 && edgeIds.length === 0) return doc;
  const dropEdges = new Set(edgeIds);
  let draft: FlowDraft = { ...doc.draft, edges: doc.draft.edges.filter((e) => !dropEdges.has(e.id)) };
  for (const id of nodeIds) draft = removeNodeKeepingChain(draft, id);
  const layout = { ...doc.layout };
  for (const id of nodeIds) delete layout[id];
  return { draft, layout };
}

/** Connects a branch to a node; a branch leads to one node, so an existing edge is replaced. */
export function connect(doc: EditorDoc, source: string, branch: string, target: string): EditorDoc {
  const existing = doc.draft.edges.find((e) => e.source === source && e.branch === branch);
  if (existing?.target === target) return doc;
  const edges = doc.draft.edges.filter((e) => !(e.source === source && e.branch === branch));
  const edge: FlowEdge = { id: existing?.id ?? newEdgeId(source, branch, new Set(edges.map((e) => e.id))), source, branch, target };
  // Keep a replaced edge where it was so the definition order (and the diff) stays stable.
  const at = existing ? doc.draft.edges.indexOf(existing) : edges.length;
  const next = [...edges];
  next.splice(Math.min(at, next.length), 0, edge);
  return { ...doc, draft: { ...doc.draft, edges: next } };
}

export type NodePatch = { config?: unknown; name?: string | undefined; visitLimit?: number | undefined };

/**
 * Applies an inspector edit. An edit that changes nothing returns the same document, so it is no
 * command: the form echoing a config back after an undo must not become a new step to undo.
 */
export function updateNode(doc: EditorDoc, id: string, patch: NodePatch): EditorDoc {
  let changed = false;
  const nodes = doc.draft.nodes.map((n) => {
    if (n.id !== id) return n;
    const next: FlowDraftNode = { ...n };
    if ("config" in patch) next.config = patch.config;
    if ("name" in patch) {
      if (patch.name) next.name = patch.name;
      else delete next.name;
    }
    if ("visitLimit" in patch) {
      if (patch.visitLimit === undefined || Number.isNaN(patch.visitLimit)) delete next.visitLimit;
      else next.visitLimit = patch.visitLimit;
    }
    if (deepEqual(next, n)) return n;
    changed = true;
    return next;
  });
  return changed ? { ...doc, draft: { ...doc.draft, nodes } } : doc;
}

export function moveNodes(doc: EditorDoc, positions: Record<string, CanvasPosition>): EditorDoc {
  const moved = Object.entries(positions).filter(([id, p]) => {
    const old = doc.layout[id];
    return !old || Math.round(old.x) !== Math.round(p.x) || Math.round(old.y) !== Math.round(p.y);
  });
  if (moved.length === 0) return doc;
  const layout = { ...doc.layout };
  for (const [id, p] of moved) layout[id] = { x: Math.round(p.x), y: Math.round(p.y) };
  return { ...doc, layout };
}

export function setSettings(doc: EditorDoc, settings: FlowSettings): EditorDoc {
  return { ...doc, draft: { ...doc.draft, settings } };
}

export function setLayout(doc: EditorDoc, layout: FlowLayout): EditorDoc {
  return { ...doc, layout };
}

/** What Ctrl+C keeps: the nodes, the edges between them, and their positions. */
export type Clipboard = { nodes: FlowDraftNode[]; edges: FlowEdge[]; layout: FlowLayout };

export function copySelection(doc: EditorDoc, nodeIds: readonly string[]): Clipboard | null {
  const ids = new Set(nodeIds);
  const nodes = doc.draft.nodes.filter((n) => ids.has(n.id));
  if (nodes.length === 0) return null;
  const edges = doc.draft.edges.filter((e) => ids.has(e.source) && ids.has(e.target));
  const layout: FlowLayout = {};
  for (const n of nodes) layout[n.id] = doc.layout[n.id] ?? { x: 0, y: 0 };
  return structuredClone({ nodes, edges, layout });
}

/** Pastes with new ids, offset positions and the internal edges; returns the new ids. */
export function paste(doc: EditorDoc, clip: Clipboard, offset: CanvasPosition = { x: 40, y: 40 }): { doc: EditorDoc; ids: string[] } {
  const taken = new Set(doc.draft.nodes.map((n) => n.id));
  const idMap = new Map<string, string>();
  for (const n of clip.nodes) {
    const id = newNodeId(n.kind, taken);
    taken.add(id);
    idMap.set(n.id, id);
  }
  const nodes = clip.nodes.map((n) => {
    const copy = structuredClone(n);
    copy.id = idMap.get(n.id) as string;
    // A wait that listened to a copied node listens to its copy.
    const config = copy.config as { event?: { sourceNodeId?: unknown } } | null;
    const source = config?.event?.sourceNodeId;
    if (typeof source === "string" && idMap.has(source) && config?.event) config.event.sourceNodeId = idMap.get(source);
    return copy;
  });
  const edgeIds = new Set(doc.draft.edges.map((e) => e.id));
  const edges = clip.edges.map((e) => {
    const source = idMap.get(e.source) as string;
    const id = newEdgeId(source, e.branch, edgeIds);
    edgeIds.add(id);
    return { id, source, branch: e.branch, target: idMap.get(e.target) as string };
  });
  const layout = { ...doc.layout };
  for (const n of clip.nodes) {
    const p = clip.layout[n.id] ?? { x: 0, y: 0 };
    layout[idMap.get(n.id) as string] = { x: p.x + offset.x, y: p.y + offset.y };
  }
  return {
    ids: nodes.map((n) => n.id),
    doc: { draft: { ...doc.draft, nodes: [...doc.draft.nodes, ...nodes], edges: [...doc.draft.edges, ...edges] }, layout },
  };
}

/** Where a node dropped "somewhere sensible" goes: below the lowest node. */
export function nextFreePosition(doc: EditorDoc): CanvasPosition {
  const positions = Object.values(doc.layout);
  if (positions.length === 0) return { x: 0, y: 0 };
  const lowest = positions.reduce((a, b) => (b.y > a.y ? b : a));
  return { x: lowest.x, y: lowest.y + nodeSize.height + 72 };
}
