"use client";

// The Sankey itself (ECharts core with only the Sankey chart, tooltip and canvas renderer).
// Nodes are "A:<band>" on the left and "B:<band>" on the right; a click reports a node or a link.
import { useMemo } from "react";
import ReactEChartsCore from "echarts-for-react/lib/core";
import * as echarts from "echarts/core";
import { SankeyChart } from "echarts/charts";
import { TooltipComponent } from "echarts/components";
import { CanvasRenderer } from "echarts/renderers";

echarts.use([SankeyChart, TooltipComponent, CanvasRenderer]);

export type SankeySelection = { a?: number; b?: number };
type Props = {
  labelsA: string[];
  labelsB: string[];
  nodesA: number[];
  nodesB: number[];
  links: { a: number; b: number; count: number; tooltip: string }[];
  selection: SankeySelection | null;
  ariaLabel: string;
  formatCount: (n: number) => string;
  onSelect: (selection: SankeySelection) => void;
};

const COLORS = ["#94a3b8", "#60a5fa", "#34d399", "#f59e0b", "#f472b6", "#a78bfa", "#22d3ee", "#fb7185"];

export function SankeyChartView({ labelsA, labelsB, nodesA, nodesB, links, selection, ariaLabel, formatCount, onSelect }: Props) {
  const option = useMemo(() => {
    const isSelected = (side: "a" | "b", i: number) =>
      selection !== null && selection[side] === i && selection[side === "a" ? "b" : "a"] === undefined;
    const node = (side: "a" | "b", i: number, label: string, count: number) => ({
      name: `${side.toUpperCase()}:${i}`,
      value: count,
      label: { formatter: `${label}\n${formatCount(count)}` },
      itemStyle: { color: COLORS[i % COLORS.length], borderColor: isSelected(side, i) ? "#111827" : undefined, borderWidth: isSelected(side, i) ? 2 : 0 },
      // Only bands with members are drawn; an empty band would be a zero-height node.
    });
    const data = [
      ...labelsA.map((l, i) => node("a", i, l, nodesA[i] ?? 0)).filter((n) => n.value > 0),
      ...labelsB.map((l, i) => node("b", i, l, nodesB[i] ?? 0)).filter((n) => n.value > 0),
    ];
    return {
      animation: false,
      tooltip: {
        trigger: "item",
        formatter: (p: { dataType?: string; data: { tooltip?: string; name?: string; value?: number } }) =>
          p.dataType === "edge" ? (p.data.tooltip ?? "") : `${p.data.name?.startsWith("A:") ? labelsA[Number(p.data.name.slice(2))] : labelsB[Number(p.data.name?.slice(2))]}: ${formatCount(p.data.value ?? 0)}`,
      },
      series: [
        {
          type: "sankey",
          left: 90,
          right: 90,
          top: 10,
          bottom: 10,
          nodeWidth: 18,
          nodeGap: 14,
          nodeAlign: "justify",
          layoutIterations: 0,
          draggable: false,
          emphasis: { focus: "adjacency" },
          label: { fontSize: 12, color: "#374151" },
          levels: [
            { depth: 0, label: { position: "left" } },
            { depth: 1, label: { position: "right" } },
          ],
          lineStyle: { color: "source", opacity: 0.35, curveness: 0.5 },
          data,
          links: links
            .filter((l) => l.count > 0)
            .map((l) => {
              const chosen = selection?.a === l.a && selection?.b === l.b;
              return { source: `A:${l.a}`, target: `B:${l.b}`, value: l.count, tooltip: l.tooltip, lineStyle: chosen ? { opacity: 0.8 } : undefined };
            }),
        },
      ],
    };
  }, [labelsA, labelsB, nodesA, nodesB, links, selection, formatCount]);

  const onEvents = useMemo(
    () => ({
      click: (p: { dataType?: string; data: { name?: string; source?: string; target?: string } }) => {
        if (p.dataType === "node" && p.data.name) {
          const [side, i] = p.data.name.split(":");
          onSelect(side === "A" ? { a: Number(i) } : { b: Number(i) });
        } else if (p.dataType === "edge" && p.data.source && p.data.target) {
          onSelect({ a: Number(p.data.source.slice(2)), b: Number(p.data.target.slice(2)) });
        }
      },
    }),
    [onSelect],
  );

  return (
    <div role="img" aria-label={ariaLabel} data-testid="frequency-sankey">
      <ReactEChartsCore echarts={echarts} option={option} notMerge onEvents={onEvents} style={{ height: 380, width: "100%" }} />
    </div>
  );
}
