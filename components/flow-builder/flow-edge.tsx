"use client";

import { memo } from "react";
import { BaseEdge, EdgeLabelRenderer, getBezierPath, getSmoothStepPath, type Edge, type EdgeProps } from "@xyflow/react";
import { RepeatIcon, XIcon } from "lucide-react";

export type FlowEdgeData = {
  /** Closes a loop back to an earlier node. */
  back: boolean;
  deleteLabel: string;
  loopLabel: string;
  onDelete: (id: string) => void;
};
export type FlowCanvasEdge = Edge<FlowEdgeData, "flow">;

/**
 * Forward edges are curves: several branches leaving one node stay apart (right-angled paths
 * merged into one line). Loops are dashed, amber, right-angled and routed wide: "back to".
 */
export const FlowEdgeView = memo(function FlowEdgeView(props: EdgeProps<FlowCanvasEdge>) {
  const { id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, selected, data, markerEnd } = props;
  const back = data?.back ?? false;
  const [path, labelX, labelY] = back
    ? getSmoothStepPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, borderRadius: 16, offset: 48 })
    : getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  const stroke = selected ? "var(--color-primary)" : back ? "var(--color-chart-3)" : "var(--color-muted-foreground)";
  return (
    <>
      <BaseEdge
        id={id}
        path={path}
        markerEnd={markerEnd}
        interactionWidth={16}
        style={{
          stroke,
          strokeWidth: selected ? 2.5 : back ? 2 : 1.5,
          strokeDasharray: back ? "6 4" : undefined,
          opacity: selected ? 1 : 0.85,
        }}
      />
      {back || selected ? (
        <EdgeLabelRenderer>
          <div
            className="nodrag nopan pointer-events-auto absolute flex items-center gap-1"
            style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}
          >
            {back ? (
              <span className="flex items-center gap-1 rounded-full border border-chart-3/50 bg-background px-1.5 py-0.5 text-[10px] font-medium text-[color:color-mix(in_oklch,var(--color-chart-3)_55%,black)] shadow-xs">
                <RepeatIcon className="size-3" aria-hidden />
                {data?.loopLabel}
              </span>
            ) : null}
            {selected ? (
              <button
                type="button"
                data-testid={`edge-delete-${id}`}
                aria-label={data?.deleteLabel}
                title={data?.deleteLabel}
                onClick={() => data?.onDelete(id)}
                className="flex size-5 items-center justify-center rounded-full border bg-background text-muted-foreground shadow-sm hover:border-destructive hover:text-destructive"
              >
                <XIcon className="size-3" aria-hidden />
              </button>
            ) : null}
          </div>
        </EdgeLabelRenderer>
      ) : null}
    </>
  );
});
