// ECharts options for simple series, built without importing ECharts (types only), so the
// option builders can be tested and used by pages that load the chart lazily.
import type { EChartsCoreOption } from 'echarts/core';

export interface Point {
  name: string;
  value: number;
}

/** A line over time (e.g. payments per month); every point labelled in the tooltip. */
export function lineOption(points: Point[], unit: string): EChartsCoreOption {
  return {
    grid: { left: 64, right: 16, top: 24, bottom: 32 },
    tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => `${Number(v).toLocaleString('en-US')} ${unit}` },
    xAxis: { type: 'category', data: points.map((p) => p.name) },
    yAxis: { type: 'value', name: unit },
    series: [{ type: 'line', smooth: false, areaStyle: { opacity: 0.12 }, data: points.map((p) => p.value), color: '#c41d1d' }],
  };
}

/** Horizontal bars, largest on top, each labelled with its value. */
export function barOption(points: Point[], unit: string): EChartsCoreOption {
  const sorted = [...points].sort((a, b) => a.value - b.value);
  return {
    grid: { left: 8, right: 72, top: 8, bottom: 8, containLabel: true },
    tooltip: { trigger: 'item', valueFormatter: (v: unknown) => `${Number(v).toLocaleString('en-US')} ${unit}` },
    xAxis: { type: 'value', show: false },
    yAxis: { type: 'category', data: sorted.map((p) => p.name) },
    series: [
      {
        type: 'bar',
        data: sorted.map((p) => p.value),
        color: '#c41d1d',
        label: { show: true, position: 'right', formatter: (p: { value: number }) => Number(p.value).toLocaleString('en-US') },
      },
    ],
  };
}

export interface Series {
  name: string;
  values: number[];
  color?: string;
}

/** Horizontal grouped bars (e.g. budgeted and contracted per category), categories top down. */
export function groupedBarOption(categories: string[], series: Series[], unit: string): EChartsCoreOption {
  const order = categories.map((_, i) => i).reverse();
  return {
    grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
    legend: { top: 0 },
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      valueFormatter: (v: unknown) => `${Number(v).toLocaleString('en-US')} ${unit}`,
    },
    xAxis: { type: 'value', axisLabel: { formatter: (v: number) => v.toLocaleString('en-US') } },
    yAxis: { type: 'category', data: order.map((i) => categories[i]) },
    series: series.map((s) => ({ type: 'bar', name: s.name, color: s.color, data: order.map((i) => s.values[i]) })),
  };
}

/** A ring of shares with a legend. */
export function pieOption(points: Point[], unit: string): EChartsCoreOption {
  return {
    tooltip: { trigger: 'item', valueFormatter: (v: unknown) => `${Number(v).toLocaleString('en-US')} ${unit}` },
    legend: { bottom: 0, type: 'scroll' },
    series: [
      {
        type: 'pie',
        radius: ['40%', '68%'],
        center: ['50%', '44%'],
        data: points,
        label: { formatter: '{b}\n{d}%' },
      },
    ],
  };
}
