import { BarChart, LineChart } from "echarts/charts";
import { GridComponent, LegendComponent, TooltipComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { SVGRenderer } from "echarts/renderers";
import { useEffect, useRef } from "react";
import { formatNumber } from "../../../lib/format";
import { leafColumns, type ReportColumn, type Row } from "../api/model";

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, SVGRenderer]);

export interface ChartSpec {
  type?: string;
  x?: string;
  series?: string[];
  /** Each series' name in the UI language (the JSON's `series_labels`). */
  series_labels?: Record<string, string>;
  /** Chart data that is not in the table (e.g. visitors per day), each with `x` and an optional `label`. */
  points?: Row[];
}

/** The chart a report declares: its `series` drawn against `x`, from its own `points` or else the table rows. */
export function ReportChart({
  spec,
  rows,
  columns,
  title,
  lang,
}: {
  spec: ChartSpec;
  rows: Row[];
  columns: ReportColumn[];
  title: string;
  lang: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!ref.current || !spec.x || !spec.series?.length) return;
    const titles = new Map(leafColumns(columns).map((c) => [c.id, c.title]));
    const points = spec.points;
    const data = points ?? rows.filter((r) => r._kind !== "subtotal");
    const category = (r: Row) => String((points ? (r.label ?? r.x) : r[spec.x!]) ?? "");
    const chart = echarts.init(ref.current, undefined, { renderer: "svg" });
    chart.setOption({
      tooltip: { trigger: "axis", valueFormatter: (v: unknown) => (typeof v === "number" ? formatNumber(v, lang) : "—") },
      legend: { top: 0 },
      grid: { left: 48, right: 16, top: 36, bottom: 56 },
      xAxis: { type: "category", data: data.map(category), axisLabel: { rotate: data.length > 12 ? 40 : 0 } },
      yAxis: { type: "value", axisLabel: { formatter: (v: number) => formatNumber(v, lang) } },
      color: ["#0b6e4f", "#d4a017", "#3b82f6", "#c2410c"],
      series: spec.series.map((id) => ({
        name: spec.series_labels?.[id] ?? titles.get(id) ?? id,
        type: spec.type === "line" ? "line" : "bar",
        data: data.map((r) => (typeof r[id] === "number" ? r[id] : null)),
      })),
    });
    const resize = () => chart.resize();
    window.addEventListener("resize", resize);
    return () => {
      window.removeEventListener("resize", resize);
      chart.dispose();
    };
  }, [spec, rows, columns, lang]);
  return <div ref={ref} role="img" aria-label={title} style={{ width: "100%", height: 320 }} />;
}
