// What the canvas draws for a node, computed once per node object and locale (nodes are
// immutable, so an unchanged node keeps its view and its component does not re-render).
import { findNodeKindSpec } from "@/server/flows/kinds";
import type { NodeCategory } from "@/server/flows/kinds";
import type { Locale } from "@/lib/i18n/locale";
import type { FlowDraftNode, FlowEdge } from "@/server/flows/definition";

export type BranchView = { id: string; label: string; unknown?: boolean };
export type NodeView = {
  kindLabel: string;
  summary: string;
  category: NodeCategory | "unknown";
  icon: string;
  branches: BranchView[];
};

const cache: Record<Locale, WeakMap<FlowDraftNode, NodeView>> = { en: new WeakMap(), "zh-CN": new WeakMap() };

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
  const hit = cache[locale].get(node);
  if (hit) return hit;
  const spec = findNodeKindSpec(node.kind);
  let summary = "";
  if (spec) {
    const parsed = spec.configSchema.safeParse(node.config);
    if (parsed.success) {
      try {
        summary = spec.summary(parsed.data, locale);
      } catch {
        summary = "";
      }
    }
  }
  const view: NodeView = {
    kindLabel: spec ? spec.label[locale] : node.kind,
    summary,
    category: spec?.category ?? "unknown",
    icon: spec?.icon ?? "",
    branches: nodeBranches(node, locale),
  };
  cache[locale].set(node, view);
  return view;
}

/** Adds handles for edges on branches the node no longer has, so they stay visible (and flagged). */
export function withDanglingBranches(view: NodeView, nodeId: string, edges: readonly FlowEdge[]): NodeView {
  const known = new Set(view.branches.map((b) => b.id));
  const extra = edges.filter((e) => e.source === nodeId && !known.has(e.branch));
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
