"use client";

import { memo, useEffect, useRef } from "react";
import { Handle, Position, useUpdateNodeInternals, type Node, type NodeProps } from "@xyflow/react";
import { CircleAlertIcon, TriangleAlertIcon } from "lucide-react";

import { cn } from "@/lib/utils";
import type { FlowDraftNode } from "@/server/flows/definition";
import { KindIcon } from "./icons";
import type { Locale } from "@/lib/i18n/locale";
import { branchRowHeight } from "@/server/flows/canvas";
import { referenceNames, useFlowReferences } from "./nodes/references";
import { categoryStyles, handleSize, hasBranchRow, nodeSummary, type NodeView } from "./node-view";
import { useNodeLive } from "./live/live-counts";
import { BranchLiveCount, NodeLiveFigures } from "./live/node-figures";

export type FlowNodeData = {
  node: FlowDraftNode;
  view: NodeView;
  locale: Locale;
  errors: number;
  warnings: number;
  /** The localized "3 errors" text for the badge's title. */
  issueTitle: string;
};
export type FlowCanvasNode = Node<FlowNodeData, "flow">;

/**
 * One node on the canvas: icon, kind, name, summary, issue badge, and a handle per branch; once the
 * flow is published, its live figures on the kind line and beside each branch label (same box size).
 */
export const FlowNodeView = memo(function FlowNodeView({ id, data, selected }: NodeProps<FlowCanvasNode>) {
  const { node, view, errors, warnings } = data;
  const style = categoryStyles[view.category];
  const isTrigger = view.category === "trigger";
  const summary = nodeSummary(node, data.locale, referenceNames(useFlowReferences()));
  const branches = view.branches;
  const live = useNodeLive(id);
  const { box } = view;
  // React Flow caches handle positions: re-measure when branches are added, removed or renamed, or
  // the node widens (not on mount: React Flow measures new nodes itself, and 300 forced layouts
  // would stall the open).
  const updateNodeInternals = useUpdateNodeInternals();
  const handleKey = `${box.width}|${branches.map((b) => b.id).join("|")}`;
  const measuredKey = useRef(handleKey);
  useEffect(() => {
    if (measuredKey.current === handleKey) return;
    measuredKey.current = handleKey;
    updateNodeInternals(id);
  }, [handleKey, id, updateNodeInternals]);
  return (
    <div
      data-testid={`flow-node-${id}`}
      data-kind={node.kind}
      data-errors={errors}
      // Fixed size: React Flow is told these dimensions (and the handle positions) up front.
      style={{ width: box.width, height: box.height }}
      className={cn(
        "group relative flex flex-col overflow-visible rounded-lg border bg-card text-card-foreground shadow-sm transition-[box-shadow,border-color]",
        selected ? "border-primary ring-2 ring-primary/30" : "hover:border-ring/60",
        errors > 0 && !selected && "border-destructive/60",
      )}
    >
      <span className={cn("absolute inset-y-0 left-0 w-1 rounded-l-lg", style.accent)} aria-hidden />
      {!isTrigger ? (
        <Handle
          type="target"
          id="in"
          position={Position.Top}
          data-testid={`handle-${id}-in`}
          style={{ width: handleSize.target, height: handleSize.target }}
          className="!border-2 !border-background !bg-muted-foreground"
        />
      ) : null}
      <div data-testid="node-body" className="flex items-start gap-2.5 py-2.5 pr-2.5 pl-3.5">
        <span className={cn("mt-0.5 flex size-8 shrink-0 items-center justify-center rounded-md", style.tile)}>
          <KindIcon name={view.icon} className="size-4" />
        </span>
        <div className="flex min-w-0 flex-1 flex-col">
          <div className="flex h-4 min-w-0 items-center gap-1">
            <span className="min-w-0 flex-1 truncate text-[11px] leading-4 font-medium tracking-wide text-muted-foreground uppercase">{view.kindLabel}</span>
            {live ? <NodeLiveFigures nodeId={id} name={node.name || view.kindLabel} live={live} isWait={view.category === "wait"} /> : null}
          </div>
          <span className="truncate text-sm leading-5 font-semibold" data-testid="flow-node-name">
            {node.name || view.kindLabel}
          </span>
          <span className="truncate text-xs leading-4 text-muted-foreground" title={summary}>
            {summary || "—"}
          </span>
        </div>
        {errors > 0 || warnings > 0 ? (
          <span
            title={data.issueTitle}
            data-testid={`node-issues-${id}`}
            className={cn(
              "flex h-5 shrink-0 items-center gap-0.5 rounded-full px-1.5 text-[11px] font-semibold",
              errors > 0 ? "bg-destructive text-destructive-foreground" : "bg-warning/25 text-warning-foreground",
            )}
          >
            {errors > 0 ? <CircleAlertIcon className="size-3" aria-hidden /> : <TriangleAlertIcon className="size-3" aria-hidden />}
            {errors > 0 ? errors : warnings}
          </span>
        ) : null}
      </div>
      {hasBranchRow(view) ? (
        // Equal columns, so each label sits over its handle; the box is wide enough for every label
        // (see nodeBox), and a label too long even for that wraps to a second line.
        <div
          data-testid="branch-row"
          style={{ height: branchRowHeight[box.labelLines] }}
          className="flex border-t bg-muted/40 text-[10px] text-muted-foreground"
        >
          {branches.map((b) => (
            <span key={b.id} className="flex min-w-0 flex-1 items-center justify-center gap-1 px-1" data-branch={b.id}>
              <span
                title={b.label}
                data-testid="branch-label"
                className={cn(
                  "min-w-0",
                  box.labelLines === 1 ? "truncate leading-5" : "line-clamp-2 text-center leading-3 break-words",
                  b.unknown && "text-destructive line-through",
                )}
              >
                {b.label}
              </span>
              {live ? <BranchLiveCount count={live.byBranch[b.id] ?? 0} label={b.label} /> : null}
            </span>
          ))}
        </div>
      ) : null}
      {branches.map((b, i) => (
        <Handle
          key={b.id}
          type="source"
          id={b.id}
          position={Position.Bottom}
          data-testid={`handle-${id}-${b.id}`}
          title={b.label}
          style={{ left: `${((i + 0.5) / branches.length) * 100}%`, width: handleSize.source, height: handleSize.source }}
          className={cn(
            "!border-2 !border-background",
            b.unknown ? "!bg-destructive" : "!bg-primary",
          )}
        />
      ))}
    </div>
  );
});
