// What the canvas draws for a node, computed once per node object and locale (nodes are
// immutable, so an unchanged node keeps its view and its component does not re-render).
// The view (kind, icon, handles) is cheap and needed for every node; the summary parses the
// config, so it is computed only for the nodes the canvas actually draws.
import { findNodeKindSpec } from "@/server/flows/kinds";
import type { ReferenceNames } from "@/server/flows/kinds/spec";
import type { NodeCategory } from "@/server/flows/kinds";
import type { Locale } from "@/lib/i18n/locale";
import type { FlowDraftNode, FlowEdge } from "@/server/flows/definition";
import { branchlessNodeHeight, nodeSize } from "@/server/flows/canvas";
import { Position, type NodeHandle } from "@xyflow/react";

export type BranchView = { id: string; label: string; unknown?: boolean };
export type NodeView = {
  kindLabel: string;
  category: NodeCategory | "unknown";
  icon: string;
  branches: BranchView[];
};

const viewCache: Record<Locale, WeakMap<FlowDraftNode, NodeView>> = { en: new WeakMap(), "zh-CN": new WeakMap() };
const summaryCache: Record<Locale, WeakMap<FlowDraftNode, { names: ReferenceNames | undefined; text: string }>> = {
  en: new WeakMap(),
  "zh-CN": new WeakMap(),
};

/** Branch ids and labels; works on half-edited configs (falls back to what can be read). */
export function nodeBranches(node: FlowDraftNode, locale: Locale): BranchView[] {
  const spec = findNodeKindSpec(node.kind);
  if (!spec) return [];
  try {
    return spec.branches(node.config).map((b) => ({ id: b.id, label: b.label[locale] }));
  } catch {
    return spec.category === "exit" ? [] : [{ id: "out", label: locale === "zh-CN" ? "下一步" : "Next" }];
  }
}

export function nodeView(node: FlowDraftNode, locale: Locale): NodeView {
  const hit = viewCache[locale].get(node);
  if (hit) return hit;
  const spec = findNodeKindSpec(node.kind);
  const view: NodeView = {
    kindLabel: spec ? spec.label[locale] : node.kind,
    category: spec?.category ?? "unknown",
    icon: spec?.icon ?? "",
    branches: nodeBranches(node, locale),
  };
  viewCache[locale].set(node, view);
  return view;
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

/** Adds handles for edges on branches the node no longer has, so they stay visible (and flagged). */
export function withDanglingBranches(view: NodeView, outgoing: readonly FlowEdge[]): NodeView {
  if (outgoing.length === 0) return view;
  const known = new Set(view.branches.map((b) => b.id));
  const extra = outgoing.filter((e) => !known.has(e.branch));
  if (extra.length === 0) return view;
  const seen = new Set<string>();
  const unknown: BranchView[] = [];
  for (const e of extra) {
    if (seen.has(e.branch)) continue;
    seen.add(e.branch);
    unknown.push({ id: e.branch, label: e.branch, unknown: true });
  }
  return { ...view, branches: [...view.branches, ...unknown] };
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
export function hasBranchRow(view: NodeView): boolean {
  return view.branches.length > 1 || (view.branches.length === 1 && view.branches[0]!.id !== "out");
}

export function nodeHeight(view: NodeView): number {
  return hasBranchRow(view) ? nodeSize.height : branchlessNodeHeight;
}

/**
 * The handles as FlowNodeView draws them: the entry centred on the top edge, one exit per branch
 * spread evenly along the bottom edge. Handing these to React Flow up front lets it draw edges
 * and skip off-screen nodes from the first frame, instead of mounting every node to measure it.
 */
export function nodeHandles(view: NodeView): NodeHandle[] {
  const inner = nodeSize.width - 2 * BORDER;
  const height = nodeHeight(view);
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
