"use client";

// ECharts for the Insights tabs (core build: only the charts and components used here, canvas).
// A click on a data item reports its series and data index.
import { useMemo } from "react";
import ReactEChartsCore from "echarts-for-react/lib/core";
import * as echarts from "echarts/core";
import { BarChart, LineChart, RadarChart } from "echarts/charts";
import { GridComponent, LegendComponent, TooltipComponent } from "echarts/components";
import { CanvasRenderer } from "echarts/renderers";

echarts.use([BarChart, LineChart, RadarChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

/** Colours of the groups and series, in order (readable on white, distinct in print). */
export const SERIES_COLORS = ["#2563eb", "#f59e0b", "#10b981", "#db2777", "#7c3aed", "#0891b2"];
export const PREVIOUS_COLOR = "#94a3b8";

export type ChartClick = { seriesIndex: number; dataIndex: number; name?: string };

export function EChart(props: { option: object; height: number; ariaLabel: string; testId?: string; onClick?: (p: ChartClick) => void }) {
  const { onClick } = props;
  type Clicked = { seriesIndex?: number; dataIndex?: number; name?: string };
  const onEvents = useMemo<Record<string, (p: Clicked) => void>>(
    () => {
      const events: Record<string, (p: Clicked) => void> = {};
      if (onClick) events.click = (p) => onClick({ seriesIndex: p.seriesIndex ?? 0, dataIndex: p.dataIndex ?? 0, name: p.name });
      return events;
    },
    [onClick],
  );
  return (
    <div role="img" aria-label={props.ariaLabel} data-testid={props.testId}>
      <ReactEChartsCore echarts={echarts} option={props.option} notMerge onEvents={onEvents} style={{ height: props.height, width: "100%" }} />
    </div>
  );
}
