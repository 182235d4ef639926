// What the canvas draws for a node, computed once per node object and locale (nodes are
// immutable, so an unchanged node keeps its view and its component does not re-render).
// The view (kind, icon, handles) is cheap and needed for every node; the summary parses the
// config, so it is computed only for the nodes the canvas actually draws.
import { findNodeKindSpec } from "@/server/flows/kinds";
import type { ReferenceNames } from "@/server/flows/kinds/spec";
import type { NodeCategory } from "@/server/flows/kinds";
import type { Locale } from "@/lib/i18n/locale";
import type { FlowDraftNode, FlowEdge } from "@/server/flows/definition";
import { hasBranchRow as hasBranchRowOf, nodeBox, nodeBranches as canvasBranches, type CanvasBranch, type NodeBox } from "@/server/flows/canvas";
import { Position, type NodeHandle } from "@xyflow/react";

export type BranchView = { id: string; label: string; unknown?: boolean };
export type NodeView = {
  kindLabel: string;
  category: NodeCategory | "unknown";
  icon: string;
  branches: BranchView[];
  /** The size it is drawn at, the same the layout spaces it by. */
  box: NodeBox;
};

const viewCache: Record<Locale, WeakMap<FlowDraftNode, NodeView>> = { en: new WeakMap(), "zh-CN": new WeakMap() };
const summaryCache: Record<Locale, WeakMap<FlowDraftNode, { names: ReferenceNames | undefined; text: string }>> = {
  en: new WeakMap(),
  "zh-CN": new WeakMap(),
};

const branchView = (locale: Locale) => (b: CanvasBranch): BranchView => ({ id: b.id, label: b.label[locale], ...(b.unknown ? { unknown: true } : {}) });

/** Branch ids and labels; works on half-edited configs (falls back to what can be read). */
export function nodeBranches(node: FlowDraftNode, locale: Locale): BranchView[] {
  return canvasBranches(node).map(branchView(locale));
}

/**
 * The view of a node with these outgoing edges. Edges on branches the node no longer has get
 * handles too, so they stay visible (and flagged); only such a node's view is not cached.
 */
export function nodeView(node: FlowDraftNode, locale: Locale, outgoing: readonly FlowEdge[] = []): NodeView {
  let view = viewCache[locale].get(node);
  if (!view) {
    const spec = findNodeKindSpec(node.kind);
    const branches = canvasBranches(node);
    view = {
      kindLabel: spec ? spec.label[locale] : node.kind,
      category: spec?.category ?? "unknown",
      icon: spec?.icon ?? "",
      branches: branches.map(branchView(locale)),
      box: nodeBox(branches),
    };
    viewCache[locale].set(node, view);
  }
  const known = view.branches;
  if (outgoing.every((e) => known.some((b) => b.id === e.branch))) return view;
  const branches = canvasBranches(node, outgoing.map((e) => e.branch));
  return { ...view, branches: branches.map(branchView(locale)), box: nodeBox(branches) };
}

/** The one-line description on the node; empty while the config is not valid. */
export function nodeSummary(node: FlowDraftNode, locale: Locale, names?: ReferenceNames): string {
  const hit = summaryCache[locale].get(node);
  if (hit && hit.names === names) return hit.text;
  const spec = findNodeKindSpec(node.kind);
  let summary = "";
  const parsed = spec?.configSchema.safeParse(node.config);
  if (spec && parsed?.success) {
    try {
      summary = spec.summary(parsed.data, locale, names);
    } catch {
      summary = "";
    }
  }
  summaryCache[locale].set(node, { names, text: summary });
  return summary;
}

export const categoryStyles: Record<NodeView["category"], { accent: string; tile: string }> = {
  trigger: { accent: "bg-chart-2", tile: "bg-chart-2/12 text-[color:color-mix(in_oklch,var(--color-chart-2)_70%,black)]" },
  group: { accent: "bg-chart-1", tile: "bg-chart-1/12 text-chart-1" },
  action: { accent: "bg-chart-5", tile: "bg-chart-5/12 text-[color:color-mix(in_oklch,var(--color-chart-5)_75%,black)]" },
  wait: { accent: "bg-chart-3", tile: "bg-chart-3/18 text-[color:color-mix(in_oklch,var(--color-chart-3)_60%,black)]" },
  exit: { accent: "bg-chart-8", tile: "bg-muted text-muted-foreground" },
  unknown: { accent: "bg-destructive", tile: "bg-destructive/10 text-destructive" },
};

const BORDER = 1;
/** Handle diameters in px; FlowNodeView draws them at these sizes. */
export const handleSize = { target: 10, source: 12 } as const;

/** Nodes with named ways out (split groups, responded / timeout…) label them in a row at the bottom. */
export const hasBranchRow = (view: NodeView): boolean => hasBranchRowOf(view.branches);

/**
 * The handles as FlowNodeView draws them: the entry centred on the top edge, one exit per branch
 * spread evenly along the bottom edge. Handing these to React Flow up front lets it draw edges
 * and skip off-screen nodes from the first frame, instead of mounting every node to measure it.
 */
export function nodeHandles(view: NodeView): NodeHandle[] {
  const { width, height } = view.box;
  const inner = width - 2 * BORDER;
  const handles: NodeHandle[] = [];
  if (view.category !== "trigger") {
    handles.push({
      id: "in",
      type: "target",
      position: Position.Top,
      x: BORDER + inner / 2 - handleSize.target / 2,
      y: BORDER - handleSize.target / 2,
      width: handleSize.target,
      height: handleSize.target,
    });
  }
  view.branches.forEach((branch, i) => {
    handles.push({
      id: branch.id,
      type: "source",
      position: Position.Bottom,
      x: BORDER + ((i + 0.5) / view.branches.length) * inner - handleSize.source / 2,
      y: height - BORDER - handleSize.source / 2,
      width: handleSize.source,
      height: handleSize.source,
    });
  });
  return handles;
}
