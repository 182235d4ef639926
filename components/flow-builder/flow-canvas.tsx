"use client";

import { startTransition, useCallback, useEffect, useMemo, useRef, useState } from "react";
import {
  Background,
  BackgroundVariant,
  Controls,
  MarkerType,
  MiniMap,
  ReactFlow,
  applyNodeChanges,
  useReactFlow,
  type Connection,
  type EdgeChange,
  type IsValidConnection,
  type NodeChange,
  type NodeMouseHandler,
  type OnNodeDrag,
} from "@xyflow/react";
import { useLocale, useTranslations } from "use-intl";

import { backEdges, nodeBox, nodeBranches, toCanvas } from "@/server/flows/canvas";
import type { CanvasPosition } from "@/server/flows/canvas";
import { findNodeKindSpec, isNodeKind } from "@/server/flows/kinds";
import { preloadInspector } from "./nodes/registry";
import { FlowNodeView, type FlowCanvasNode } from "./flow-node";
import { FlowEdgeView, type FlowCanvasEdge } from "./flow-edge";
import { nodeHandles, nodeView, categoryStyles } from "./node-view";
import type { EditorDoc } from "./model";
import type { FlowEdge } from "@/server/flows/definition";

export const PALETTE_MIME = "application/x-memberflow-kind";
/** Above this many nodes the canvas renders only what is in view. */
const LARGE_FLOW = 100;

// Stable across renders: React Flow re-mounts every node when these objects change.
const nodeTypes = { flow: FlowNodeView };
const edgeTypes = { flow: FlowEdgeView };
const defaultEdgeOptions = { type: "flow" as const };
const minimapSize = { width: 132, height: 90 };
const minimapColors: Record<string, string> = {
  trigger: "var(--color-chart-2)",
  group: "var(--color-chart-1)",
  action: "var(--color-chart-5)",
  wait: "var(--color-chart-3)",
  exit: "var(--color-chart-8)",
  unknown: "var(--color-destructive)",
};

export type IssueCounts = { errors: number; warnings: number };
export type CanvasSelection = { nodes: ReadonlySet<string>; edge: string | null };

type Props = {
  doc: EditorDoc;
  issuesByNode: ReadonlyMap<string, IssueCounts>;
  selection: CanvasSelection;
  readOnly?: boolean;
  onSelectionChange: (selection: CanvasSelection) => void;
  onMoveStart: () => void;
  onMoveEnd: (positions: Record<string, CanvasPosition>) => void;
  onConnect: (source: string, branch: string, target: string) => void;
  onDeleteEdge: (id: string) => void;
  onDropKind: (kind: string, position: CanvasPosition) => void;
};

/** The React Flow view of the document. Nodes are derived from the definition (never the reverse). */
export function FlowCanvas(props: Props) {
  const { doc, issuesByNode, selection, onSelectionChange, onDeleteEdge, onDropKind } = props;
  const t = useTranslations("flowBuilder");
  const locale = useLocale();
  const flow = useReactFlow<FlowCanvasNode, FlowCanvasEdge>();

  const canvas = useMemo(() => toCanvas(doc.draft, doc.layout), [doc.draft, doc.layout]);
  // Open a small flow fitted to the screen. A big one opens at a readable zoom on its triggers,
  // and only the nodes in view are rendered (fitting 300 nodes would draw unreadable dots).
  // An empty canvas keeps its viewport so the first drop lands where it was dropped.
  const [openMode] = useState<"fit" | "top" | "none">(() =>
    doc.draft.nodes.length === 0 ? "none" : doc.draft.nodes.length > LARGE_FLOW ? "top" : "fit",
  );
  const [ready, setReady] = useState(false);
  // The minimap draws every node (it ignores onlyRenderVisibleElements): it joins once the canvas
  // is on screen and the browser is idle, so it does not delay the first paint or the first click.
  const [showMinimap, setShowMinimap] = useState(false);
  useEffect(() => {
    if (!ready) return;
    if (typeof window.requestIdleCallback === "function") {
      const id = window.requestIdleCallback(() => startTransition(() => setShowMinimap(true)), { timeout: 1500 });
      return () => window.cancelIdleCallback(id);
    }
    const id = window.setTimeout(() => startTransition(() => setShowMinimap(true)), 100);
    return () => window.clearTimeout(id);
  }, [ready]);
  // A click on a node is the first thing a marketer does: once the canvas is painted, fetch the
  // inspectors of the kinds in this flow (not before: evaluating them would delay the first paint).
  useEffect(() => {
    if (!ready) return;
    const id = window.setTimeout(() => {
      for (const kind of new Set(doc.draft.nodes.map((n) => n.kind))) if (isNodeKind(kind)) void preloadInspector(kind).catch(() => undefined);
    }, 0);
    return () => window.clearTimeout(id);
    // Only the flow as opened: kinds added later load on hover or selection.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ready]);
  const wrapper = useRef<HTMLDivElement>(null);
  const onInit = useCallback(() => {
    if (openMode === "top") {
      const rect = wrapper.current?.getBoundingClientRect();
      const placed = doc.draft.nodes.flatMap((n) => {
        const p = doc.layout[n.id];
        return p ? [{ node: n, p }] : [];
      });
      const minY = Math.min(...placed.map(({ p }) => p.y));
      const top = placed.filter(({ p }) => p.y <= minY + 1);
      // Centred on the top rank as drawn: a split with long labels is wider than nodeSize.
      const centreX = top.reduce((sum, { node, p }) => sum + p.x + nodeBox(nodeBranches(node)).width / 2, 0) / Math.max(top.length, 1);
      const zoom = 0.8;
      void flow.setViewport({ x: (rect?.width ?? 800) / 2 - centreX * zoom, y: 48 - minY * zoom, zoom });
    }
    setReady(true);
    // Only the first layout matters here.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  // Folding a side panel (or resizing the window) keeps what is in the middle of the canvas there,
  // instead of sliding the flow along with the canvas's left edge.
  useEffect(() => {
    const el = wrapper.current;
    if (!el) return;
    let width = el.clientWidth;
    const observer = new ResizeObserver(() => {
      const next = el.clientWidth;
      if (next === width) return;
      const { x, y, zoom } = flow.getViewport();
      void flow.setViewport({ x: x + (next - width) / 2, y, zoom });
      width = next;
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [flow]);
  const loops = useMemo(() => backEdges(doc.draft), [doc.draft]);

  // React Flow keeps `measured` on the node objects we hand it, so derived nodes are merged into
  // the previous ones: unchanged nodes keep their object (and skip re-rendering).
  const [rfNodes, setRfNodes] = useState<FlowCanvasNode[]>([]);
  const [derivedFrom, setDerivedFrom] = useState<unknown[]>([]);
  const inputs = [canvas, issuesByNode, selection.nodes, locale];
  if (inputs.some((v, i) => v !== derivedFrom[i])) {
    setDerivedFrom(inputs);
    const outgoing = new Map<string, FlowEdge[]>();
    for (const e of doc.draft.edges) {
      const list = outgoing.get(e.source);
      if (list) list.push(e);
      else outgoing.set(e.source, [e]);
    }
    setRfNodes((prev) => {
      const before = new Map(prev.map((n) => [n.id, n]));
      return canvas.nodes.map((cn) => {
        const p = before.get(cn.id);
        const counts = issuesByNode.get(cn.id);
        const errors = counts?.errors ?? 0;
        const warnings = counts?.warnings ?? 0;
        const view = nodeView(cn.data.node, locale, outgoing.get(cn.id) ?? []);
        const selected = selection.nodes.has(cn.id);
        if (
          p &&
          p.data.node === cn.data.node &&
          p.data.errors === errors &&
          p.data.warnings === warnings &&
          p.data.view.branches.length === view.branches.length &&
          p.data.view.box.width === view.box.width &&
          p.data.view.box.height === view.box.height &&
          p.data.view.kindLabel === view.kindLabel &&
          p.data.locale === locale &&
          (p.selected ?? false) === selected &&
          p.position.x === cn.position.x &&
          p.position.y === cn.position.y
        ) {
          return p;
        }
        return {
          id: cn.id,
          type: "flow",
          position: cn.position,
          selected,
          // Size and handles known up front: React Flow paints a node on the first frame and, in a
          // big flow, mounts only the nodes in view instead of every node to measure it first.
          initialWidth: view.box.width,
          initialHeight: view.box.height,
          handles: nodeHandles(view),
          ...(p?.measured ? { measured: p.measured } : {}),
          data: {
            node: cn.data.node,
            view,
            locale,
            errors,
            warnings,
            // Only shown on a node's issue badge: no message formatting for the (many) clean nodes.
            issueTitle: errors > 0 || warnings > 0 ? t("node.issueTitle", { errors, warnings }) : "",
          },
        };
      });
    });
  }

  // Loops are drawn after the forward edges (so on top of those they cross) but under the nodes: a
  // loop between two stacked nodes runs behind them instead of across them, and does not take
  // the click meant for a node.
  const canvasEdges = canvas.edges;
  const edges = useMemo<FlowCanvasEdge[]>(() => {
    const toEdge = (e: (typeof canvasEdges)[number]): FlowCanvasEdge => ({
      id: e.id,
      source: e.source,
      sourceHandle: e.sourceHandle,
      target: e.target,
      targetHandle: e.targetHandle,
      type: "flow",
      selected: selection.edge === e.id,
      markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16 },
      data: { back: loops.has(e.id), deleteLabel: t("edge.delete"), loopLabel: t("edge.loop"), onDelete: onDeleteEdge },
    });
    return [...canvasEdges.filter((e) => !loops.has(e.id)), ...canvasEdges.filter((e) => loops.has(e.id))].map(toEdge);
  }, [canvasEdges, loops, selection.edge, onDeleteEdge, t]);

  const selectionRef = useRef(selection);
  const handlers = useRef(props);
  useEffect(() => {
    selectionRef.current = selection;
    handlers.current = props;
  });

  const onNodesChange = useCallback(
    (changes: NodeChange<FlowCanvasNode>[]) => {
      const local = changes.filter((c) => c.type === "position" || c.type === "dimensions");
      if (local.length > 0) setRfNodes((nodes) => applyNodeChanges(local, nodes));
      const selects = changes.filter((c) => c.type === "select");
      if (selects.length > 0) {
        const next = new Set(selectionRef.current.nodes);
        for (const c of selects) {
          if (c.type !== "select") continue;
          if (c.selected) next.add(c.id);
          else next.delete(c.id);
        }
        const same = next.size === selectionRef.current.nodes.size && [...next].every((id) => selectionRef.current.nodes.has(id));
        if (!same) onSelectionChange({ nodes: next, edge: next.size > 0 ? null : selectionRef.current.edge });
      }
    },
    [onSelectionChange],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange<FlowCanvasEdge>[]) => {
      let edge = selectionRef.current.edge;
      for (const c of changes) {
        if (c.type !== "select") continue;
        if (c.selected) edge = c.id;
        else if (edge === c.id) edge = null;
      }
      if (edge !== selectionRef.current.edge) onSelectionChange({ nodes: edge ? new Set() : selectionRef.current.nodes, edge });
    },
    [onSelectionChange],
  );

  // A hovered node is about to be clicked: have its kind's inspector ready.
  const preloadOnHover = useCallback<NodeMouseHandler<FlowCanvasNode>>((_event, node) => {
    if (isNodeKind(node.data.node.kind)) void preloadInspector(node.data.node.kind).catch(() => undefined);
  }, []);

  const onNodeDragStart = useCallback<OnNodeDrag<FlowCanvasNode>>(() => handlers.current.onMoveStart(), []);
  const onNodeDragStop = useCallback<OnNodeDrag<FlowCanvasNode>>(
    (_event, _node, nodes) => {
      const positions: Record<string, CanvasPosition> = {};
      for (const n of nodes) positions[n.id] = { x: n.position.x, y: n.position.y };
      handlers.current.onMoveEnd(positions);
    },
    [],
  );

  const isValidConnection = useCallback<IsValidConnection<FlowCanvasEdge>>(
    (c) => {
      if (!c.source || !c.target || c.source === c.target) return false;
      const target = doc.draft.nodes.find((n) => n.id === c.target);
      return findNodeKindSpec(target?.kind ?? "")?.category !== "trigger";
    },
    [doc.draft.nodes],
  );

  const handleConnect = useCallback(
    (c: Connection) => {
      if (c.source && c.target) handlers.current.onConnect(c.source, c.sourceHandle ?? "out", c.target);
    },
    [],
  );

  const onDragOver = useCallback((event: React.DragEvent) => {
    if (!event.dataTransfer.types.includes(PALETTE_MIME)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "copy";
  }, []);

  const onDrop = useCallback(
    (event: React.DragEvent) => {
      const kind = event.dataTransfer.getData(PALETTE_MIME);
      if (!kind) return;
      event.preventDefault();
      const p = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
      // Drop under the pointer's centre, not the node's corner.
      onDropKind(kind, { x: p.x - 120, y: p.y - 36 });
    },
    [flow, onDropKind],
  );

  const minimapColor = useCallback((n: FlowCanvasNode) => minimapColors[n.data.view.category] ?? minimapColors.unknown!, []);

  return (
    <div
      ref={wrapper}
      className="relative h-full w-full"
      data-testid="flow-canvas"
      data-ready={ready}
      data-node-count={rfNodes.length}
      onDragOver={onDragOver}
      onDrop={onDrop}
    >
      <ReactFlow<FlowCanvasNode, FlowCanvasEdge>
        nodes={rfNodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        defaultEdgeOptions={defaultEdgeOptions}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onNodeDragStart={onNodeDragStart}
        onNodeMouseEnter={preloadOnHover}
        onNodeDragStop={onNodeDragStop}
        onConnect={handleConnect}
        isValidConnection={isValidConnection}
        nodesDraggable={!props.readOnly}
        nodesConnectable={!props.readOnly}
        deleteKeyCode={null}
        selectionKeyCode="Shift"
        multiSelectionKeyCode={["Meta", "Control"]}
        onInit={onInit}
        fitView={openMode === "fit"}
        fitViewOptions={{ padding: 0.2, maxZoom: 1.1 }}
        minZoom={0.1}
        maxZoom={2}
        onlyRenderVisibleElements={rfNodes.length > LARGE_FLOW}
        className="bg-muted/30"
      >
        <Background variant={BackgroundVariant.Dots} gap={20} size={1.2} />
        {showMinimap ? (
          // Small: the canvas is narrow between the palette and the inspector, and the map must not hide nodes.
          <MiniMap
            pannable
            zoomable
            nodeColor={minimapColor}
            nodeStrokeWidth={0}
            style={minimapSize}
            className="!m-2 !rounded-md !border !shadow-sm"
          />
        ) : null}
        <Controls showInteractive={false} className="!shadow-sm" />
      </ReactFlow>
    </div>
  );
}

export { categoryStyles };
